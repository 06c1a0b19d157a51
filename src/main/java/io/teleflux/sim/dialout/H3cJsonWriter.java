package io.teleflux.sim.dialout;

import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;

import java.util.List;

/**
 * Renders the {@code jsonData} of H3C dial-out messages from the counter model: the
 * {@code {"Notification":{"Timestamp":"<ms>","<Module>":{"<Table>":{"<Row>":[...]}}}}} envelope, with
 * the timestamp as a string as devices send it. Appends to a caller-owned builder so a device can
 * reuse one buffer for every message; stateless and thread-safe.
 */
public final class H3cJsonWriter {
    /** The single CPU and memory row of a standalone (non-IRF) box. */
    private static final int CHASSIS = 0;
    private static final int SLOT = 1;
    private static final int CPU_ID = 0;
    private static final int CPU_PHYSICAL_INDEX = 212;

    private final CounterModel model;

    public H3cJsonWriter(CounterModel model) {
        this.model = model;
    }

    /** Number of rows one message of {@code path} carries. */
    public int rows(SensorPath path) {
        return path == SensorPath.IFMGR_STATISTICS || path == SensorPath.IFMGR_INTERFACES
                ? model.interfacesPerDevice() : 1;
    }

    public String json(SensorPath path, int device, long timeMs) {
        StringBuilder sb = new StringBuilder(path == SensorPath.IFMGR_STATISTICS ? 512 * model.interfacesPerDevice() : 512);
        append(sb, path, device, timeMs);
        return sb.toString();
    }

    /** Appends one message's JSON for {@code device} at device time {@code timeMs}; returns its row count. */
    public int append(StringBuilder sb, SensorPath path, int device, long timeMs) {
        sb.append("{\"Notification\":{\"Timestamp\":\"").append(timeMs).append("\",\"")
                .append(path.module()).append("\":{\"").append(path.table()).append("\":");
        table(sb, path, device, timeMs);
        sb.append("}}}");
        return rows(path);
    }

    /**
     * Appends the table alone, {@code {"<Table>":{"<Row>":[...]}}}, as H3C Comware v3 devices start
     * {@code data_str} (device, time and path travel in the protobuf header); returns its row count.
     */
    public int appendTable(StringBuilder sb, SensorPath path, int device, long timeMs) {
        sb.append("{\"").append(path.table()).append("\":");
        table(sb, path, device, timeMs);
        sb.append('}');
        return rows(path);
    }

    private void table(StringBuilder sb, SensorPath path, int device, long timeMs) {
        if (path.row() == null) {
            base(sb, device, timeMs);
        } else {
            sb.append("{\"").append(path.row()).append("\":[");
            switch (path) {
                case IFMGR_STATISTICS -> statistics(sb, device, timeMs);
                case IFMGR_INTERFACES -> interfaces(sb, device);
                case DEVICE_CPUS -> cpus(sb, device, timeMs);
                case DIAGNOSTIC_MEMORIES -> memories(sb, device, timeMs);
                default -> throw new IllegalStateException("no table writer for " + path);
            }
            sb.append("]}");
        }
    }

    private void statistics(StringBuilder sb, int device, long t) {
        int n = model.interfacesPerDevice();
        for (int p = 0; p < n; p++) {
            InterfaceSample s = model.sample(device, p, t);
            FlowCounters in = s.in();
            FlowCounters out = s.out();
            if (p > 0) {
                sb.append(',');
            }
            identity(sb, s.iface());
            num(sb, "InOctets", in.octets());
            num(sb, "OutOctets", out.octets());
            num(sb, "InUcastPkts", in.unicast());
            num(sb, "OutUcastPkts", out.unicast());
            num(sb, "InNUcastPkts", in.nonUnicast());
            num(sb, "OutNUcastPkts", out.nonUnicast());
            num(sb, "InPkts", in.packets());
            num(sb, "OutPkts", out.packets());
            num(sb, "InDiscards", in.discards());
            num(sb, "OutDiscards", out.discards());
            num(sb, "InErrors", in.errors());
            num(sb, "OutErrors", out.errors());
            num(sb, "InRate", in.recentBytesPerSec());
            num(sb, "OutRate", out.recentBytesPerSec());
            str(sb, "LastClear", "Never");
            sb.append('}');
        }
    }

    private void interfaces(StringBuilder sb, int device) {
        List<InterfaceProfile> ifaces = model.interfaces(device);
        for (int p = 0; p < ifaces.size(); p++) {
            InterfaceProfile i = ifaces.get(p);
            if (p > 0) {
                sb.append(',');
            }
            identity(sb, i);
            str(sb, "Description", i.description());
            num(sb, "AdminStatus", i.adminStatus());
            num(sb, "OperStatus", i.operStatus());
            num(sb, "ActualSpeed", i.speedBps() / 1000);
            num(sb, "ActualBandwidth", i.speedBps() / 1000);
            str(sb, "MAC", i.mac());
            num(sb, "ActualMTU", i.mtu());
            sb.append('}');
        }
    }

    private void cpus(StringBuilder sb, int device, long t) {
        DeviceSample d = model.deviceSample(device, t);
        location(sb);
        num(sb, "PhysicalIndex", CPU_PHYSICAL_INDEX);
        num(sb, "CPUUsage", d.cpuPct());
        sb.append('}');
    }

    private void memories(StringBuilder sb, int device, long t) {
        DeviceSample d = model.deviceSample(device, t);
        location(sb);
        num(sb, "Total", d.memTotalKb());
        num(sb, "Used", d.memUsedKb());
        num(sb, "Free", d.memFreeKb());
        str(sb, "FreeRatio", d.memFreePct() + "%");
        sb.append('}');
    }

    private void base(StringBuilder sb, int device, long t) {
        DeviceSample d = model.deviceSample(device, t);
        sb.append("{\"Uptime\":").append(d.uptimeSec());
        str(sb, "HostName", model.deviceName(device));
        str(sb, "VendorName", "H3C");
        sb.append('}');
    }

    private static void identity(StringBuilder sb, InterfaceProfile i) {
        sb.append("{\"IfIndex\":").append(i.ifIndex());
        str(sb, "Name", i.name());
        str(sb, "AbbreviatedName", i.abbreviatedName());
    }

    private static void location(StringBuilder sb) {
        sb.append("{\"Chassis\":").append(CHASSIS);
        num(sb, "Slot", SLOT);
        num(sb, "CPUID", CPU_ID);
    }

    static void num(StringBuilder sb, String key, long value) {
        sb.append(",\"").append(key).append("\":").append(value);
    }

    /** Appends {@code ,"key":"value"} with the value escaped as JSON. */
    static void str(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
