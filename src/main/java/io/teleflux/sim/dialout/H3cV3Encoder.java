package io.teleflux.sim.dialout;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.gRPCDialoutV3Grpc;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.sim.DeviceProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * H3C Comware v3 ("3-layer"): each sample of a path is one {@code h3c_telemetry_v3.Telemetry} with the
 * device in {@code node_id_str}/{@code product_name}, the sample instant in
 * {@code collection_start_time}, {@code msg_timestamp} and {@code collection_end_time} (ms), and the
 * table as JSON in {@code data_str}, starting with the table as real devices do
 * ({@code {"Statistics":{"Interface":[...]}}}). Serialized, it travels in {@code DialoutV3Args.data};
 * one larger than {@code chunkBytes} goes out in pieces of at most that many bytes, each with
 * {@code totalSize} = the whole size.
 */
final class H3cV3Encoder implements DialectEncoder {
    static final String SUBSCRIPTION = "teleflux-sim";

    private final H3cJsonWriter writer;
    private final int device;
    private final DeviceProfile profile;
    private final long intervalMs;
    private final int chunkBytes;
    private final AtomicLong reqId = new AtomicLong();

    H3cV3Encoder(H3cJsonWriter writer, DeviceProfile profile, long intervalMs, int chunkBytes) {
        this.writer = writer;
        this.device = profile.index();
        this.profile = profile;
        this.intervalMs = intervalMs;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return gRPCDialoutV3Grpc.getDialoutV3Method();
    }

    @Override
    public boolean bidi() {
        return true;
    }

    @Override
    public Payload encode(SensorPath path, long timeMs, StringBuilder sb) {
        sb.setLength(0);
        int rows = writer.appendTable(sb, path, device, timeMs);
        Telemetry t = Telemetry.newBuilder()
                .setProducerName("H3C")
                .setNodeIdStr(profile.name())
                .setProductName(profile.model())
                .setSubscriptionIdStr(SUBSCRIPTION)
                .setSensorPath(path.path())
                .setCollectionId(Math.floorDiv(timeMs, intervalMs))
                .setCollectionStartTime(timeMs)
                .setMsgTimestamp(timeMs)
                .setCollectionEndTime(timeMs)
                .setCurrentPeriod((int) Math.min(Integer.MAX_VALUE, intervalMs))
                .setExceptDesc("OK")
                .setEncoding(Telemetry.Encoding.Encoding_JSON)
                .setDataStr(sb.toString())
                .build();
        return new Payload(wrap(t.toByteString(), reqId.incrementAndGet(), chunkBytes), rows);
    }

    /** The {@code DialoutV3Args} carrying {@code data}: one, or pieces of {@code chunkBytes} with {@code totalSize}. */
    static List<MessageLite> wrap(ByteString data, long reqId, int chunkBytes) {
        if (data.size() <= chunkBytes) {
            return List.of(DialoutV3Args.newBuilder().setReqId(reqId).setData(data).build());
        }
        List<MessageLite> parts = new ArrayList<>(data.size() / chunkBytes + 1);
        for (int from = 0; from < data.size(); from += chunkBytes) {
            parts.add(DialoutV3Args.newBuilder().setReqId(reqId).setTotalSize(data.size())
                    .setData(data.substring(from, Math.min(data.size(), from + chunkBytes))).build());
        }
        return parts;
    }
}
