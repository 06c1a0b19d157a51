package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class H3cJsonWriterTest {
    static final long T = 1_750_006_400_123L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CounterModel model = new CounterModel(3, 48, "sim-");
    private final H3cJsonWriter writer = new H3cJsonWriter(model);

    /** Parses one message and returns the table node under Notification/Module/Table. */
    private JsonNode table(SensorPath path, int device, long t) throws Exception {
        JsonNode root = JSON.readTree(writer.json(path, device, t));
        assertThat(fieldNames(root)).containsExactly("Notification");
        JsonNode n = root.get("Notification");
        assertThat(fieldNames(n)).containsExactly("Timestamp", path.module());
        assertThat(n.get("Timestamp").isTextual()).as("Timestamp is a string, as devices send it").isTrue();
        assertThat(n.get("Timestamp").asText()).isEqualTo(Long.toString(t));
        assertThat(fieldNames(n.get(path.module()))).containsExactly(path.table());
        return n.get(path.module()).get(path.table());
    }

    private JsonNode rows(SensorPath path, int device, long t) throws Exception {
        JsonNode table = table(path, device, t);
        assertThat(fieldNames(table)).containsExactly(path.row());
        JsonNode rows = table.get(path.row());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.size()).isEqualTo(writer.rows(path));
        return rows;
    }

    @Test
    void statisticsRowsCarryTheModelsCounters() throws Exception {
        for (int d = 0; d < 4; d++) {
            long t = T + d * 5_000;
            JsonNode rows = rows(SensorPath.IFMGR_STATISTICS, d, t);
            for (int p = 0; p < 48; p++) {
                JsonNode r = rows.get(p);
                InterfaceSample s = model.sample(d, p, t);
                FlowCounters in = s.in();
                FlowCounters out = s.out();
                assertThat(fieldNames(r)).containsExactly("IfIndex", "Name", "AbbreviatedName", "InOctets", "OutOctets",
                        "InUcastPkts", "OutUcastPkts", "InNUcastPkts", "OutNUcastPkts", "InPkts", "OutPkts",
                        "InDiscards", "OutDiscards", "InErrors", "OutErrors", "InRate", "OutRate", "LastClear");
                assertThat(r.get("IfIndex").asInt()).isEqualTo(s.iface().ifIndex());
                assertThat(r.get("Name").asText()).isEqualTo(s.iface().name());
                assertThat(r.get("AbbreviatedName").asText()).isEqualTo(s.iface().abbreviatedName());
                assertThat(r.get("InOctets").isIntegralNumber()).isTrue();
                assertThat(r.get("InOctets").asLong()).isEqualTo(in.octets());
                assertThat(r.get("OutOctets").asLong()).isEqualTo(out.octets());
                assertThat(r.get("InUcastPkts").asLong()).isEqualTo(in.unicast());
                assertThat(r.get("OutUcastPkts").asLong()).isEqualTo(out.unicast());
                assertThat(r.get("InNUcastPkts").asLong()).isEqualTo(in.multicast() + in.broadcast());
                assertThat(r.get("OutNUcastPkts").asLong()).isEqualTo(out.multicast() + out.broadcast());
                assertThat(r.get("InPkts").asLong()).isEqualTo(in.packets());
                assertThat(r.get("OutPkts").asLong()).isEqualTo(out.packets());
                assertThat(r.get("InPkts").asLong())
                        .isEqualTo(r.get("InUcastPkts").asLong() + r.get("InNUcastPkts").asLong());
                assertThat(r.get("InDiscards").asLong()).isEqualTo(in.discards());
                assertThat(r.get("OutDiscards").asLong()).isEqualTo(out.discards());
                assertThat(r.get("InErrors").asLong()).isEqualTo(in.errors());
                assertThat(r.get("OutErrors").asLong()).isEqualTo(out.errors());
                assertThat(r.get("InRate").asLong()).isEqualTo(in.recentBytesPerSec());
                assertThat(r.get("OutRate").asLong()).isEqualTo(out.recentBytesPerSec());
                assertThat(r.get("LastClear").asText()).isEqualTo("Never");
            }
        }
    }

    @Test
    void interfacesRowsDescribeEveryPort() throws Exception {
        JsonNode rows = rows(SensorPath.IFMGR_INTERFACES, 2, T);
        List<InterfaceProfile> ifaces = model.interfaces(2);
        for (int p = 0; p < ifaces.size(); p++) {
            JsonNode r = rows.get(p);
            InterfaceProfile i = ifaces.get(p);
            assertThat(fieldNames(r)).containsExactly("IfIndex", "Name", "AbbreviatedName", "Description",
                    "AdminStatus", "OperStatus", "ActualSpeed", "ActualBandwidth", "MAC", "ActualMTU");
            assertThat(r.get("IfIndex").asInt()).isEqualTo(i.ifIndex());
            assertThat(r.get("Name").asText()).isEqualTo(i.name());
            assertThat(r.get("Description").asText()).isEqualTo(i.description());
            assertThat(r.get("AdminStatus").asInt()).isEqualTo(i.adminStatus()).isIn(1, 2);
            assertThat(r.get("OperStatus").asInt()).isEqualTo(i.operStatus()).isIn(1, 2);
            assertThat(r.get("ActualSpeed").asLong()).as("kbit/s").isEqualTo(i.speedBps() / 1000);
            assertThat(r.get("ActualBandwidth").asLong()).isEqualTo(i.speedBps() / 1000);
            assertThat(r.get("MAC").asText()).matches("([0-9A-F]{2}-){5}[0-9A-F]{2}");
            assertThat(r.get("ActualMTU").asInt()).isIn(1500, 9216);
        }
    }

    @Test
    void cpuMemoryAndBaseCarryTheDeviceGauges() throws Exception {
        int d = 5;
        DeviceSample s = model.deviceSample(d, T);

        JsonNode cpu = rows(SensorPath.DEVICE_CPUS, d, T).get(0);
        assertThat(fieldNames(cpu)).containsExactly("Chassis", "Slot", "CPUID", "PhysicalIndex", "CPUUsage");
        assertThat(cpu.get("CPUUsage").asInt()).isEqualTo(s.cpuPct());

        JsonNode mem = rows(SensorPath.DIAGNOSTIC_MEMORIES, d, T).get(0);
        assertThat(fieldNames(mem)).containsExactly("Chassis", "Slot", "CPUID", "Total", "Used", "Free", "FreeRatio");
        assertThat(mem.get("Total").asLong()).isEqualTo(s.memTotalKb());
        assertThat(mem.get("Used").asLong()).isEqualTo(s.memUsedKb());
        assertThat(mem.get("Free").asLong()).isEqualTo(s.memTotalKb() - s.memUsedKb());
        assertThat(mem.get("FreeRatio").isTextual()).isTrue();
        assertThat(mem.get("FreeRatio").asText()).matches("\\d{1,2}%").isEqualTo(s.memFreePct() + "%");

        JsonNode base = table(SensorPath.DEVICE_BASE, d, T);
        assertThat(base.isObject()).as("a one-row table is a single object").isTrue();
        assertThat(fieldNames(base)).containsExactly("Uptime", "HostName", "VendorName");
        assertThat(base.get("Uptime").asLong()).isEqualTo(s.uptimeSec());
        assertThat(base.get("HostName").asText()).isEqualTo("sim-0006");
        assertThat(base.get("VendorName").asText()).isEqualTo("H3C");
    }

    @Test
    void namesAreEscaped() throws Exception {
        CounterModel odd = new CounterModel(3, 2, "lab \"x\"\\");
        JsonNode base = JSON.readTree(new H3cJsonWriter(odd).json(SensorPath.DEVICE_BASE, 0, T));
        assertThat(base.at("/Notification/Device/Base/HostName").asText()).isEqualTo("lab \"x\"\\0001");
    }

    @Test
    void appendReusesTheCallersBuffer() {
        StringBuilder sb = new StringBuilder();
        int rows = writer.append(sb, SensorPath.IFMGR_STATISTICS, 1, T);
        assertThat(rows).isEqualTo(48);
        assertThat(sb.toString()).isEqualTo(writer.json(SensorPath.IFMGR_STATISTICS, 1, T));
        assertThat(sb.toString()).startsWith("{\"Notification\":{\"Timestamp\":\"" + T + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{");
    }

    @Test
    void sensorPathsParseCaseInsensitively() {
        assertThat(SensorPath.parse("ifmgr/statistics")).isEqualTo(SensorPath.IFMGR_STATISTICS);
        assertThat(SensorPath.parse(" Device/CPUs ")).isEqualTo(SensorPath.DEVICE_CPUS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SensorPath.parse("Ifmgr/Nope"))
                .hasMessageContaining("unknown sensor path 'Ifmgr/Nope'").hasMessageContaining("Ifmgr/Statistics");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
