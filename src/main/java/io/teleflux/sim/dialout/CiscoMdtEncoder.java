package io.teleflux.sim.dialout;

import io.grpc.MethodDescriptor;
import io.teleflux.proto.cisco.gRPCMdtDialoutGrpc;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cisco IOS XR MDT with {@code encoding self-describing-gpb}: each sample of a path is one
 * {@code Telemetry} (device in {@code node_id_str}, the YANG path in {@code encoding_path}, the sample
 * instant in {@code collection_start_time}, {@code msg_timestamp}, {@code collection_end_time} and in
 * every row's {@code timestamp}, ms) whose {@code data_gpbkv} rows have a {@code keys} and a
 * {@code content} child, serialized into one {@code MdtDialoutArgs.data} (IOS XR does not chunk).
 *
 * <p>The H3C sensor paths map to the IOS XR paths that carry the same facts:
 * <ul>
 *   <li>{@code Ifmgr/Statistics} → {@value #GENERIC_COUNTERS} (key {@code interface-name}; {@code bytes-received},
 *       {@code packets-received} = unicast + multicast + broadcast, {@code input-drops}, ...);</li>
 *   <li>{@code Ifmgr/Interfaces} → {@value #INTERFACE_XR} ({@code if-index}, {@code speed} in kbit/s,
 *       {@code state}/{@code line-state} as {@code im-state-*}, {@code mtu}, {@code description});</li>
 *   <li>{@code Device/CPUs} → {@value #CPU}, {@code Diagnostic/Memories} → {@value #MEMORY},
 *       {@code Device/Base} → {@value #UPTIME} (stored by the collector as generic {@code cisco_*} measurements).</li>
 * </ul>
 * Interface names are the model's (as SNMP {@code ifName} gives them), so the overlay lines up.
 * Counters are {@code uint64} leaves, never wrapped.
 */
final class CiscoMdtEncoder implements DialectEncoder {
    static final String GENERIC_COUNTERS =
            "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters";
    static final String INTERFACE_XR = "Cisco-IOS-XR-pfi-im-cmd-oper:interfaces/interface-xr/interface";
    static final String CPU = "Cisco-IOS-XR-wdsysmon-fd-oper:system-monitoring/cpu-utilization";
    static final String MEMORY = "Cisco-IOS-XR-nto-misc-oper:memory-summary/nodes/node/summary";
    static final String UPTIME = "Cisco-IOS-XR-shellutil-oper:system-time/uptime";
    static final String NODE = "0/RP0/CPU0";
    static final String SUBSCRIPTION = "teleflux-sim";

    private final CounterModel model;
    private final int device;
    private final String name;
    private final long intervalMs;
    private final AtomicLong reqId = new AtomicLong();

    CiscoMdtEncoder(CounterModel model, int device, long intervalMs) {
        this.model = model;
        this.device = device;
        this.name = model.deviceName(device);
        this.intervalMs = intervalMs;
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return gRPCMdtDialoutGrpc.getMdtDialoutMethod();
    }

    @Override
    public boolean bidi() {
        return true;
    }

    static String encodingPath(SensorPath path) {
        return switch (path) {
            case IFMGR_STATISTICS -> GENERIC_COUNTERS;
            case IFMGR_INTERFACES -> INTERFACE_XR;
            case DEVICE_CPUS -> CPU;
            case DIAGNOSTIC_MEMORIES -> MEMORY;
            case DEVICE_BASE -> UPTIME;
        };
    }

    @Override
    public Payload encode(SensorPath path, long t, StringBuilder scratch) {
        Telemetry.Builder b = Telemetry.newBuilder()
                .setNodeIdStr(name)
                .setSubscriptionIdStr(SUBSCRIPTION)
                .setEncodingPath(encodingPath(path))
                .setCollectionId(Math.floorDiv(t, intervalMs))
                .setCollectionStartTime(t)
                .setMsgTimestamp(t)
                .setCollectionEndTime(t);
        int rows;
        switch (path) {
            case IFMGR_STATISTICS -> rows = statistics(b, t);
            case IFMGR_INTERFACES -> rows = interfaces(b, t);
            case DEVICE_CPUS -> rows = cpu(b, t);
            case DIAGNOSTIC_MEMORIES -> rows = memory(b, t);
            case DEVICE_BASE -> rows = uptime(b, t);
            default -> throw new IllegalStateException("no Cisco writer for " + path);
        }
        MdtDialoutArgs args = MdtDialoutArgs.newBuilder().setReqId(reqId.incrementAndGet())
                .setData(b.build().toByteString()).build();
        return new Payload(List.of(args), rows);
    }

    private int statistics(Telemetry.Builder b, long t) {
        int n = model.interfacesPerDevice();
        for (int p = 0; p < n; p++) {
            InterfaceSample s = model.sample(device, p, t);
            FlowCounters in = s.in();
            FlowCounters out = s.out();
            TelemetryField.Builder content = node("content")
                    .addFields(u64("packets-received", in.packets()))
                    .addFields(u64("bytes-received", in.octets()))
                    .addFields(u64("packets-sent", out.packets()))
                    .addFields(u64("bytes-sent", out.octets()))
                    .addFields(u64("multicast-packets-received", in.multicast()))
                    .addFields(u64("broadcast-packets-received", in.broadcast()))
                    .addFields(u64("multicast-packets-sent", out.multicast()))
                    .addFields(u64("broadcast-packets-sent", out.broadcast()))
                    .addFields(u64("output-drops", out.discards()))
                    .addFields(u64("input-drops", in.discards()))
                    .addFields(u64("input-errors", in.errors()))
                    .addFields(u64("output-errors", out.errors()));
            b.addDataGpbkv(row(t, s.iface().name(), content));
        }
        return n;
    }

    private int interfaces(Telemetry.Builder b, long t) {
        List<InterfaceProfile> ifaces = model.interfaces(device);
        for (InterfaceProfile i : ifaces) {
            TelemetryField.Builder content = node("content")
                    .addFields(str("interface-handle", i.name()))
                    .addFields(str("state", state(i)))
                    .addFields(str("line-state", state(i)))
                    .addFields(u32("mtu", i.mtu()))
                    .addFields(u32("speed", i.speedBps() / 1000))
                    .addFields(u32("bandwidth", i.speedBps() / 1000))
                    .addFields(str("description", i.description()))
                    .addFields(u32("if-index", i.ifIndex()))
                    .addFields(node("mac-address").addFields(str("address", i.mac())));
            b.addDataGpbkv(row(t, i.name(), content));
        }
        return ifaces.size();
    }

    /**
     * {@code state} and {@code line-state} alike: {@code im-state-admin-down} when shut by configuration,
     * else {@code im-state-up} or {@code im-state-down} with the line.
     */
    static String state(InterfaceProfile i) {
        if (i.adminStatus() == 2) {
            return "im-state-admin-down";
        }
        return i.operStatus() == 1 ? "im-state-up" : "im-state-down";
    }

    private int cpu(Telemetry.Builder b, long t) {
        DeviceSample d = model.deviceSample(device, t);
        b.addDataGpbkv(TelemetryField.newBuilder().setTimestamp(t)
                .addFields(node("keys").addFields(str("node-name", NODE)))
                .addFields(node("content")
                        .addFields(u32("total-cpu-one-minute", d.cpuPct()))
                        .addFields(u32("total-cpu-five-minute", d.cpuPct()))
                        .addFields(u32("total-cpu-fifteen-minute", d.cpuPct()))));
        return 1;
    }

    private int memory(Telemetry.Builder b, long t) {
        DeviceSample d = model.deviceSample(device, t);
        b.addDataGpbkv(TelemetryField.newBuilder().setTimestamp(t)
                .addFields(node("keys").addFields(str("node-name", NODE)))
                .addFields(node("content")
                        .addFields(u64("ram-memory", d.memTotalKb() * 1024))
                        .addFields(u64("free-physical-memory", d.memFreeKb() * 1024))));
        return 1;
    }

    private int uptime(Telemetry.Builder b, long t) {
        DeviceSample d = model.deviceSample(device, t);
        b.addDataGpbkv(TelemetryField.newBuilder().setTimestamp(t)
                .addFields(node("content")
                        .addFields(str("host-name", name))
                        .addFields(u32("uptime", d.uptimeSec()))));
        return 1;
    }

    private static TelemetryField row(long t, String iface, TelemetryField.Builder content) {
        return TelemetryField.newBuilder().setTimestamp(t)
                .addFields(node("keys").addFields(str("interface-name", iface)))
                .addFields(content).build();
    }

    private static TelemetryField.Builder node(String name) {
        return TelemetryField.newBuilder().setName(name);
    }

    private static TelemetryField.Builder u64(String name, long v) {
        return TelemetryField.newBuilder().setName(name).setUint64Value(v);
    }

    /** A uint32 leaf as IOS XR types it; a value beyond 32 bits (never in the model) saturates rather than wraps. */
    private static TelemetryField.Builder u32(String name, long v) {
        return TelemetryField.newBuilder().setName(name).setUint32Value((int) Math.min(v, 0xFFFF_FFFFL));
    }

    private static TelemetryField.Builder str(String name, String v) {
        return TelemetryField.newBuilder().setName(name).setStringValue(v);
    }
}
