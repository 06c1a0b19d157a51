package io.teleflux.sim.dialout;

import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Cisco IOS XR device of the simulator sends, decoded with the generated protos. */
class CiscoMdtEncoderTest {
    static final long T = 1_750_006_400_123L;

    private final CounterModel model = new CounterModel(5, 48, "xr-");

    private static Telemetry decode(DialectEncoder.Payload p) throws Exception {
        assertThat(p.parts()).as("IOS XR does not chunk").hasSize(1);
        MdtDialoutArgs args = MdtDialoutArgs.parseFrom(p.parts().get(0).toByteString());
        assertThat(args.getTotalSize()).isZero();
        assertThat(args.getErrors()).isEmpty();
        return Telemetry.parseFrom(args.getData());
    }

    /** A child of a row ({@code keys}, {@code content}) as name → field. */
    private static Map<String, TelemetryField> child(TelemetryField row, String name) {
        Map<String, TelemetryField> out = new LinkedHashMap<>();
        for (TelemetryField c : row.getFieldsList()) {
            if (c.getName().equals(name)) {
                c.getFieldsList().forEach(f -> out.put(f.getName(), f));
            }
        }
        return out;
    }

    private static void assertHeader(Telemetry t, String device, String path) {
        assertThat(t.getNodeIdStr()).isEqualTo(device);
        assertThat(t.getEncodingPath()).isEqualTo(path);
        assertThat(t.getSubscriptionIdStr()).isEqualTo("teleflux-sim");
        assertThat(t.getMsgTimestamp()).isEqualTo(T);
        assertThat(t.getCollectionStartTime()).isEqualTo(T);
        assertThat(t.getCollectionEndTime()).isEqualTo(T);
        assertThat(t.getCollectionId()).isEqualTo(T / 5_000);
        assertThat(t.hasDataGpb()).as("self-describing GPB-KV, not compact").isFalse();
    }

    @Test
    void genericCountersRowsCarryTheModelsCountersAsUint64() throws Exception {
        int d = 3;
        CiscoMdtEncoder e = new CiscoMdtEncoder(model, d, 5_000);
        DialectEncoder.Payload p = e.encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder());
        Telemetry t = decode(p);
        assertHeader(t, "xr-0004", CiscoMdtEncoder.GENERIC_COUNTERS);
        assertThat(t.getDataGpbkvCount()).isEqualTo(48).isEqualTo(p.rows());
        for (int i = 0; i < 48; i++) {
            TelemetryField row = t.getDataGpbkv(i);
            InterfaceSample s = model.sample(d, i, T);
            assertThat(row.getTimestamp()).isEqualTo(T);
            assertThat(child(row, "keys")).containsOnlyKeys("interface-name");
            assertThat(child(row, "keys").get("interface-name").getStringValue()).isEqualTo(s.iface().name());
            Map<String, TelemetryField> c = child(row, "content");
            assertThat(c.values()).allMatch(f -> f.getValueByTypeCase() == TelemetryField.ValueByTypeCase.UINT64_VALUE);
            assertThat(c.get("bytes-received").getUint64Value()).isEqualTo(s.in().octets());
            assertThat(c.get("bytes-sent").getUint64Value()).isEqualTo(s.out().octets());
            assertThat(c.get("packets-received").getUint64Value()).isEqualTo(s.in().packets())
                    .isEqualTo(s.in().unicast() + s.in().multicast() + s.in().broadcast());
            assertThat(c.get("packets-sent").getUint64Value()).isEqualTo(s.out().packets());
            assertThat(c.get("multicast-packets-received").getUint64Value()).isEqualTo(s.in().multicast());
            assertThat(c.get("broadcast-packets-received").getUint64Value()).isEqualTo(s.in().broadcast());
            assertThat(c.get("input-errors").getUint64Value()).isEqualTo(s.in().errors());
            assertThat(c.get("output-errors").getUint64Value()).isEqualTo(s.out().errors());
            assertThat(c.get("input-drops").getUint64Value()).isEqualTo(s.in().discards());
            assertThat(c.get("output-drops").getUint64Value()).isEqualTo(s.out().discards());
        }
        assertThat(MdtDialoutArgs.parseFrom(e.encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder())
                .parts().get(0).toByteString()).getReqId()).as("request ids count up").isEqualTo(2);
    }

    @Test
    void interfaceXrRowsCarryStateSpeedAndIndex() throws Exception {
        int d = 1;
        Telemetry t = decode(new CiscoMdtEncoder(model, d, 5_000).encode(SensorPath.IFMGR_INTERFACES, T, new StringBuilder()));
        assertHeader(t, "xr-0002", CiscoMdtEncoder.INTERFACE_XR);
        List<InterfaceProfile> ifaces = model.interfaces(d);
        boolean sawDown = false;
        for (int i = 0; i < ifaces.size(); i++) {
            InterfaceProfile iface = ifaces.get(i);
            TelemetryField row = t.getDataGpbkv(i);
            assertThat(child(row, "keys").get("interface-name").getStringValue()).isEqualTo(iface.name());
            Map<String, TelemetryField> c = child(row, "content");
            assertThat(c.get("if-index").getUint32Value()).isEqualTo(iface.ifIndex());
            assertThat(Integer.toUnsignedLong(c.get("speed").getUint32Value())).as("kbit/s").isEqualTo(iface.speedBps() / 1000);
            assertThat(c.get("description").getStringValue()).isEqualTo(iface.description());
            String state = c.get("state").getStringValue();
            String line = c.get("line-state").getStringValue();
            // the collector's reading: admin down iff the state says admin; oper up iff the line is up
            assertThat(state.contains("admin") ? 2 : 1).isEqualTo(iface.adminStatus());
            assertThat(line.equals("im-state-up") ? 1 : 2).isEqualTo(iface.operStatus());
            assertThat(line).startsWith("im-state-");
            sawDown |= iface.operStatus() == 2;
        }
        assertThat(sawDown).as("the model has down ports to show").isTrue();
    }

    @Test
    void cpuMemoryAndUptimeRows() throws Exception {
        int d = 2;
        DeviceSample s = model.deviceSample(d, T);
        CiscoMdtEncoder e = new CiscoMdtEncoder(model, d, 5_000);
        Telemetry cpu = decode(e.encode(SensorPath.DEVICE_CPUS, T, new StringBuilder()));
        assertHeader(cpu, "xr-0003", CiscoMdtEncoder.CPU);
        assertThat(child(cpu.getDataGpbkv(0), "keys").get("node-name").getStringValue()).isEqualTo("0/RP0/CPU0");
        assertThat(child(cpu.getDataGpbkv(0), "content").get("total-cpu-one-minute").getUint32Value()).isEqualTo(s.cpuPct());
        Telemetry mem = decode(e.encode(SensorPath.DIAGNOSTIC_MEMORIES, T, new StringBuilder()));
        assertHeader(mem, "xr-0003", CiscoMdtEncoder.MEMORY);
        Map<String, TelemetryField> m = child(mem.getDataGpbkv(0), "content");
        assertThat(m.get("ram-memory").getUint64Value()).isEqualTo(s.memTotalKb() * 1024);
        assertThat(m.get("free-physical-memory").getUint64Value()).isEqualTo(s.memFreeKb() * 1024);
        Telemetry up = decode(e.encode(SensorPath.DEVICE_BASE, T, new StringBuilder()));
        assertHeader(up, "xr-0003", CiscoMdtEncoder.UPTIME);
        assertThat(child(up.getDataGpbkv(0), "content").get("uptime").getUint32Value()).isEqualTo((int) s.uptimeSec());
        assertThat(child(up.getDataGpbkv(0), "content").get("host-name").getStringValue()).isEqualTo("xr-0003");
    }
}
