package io.teleflux.sim.dialout;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The sensor paths the simulator can stream, each with its place in the {@code Notification} tree. */
public enum SensorPath {
    IFMGR_STATISTICS("Ifmgr/Statistics", "Interface"),
    IFMGR_INTERFACES("Ifmgr/Interfaces", "Interface"),
    DEVICE_CPUS("Device/CPUs", "CPU"),
    DIAGNOSTIC_MEMORIES("Diagnostic/Memories", "Memory"),
    /** One row, written as a single object rather than an array. */
    DEVICE_BASE("Device/Base", null);

    private final String path;
    private final String module;
    private final String table;
    private final String row;

    SensorPath(String path, String row) {
        this.path = path;
        int slash = path.indexOf('/');
        this.module = path.substring(0, slash);
        this.table = path.substring(slash + 1);
        this.row = row;
    }

    /** As configured on the device and sent in {@code DialoutMsg.sensorPath}, e.g. {@code Ifmgr/Statistics}. */
    public String path() {
        return path;
    }

    public String module() {
        return module;
    }

    public String table() {
        return table;
    }

    /** The row element name ({@code Interface}, {@code CPU}, ...), or null for a single-object table. */
    public String row() {
        return row;
    }

    /** Counters go out every sample; state and device tables only every few samples (see {@link DialoutSettings}). */
    public boolean everySample() {
        return this == IFMGR_STATISTICS;
    }

    public static Set<SensorPath> all() {
        return EnumSet.allOf(SensorPath.class);
    }

    /** Case-insensitive, as devices accept either spelling. */
    public static SensorPath parse(String s) {
        String wanted = s.trim();
        for (SensorPath p : values()) {
            if (p.path.equalsIgnoreCase(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown sensor path '" + s + "'; known: " + known());
    }

    public static String known() {
        return EnumSet.allOf(SensorPath.class).stream().map(SensorPath::path).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return path;
    }
}
