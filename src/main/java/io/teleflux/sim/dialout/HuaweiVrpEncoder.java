package io.teleflux.sim.dialout;

import io.grpc.MethodDescriptor;
import io.teleflux.proto.huawei.IfmClassic;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryGPBTable;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.gRPCDataserviceGrpc;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceProfile;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Huawei VRP gRPC dial-out: each sample of a path is one {@code huawei_telemetry.Telemetry} (device in
 * {@code node_id_str}, {@code product_name}, {@code software_version}; the sample instant in
 * {@code collection_start_time}, {@code msg_timestamp}, {@code collection_end_time} and every row's
 * {@code timestamp}, ms; {@code current_period}, {@code except_desc} {@code OK}), serialized into one
 * {@code serviceArgs.data} (Huawei does not chunk) on the bidirectional
 * {@code /huawei_dialout.gRPCDataservice/dataPublish}.
 *
 * <ul>
 *   <li>{@code Ifmgr/Statistics} → {@value #IF_STATISTICS}, GPB: one row per interface whose
 *       {@code content} is a {@code huawei_ifm.IfmClassic} ({@code proto_path} {@code huawei_ifm.Ifm} as
 *       devices name it) with {@code ifName}, {@code ifIndex} and {@code ifStatistics}: octets, packets
 *       (unicast + multicast + broadcast), the unicast/multicast/broadcast split, errors and drops in and
 *       out, and the realtime bit rates. Of the two generations the collector decodes into
 *       {@code interface}, this one carries the most (the GPB {@code mib-statistics} has no errors or
 *       discards).</li>
 *   <li>The other paths the collector maps into no standard measurement: it stores them as generic
 *       {@code huawei_<path>}, by leaf name for JSON but as unnamed {@code gpb_} fields counted as
 *       {@code unknown_gpb_content} decode errors for GPB. So, as a device with a JSON subscription for
 *       them would, they go as {@code encoding} JSON in {@code data_str}
 *       ({@code {"row":[{"timestamp":..,"content":{..}}]}}): {@code Ifmgr/Interfaces} →
 *       {@value #IF_DYNAMIC}, {@code Device/CPUs} → {@value #CPU}, {@code Diagnostic/Memories} →
 *       {@value #MEMORY}, {@code Device/Base} → {@value #SYSTEM}.</li>
 * </ul>
 * Interface names are the model's (as SNMP {@code ifName} gives them), so the overlay lines up.
 */
final class HuaweiVrpEncoder implements DialectEncoder {
    static final String IF_STATISTICS = "huawei-ifm:ifm/interfaces/interface/ifStatistics";
    static final String IF_DYNAMIC = "huawei-ifm:ifm/interfaces/interface/dynamic";
    static final String CPU = "huawei-devm:devm/cpuInfos/cpuInfo";
    static final String MEMORY = "huawei-devm:devm/memoryInfos/memoryInfo";
    static final String SYSTEM = "huawei-system:system/systemInfo";
    static final String PROTO_PATH = "huawei_ifm.Ifm";
    static final String SUBSCRIPTION = "teleflux-sim";
    static final String SOFTWARE_VERSION = "V800R022C00";
    /** The main board, as {@code position} of the devm rows. */
    static final String POSITION = "1";

    private final CounterModel model;
    private final int device;
    private final DeviceProfile profile;
    private final long intervalMs;
    private final AtomicLong reqId = new AtomicLong();

    HuaweiVrpEncoder(CounterModel model, DeviceProfile profile, long intervalMs) {
        this.model = model;
        this.device = profile.index();
        this.profile = profile;
        this.intervalMs = intervalMs;
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return gRPCDataserviceGrpc.getDataPublishMethod();
    }

    @Override
    public boolean bidi() {
        return true;
    }

    static String sensorPath(SensorPath path) {
        return switch (path) {
            case IFMGR_STATISTICS -> IF_STATISTICS;
            case IFMGR_INTERFACES -> IF_DYNAMIC;
            case DEVICE_CPUS -> CPU;
            case DIAGNOSTIC_MEMORIES -> MEMORY;
            case DEVICE_BASE -> SYSTEM;
        };
    }

    @Override
    public Payload encode(SensorPath path, long t, StringBuilder sb) {
        Telemetry.Builder b = Telemetry.newBuilder()
                .setNodeIdStr(profile.name())
                .setSubscriptionIdStr(SUBSCRIPTION)
                .setSensorPath(sensorPath(path))
                .setCollectionId(Math.floorDiv(t, intervalMs))
                .setCollectionStartTime(t)
                .setMsgTimestamp(t)
                .setCollectionEndTime(t)
                .setCurrentPeriod((int) Math.min(Integer.MAX_VALUE, intervalMs))
                .setExceptDesc("OK")
                .setProductName(profile.model())
                .setSoftwareVersion(SOFTWARE_VERSION);
        int rows;
        if (path == SensorPath.IFMGR_STATISTICS) {
            rows = statistics(b, t);
        } else {
            sb.setLength(0);
            sb.append("{\"row\":[{\"timestamp\":").append(t).append(",\"content\":");
            rows = switch (path) {
                case IFMGR_INTERFACES -> dynamic(sb);
                case DEVICE_CPUS -> cpu(sb, t);
                case DIAGNOSTIC_MEMORIES -> memory(sb, t);
                case DEVICE_BASE -> system(sb, t);
                default -> throw new IllegalStateException("no Huawei writer for " + path);
            };
            sb.append("}]}");
            b.setEncoding(Telemetry.Encoding.Encoding_JSON).setDataStr(sb.toString());
        }
        serviceArgs args = serviceArgs.newBuilder().setReqId(reqId.incrementAndGet())
                .setData(b.build().toByteString()).build();
        return new Payload(List.of(args), rows);
    }

    /** One GPB row per interface, each holding that interface alone, as VRP sends list instances. */
    private int statistics(Telemetry.Builder b, long t) {
        b.setEncoding(Telemetry.Encoding.Encoding_GPB).setProtoPath(PROTO_PATH);
        TelemetryGPBTable.Builder table = TelemetryGPBTable.newBuilder();
        int n = model.interfacesPerDevice();
        for (int p = 0; p < n; p++) {
            InterfaceSample s = model.sample(device, p, t);
            FlowCounters in = s.in();
            FlowCounters out = s.out();
            IfmClassic.Interfaces.Interface.IfStatistics stats = IfmClassic.Interfaces.Interface.IfStatistics.newBuilder()
                    .setReceiveByte(in.octets())
                    .setSendByte(out.octets())
                    .setReceivePacket(in.packets())
                    .setSendPacket(out.packets())
                    .setRcvUniPacket(in.unicast())
                    .setRcvMutiPacket(in.multicast())
                    .setRcvBroadPacket(in.broadcast())
                    .setRcvDropPacket(in.discards())
                    .setRcvErrorPacket(in.errors())
                    .setSendUniPacket(out.unicast())
                    .setSendMutiPacket(out.multicast())
                    .setSendBroadPacket(out.broadcast())
                    .setSendDropPacket(out.discards())
                    .setSendErrorPacket(out.errors())
                    .setInRealtimeBitRate(Math.round(in.bitsPerSec()))
                    .setOutRealtimeBitRate(Math.round(out.bitsPerSec()))
                    .build();
            IfmClassic content = IfmClassic.newBuilder().setInterfaces(IfmClassic.Interfaces.newBuilder()
                    .addInterface(IfmClassic.Interfaces.Interface.newBuilder()
                            .setIfName(s.iface().name())
                            .setIfIndex(s.iface().ifIndex())
                            .setIfStatistics(stats))).build();
            table.addRow(TelemetryRowGPB.newBuilder().setTimestamp(t).setContent(content.toByteString()));
        }
        b.setDataGpb(table);
        return n;
    }

    /**
     * {@code {"interfaces":{"interface":[{"index":..,"name":..,"dynamic":{"mtu":..,"bandwidth":..}}]}}},
     * {@code bandwidth} in bit/s. No {@code oper-status}/{@code admin-status}: the collector maps no
     * Huawei state into {@code interface} and would drop the enum strings ({@code non_numeric}).
     */
    private int dynamic(StringBuilder sb) {
        List<InterfaceProfile> ifaces = model.interfaces(device);
        sb.append("{\"interfaces\":{\"interface\":[");
        for (int k = 0; k < ifaces.size(); k++) {
            InterfaceProfile i = ifaces.get(k);
            sb.append(k == 0 ? "{" : ",{").append("\"index\":").append(i.ifIndex());
            H3cJsonWriter.str(sb, "name", i.name());
            sb.append(",\"dynamic\":{\"mtu\":").append(i.mtu());
            H3cJsonWriter.num(sb, "bandwidth", i.speedBps());
            sb.append("}}");
        }
        sb.append("]}}");
        return ifaces.size();
    }

    private int cpu(StringBuilder sb, long t) {
        DeviceSample d = model.deviceSample(device, t);
        sb.append("{\"cpuInfos\":{\"cpuInfo\":[{\"position\":\"").append(POSITION).append('"');
        H3cJsonWriter.num(sb, "systemCpuUsage", d.cpuPct());
        H3cJsonWriter.num(sb, "ovloadThreshold", 90);
        H3cJsonWriter.num(sb, "unovloadThreshold", 75);
        sb.append("}]}}");
        return 1;
    }

    /** Memory in kB, usage in percent. */
    private int memory(StringBuilder sb, long t) {
        DeviceSample d = model.deviceSample(device, t);
        sb.append("{\"memoryInfos\":{\"memoryInfo\":[{\"position\":\"").append(POSITION).append('"');
        H3cJsonWriter.num(sb, "osMemoryTotal", d.memTotalKb());
        H3cJsonWriter.num(sb, "osMemoryUse", d.memUsedKb());
        H3cJsonWriter.num(sb, "osMemoryFree", d.memFreeKb());
        H3cJsonWriter.num(sb, "osMemoryUsage", 100 - d.memFreePct());
        sb.append("}]}}");
        return 1;
    }

    private int system(StringBuilder sb, long t) {
        DeviceSample d = model.deviceSample(device, t);
        sb.append("{\"systemInfo\":{\"sysUptime\":").append(d.uptimeSec());
        H3cJsonWriter.str(sb, "sysName", profile.name());
        H3cJsonWriter.str(sb, "productName", profile.model());
        sb.append("}}");
        return 1;
    }
}
