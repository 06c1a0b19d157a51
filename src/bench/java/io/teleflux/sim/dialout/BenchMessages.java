package io.teleflux.sim.dialout;

import com.google.protobuf.MessageLite;
import io.teleflux.sim.CounterModel;

/**
 * Serialized messages exactly as the simulator's dialects send them, for the decode benchmarks
 * (which live outside this package and must not reach into its encoders otherwise).
 */
public final class BenchMessages {
    private BenchMessages() {
    }

    /** One device's {@code Ifmgr/Statistics} sample at {@code timeMs} in {@code dialect}, as one serialized request message. */
    public static byte[] statistics(Dialect dialect, CounterModel model, int device, long timeMs) {
        long interval = 10_000;
        DialectEncoder enc = switch (dialect) {
            case H3CV3 -> new H3cV3Encoder(new H3cJsonWriter(model), model.device(device), interval, Integer.MAX_VALUE);
            case CISCO -> new CiscoMdtEncoder(model, device, interval);
            case HUAWEI -> new HuaweiVrpEncoder(model, model.device(device), interval);
            default -> throw new IllegalArgumentException("no bench message for " + dialect);
        };
        DialectEncoder.Payload p = enc.encode(SensorPath.IFMGR_STATISTICS, timeMs, new StringBuilder());
        if (p.parts().size() != 1) {
            throw new IllegalStateException(dialect + " sent the sample in " + p.parts().size() + " pieces");
        }
        MessageLite m = p.parts().get(0);
        return m.toByteArray();
    }
}
