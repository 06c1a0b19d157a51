package io.teleflux.sim.dialout;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The dial-out format a simulated device speaks; every dialect encodes the same {@code CounterModel} sample. */
public enum Dialect {
    /** H3C Comware 7 classic: {@code /grpc_dialout.GRPCDialout/Dialout}, client-streaming JSON with a {@code Notification} envelope. */
    H3C("h3c"),
    /** H3C Comware v3: {@code /grpc_dialout_v3.gRPCDialoutV3/DialoutV3}, bidi, a {@code Telemetry} with JSON {@code data_str}, chunked by {@code totalSize}. */
    H3CV3("h3cv3"),
    /** Cisco IOS XR MDT: {@code /mdt_dialout.gRPCMdtDialout/MdtDialout}, bidi, a {@code Telemetry} with self-describing GPB-KV rows. */
    CISCO("cisco"),
    /** Huawei VRP: {@code /huawei_dialout.gRPCDataservice/dataPublish}, bidi, a {@code Telemetry} with GPB {@code ifStatistics} rows (JSON for the other paths). */
    HUAWEI("huawei");

    private final String id;

    Dialect(String id) {
        this.id = id;
    }

    /** As written on the command line: {@code h3c}, {@code h3cv3}, {@code cisco}, {@code huawei}. */
    public String id() {
        return id;
    }

    public static Dialect parse(String s) {
        String wanted = s.trim().toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (d.id.equals(wanted)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dialect '" + s + "'; known: " + known());
    }

    public static String known() {
        return Arrays.stream(values()).map(Dialect::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
