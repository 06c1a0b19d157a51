package io.teleflux.sim.dialout;

import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;

import java.util.List;

/**
 * One device's dialect: the RPC its stream uses and how one sample of one sensor path becomes the
 * messages it sends on it. One instance per device (it holds the device's header); thread-safe.
 */
interface DialectEncoder {

    /** What one sample of one path goes out as: whole, or the pieces of one chunked message (all or nothing). */
    record Payload(List<MessageLite> parts, int rows) {
        int serializedSize() {
            int n = 0;
            for (MessageLite m : parts) {
                n += m.getSerializedSize();
            }
            return n;
        }
    }

    /** The method of the device's one long-lived stream. */
    MethodDescriptor<?, ?> method();

    /** True for a bidirectional stream (whose responses the device never waits for), false for client streaming. */
    boolean bidi();

    /** One sample of {@code path} at device time {@code timeMs}; every dialect carries every {@link SensorPath}. */
    Payload encode(SensorPath path, long timeMs, StringBuilder scratch);
}
