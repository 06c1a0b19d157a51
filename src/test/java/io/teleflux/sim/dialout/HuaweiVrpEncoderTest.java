package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.proto.huawei.IfmClassic;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.gRPCDataserviceGrpc;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Huawei VRP device of the simulator sends, decoded with the generated protos. */
class HuaweiVrpEncoderTest {
    static final long T = 1_750_006_400_123L;
    static final ObjectMapper JSON = new ObjectMapper();

    private final CounterModel model = new CounterModel(5, 48, "vrp-");

    private HuaweiVrpEncoder encoder(int device) {
        return new HuaweiVrpEncoder(model, model.device(device), 5_000);
    }

    private static Telemetry decode(DialectEncoder.Payload p) throws Exception {
        assertThat(p.parts()).as("Huawei does not chunk").hasSize(1);
        serviceArgs args = serviceArgs.parseFrom(p.parts().get(0).toByteString());
        assertThat(args.getMessageDataCase()).isEqualTo(serviceArgs.MessageDataCase.DATA);
        assertThat(args.getErrors()).isEmpty();
        assertThat(args.getReqId()).isPositive();
        return Telemetry.parseFrom(args.getData());
    }

    private void assertHeader(Telemetry t, int d, String path) {
        assertThat(t.getNodeIdStr()).isEqualTo(model.deviceName(d));
        assertThat(t.getProductName()).isEqualTo(model.device(d).model());
        assertThat(t.getSoftwareVersion()).isNotEmpty();
        assertThat(t.getSensorPath()).isEqualTo(path);
        assertThat(t.getSubscriptionIdStr()).isEqualTo("teleflux-sim");
        assertThat(t.getMsgTimestamp()).isEqualTo(T);
        assertThat(t.getCollectionStartTime()).isEqualTo(T);
        assertThat(t.getCollectionEndTime()).isEqualTo(T);
        assertThat(t.getCollectionId()).isEqualTo(T / 5_000);
        assertThat(t.getCurrentPeriod()).isEqualTo(5_000);
        assertThat(t.getExceptDesc()).isEqualTo("OK");
    }

    @Test
    void oneBidiStreamOnDataPublish() {
        HuaweiVrpEncoder e = encoder(0);
        assertThat(e.bidi()).isTrue();
        assertThat(e.method().getFullMethodName()).isEqualTo("huawei_dialout.gRPCDataservice/dataPublish")
                .isEqualTo(gRPCDataserviceGrpc.getDataPublishMethod().getFullMethodName());
    }

    @Test
    void ifStatisticsRowsCarryTheModelsCountersAsGpb() throws Exception {
        int d = 3;
        DialectEncoder.Payload p = encoder(d).encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder());
        Telemetry t = decode(p);
        assertHeader(t, d, HuaweiVrpEncoder.IF_STATISTICS);
        assertThat(t.getSensorPath()).isEqualTo("huawei-ifm:ifm/interfaces/interface/ifStatistics");
        assertThat(t.getEncoding()).isEqualTo(Telemetry.Encoding.Encoding_GPB);
        assertThat(t.getProtoPath()).isEqualTo("huawei_ifm.Ifm");
        assertThat(t.getDataStr()).isEmpty();
        assertThat(t.getDataGpb().getRowCount()).isEqualTo(48).isEqualTo(p.rows());
        for (int i = 0; i < 48; i++) {
            TelemetryRowGPB row = t.getDataGpb().getRow(i);
            assertThat(row.getTimestamp()).isEqualTo(T);
            IfmClassic content = IfmClassic.parseFrom(row.getContent());
            assertThat(content.getInterfaces().getInterfaceCount()).isEqualTo(1);
            IfmClassic.Interfaces.Interface iface = content.getInterfaces().getInterface(0);
            InterfaceSample s = model.sample(d, i, T);
            assertThat(iface.getIfName()).isEqualTo(s.iface().name()).isEqualTo(model.iface(d, i).name());
            assertThat(iface.getIfIndex()).isEqualTo(s.iface().ifIndex());
            assertThat(iface.hasIfStatistics()).isTrue();
            IfmClassic.Interfaces.Interface.IfStatistics st = iface.getIfStatistics();
            FlowCounters in = s.in();
            FlowCounters out = s.out();
            assertThat(st.getReceiveByte()).isEqualTo(in.octets());
            assertThat(st.getSendByte()).isEqualTo(out.octets());
            assertThat(st.getReceivePacket()).isEqualTo(in.packets()).isEqualTo(in.unicast() + in.multicast() + in.broadcast());
            assertThat(st.getSendPacket()).isEqualTo(out.packets()).isEqualTo(out.unicast() + out.multicast() + out.broadcast());
            assertThat(st.getRcvUniPacket()).isEqualTo(in.unicast());
            assertThat(st.getRcvMutiPacket()).isEqualTo(in.multicast());
            assertThat(st.getRcvBroadPacket()).isEqualTo(in.broadcast());
            assertThat(st.getSendUniPacket()).isEqualTo(out.unicast());
            assertThat(st.getSendMutiPacket()).isEqualTo(out.multicast());
            assertThat(st.getSendBroadPacket()).isEqualTo(out.broadcast());
            assertThat(st.getRcvErrorPacket()).isEqualTo(in.errors());
            assertThat(st.getSendErrorPacket()).isEqualTo(out.errors());
            assertThat(st.getRcvDropPacket()).isEqualTo(in.discards());
            assertThat(st.getSendDropPacket()).isEqualTo(out.discards());
            assertThat(st.getInRealtimeBitRate()).isEqualTo(Math.round(in.bitsPerSec()));
            assertThat(st.getOutRealtimeBitRate()).isEqualTo(Math.round(out.bitsPerSec()));
        }
        assertThat(t.getDataGpb().getRowList()).as("the model has traffic")
                .anyMatch(r -> r.getContent().size() > 40);
    }

    @Test
    void requestIdsCount() throws Exception {
        HuaweiVrpEncoder e = encoder(1);
        long first = serviceArgs.parseFrom(e.encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder()).parts().get(0)
                .toByteString()).getReqId();
        long second = serviceArgs.parseFrom(e.encode(SensorPath.DEVICE_CPUS, T, new StringBuilder()).parts().get(0)
                .toByteString()).getReqId();
        assertThat(second).isEqualTo(first + 1);
    }

    private JsonNode content(Telemetry t) throws Exception {
        assertThat(t.getEncoding()).isEqualTo(Telemetry.Encoding.Encoding_JSON);
        assertThat(t.hasDataGpb()).isFalse();
        JsonNode rows = JSON.readTree(t.getDataStr()).get("row");
        assertThat(rows.size()).isEqualTo(1);
        assertThat(rows.get(0).get("timestamp").asLong()).isEqualTo(T);
        return rows.get(0).get("content");
    }

    @Test
    void interfacesAsJsonDynamic() throws Exception {
        int d = 2;
        DialectEncoder.Payload p = encoder(d).encode(SensorPath.IFMGR_INTERFACES, T, new StringBuilder());
        Telemetry t = decode(p);
        assertHeader(t, d, HuaweiVrpEncoder.IF_DYNAMIC);
        JsonNode list = content(t).get("interfaces").get("interface");
        List<InterfaceProfile> ifaces = model.interfaces(d);
        assertThat(list.size()).isEqualTo(ifaces.size()).isEqualTo(p.rows());
        for (int i = 0; i < ifaces.size(); i++) {
            JsonNode row = list.get(i);
            assertThat(row.get("name").asText()).isEqualTo(ifaces.get(i).name());
            assertThat(row.get("index").asLong()).isEqualTo(ifaces.get(i).ifIndex());
            assertThat(row.get("dynamic").get("mtu").asLong()).isEqualTo(ifaces.get(i).mtu());
            assertThat(row.get("dynamic").get("bandwidth").asLong()).isEqualTo(ifaces.get(i).speedBps());
        }
    }

    @Test
    void cpuMemoryAndSystemAsJson() throws Exception {
        int d = 4;
        HuaweiVrpEncoder e = encoder(d);
        DeviceSample s = model.deviceSample(d, T);

        Telemetry cpu = decode(e.encode(SensorPath.DEVICE_CPUS, T, new StringBuilder()));
        assertHeader(cpu, d, "huawei-devm:devm/cpuInfos/cpuInfo");
        JsonNode c = content(cpu).get("cpuInfos").get("cpuInfo").get(0);
        assertThat(c.get("position").asText()).isEqualTo("1");
        assertThat(c.get("systemCpuUsage").asInt()).isEqualTo(s.cpuPct());

        Telemetry mem = decode(e.encode(SensorPath.DIAGNOSTIC_MEMORIES, T, new StringBuilder()));
        assertHeader(mem, d, "huawei-devm:devm/memoryInfos/memoryInfo");
        JsonNode m = content(mem).get("memoryInfos").get("memoryInfo").get(0);
        assertThat(m.get("osMemoryTotal").asLong()).isEqualTo(s.memTotalKb());
        assertThat(m.get("osMemoryUse").asLong()).isEqualTo(s.memUsedKb());
        assertThat(m.get("osMemoryFree").asLong()).isEqualTo(s.memFreeKb());
        assertThat(m.get("osMemoryUsage").asInt()).isEqualTo(100 - s.memFreePct());

        Telemetry sys = decode(e.encode(SensorPath.DEVICE_BASE, T, new StringBuilder()));
        assertHeader(sys, d, "huawei-system:system/systemInfo");
        JsonNode b = content(sys).get("systemInfo");
        assertThat(b.get("sysUptime").asLong()).isEqualTo(s.uptimeSec());
        assertThat(b.get("sysName").asText()).isEqualTo(model.deviceName(d));
    }
}
