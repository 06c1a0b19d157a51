package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceSample;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What an H3C v3 device of the simulator sends, decoded with the generated protos. */
class H3cV3EncoderTest {
    static final long T = 1_750_006_400_123L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CounterModel model = new CounterModel(3, 48, "v3-");
    private final H3cJsonWriter writer = new H3cJsonWriter(model);

    private H3cV3Encoder encoder(int device, int chunkBytes) {
        return new H3cV3Encoder(writer, model.device(device), 5_000, chunkBytes);
    }

    /** Joins the pieces as the collector does and parses the Telemetry. */
    private static Telemetry telemetry(DialectEncoder.Payload p) throws Exception {
        ByteString data = ByteString.EMPTY;
        for (MessageLite m : p.parts()) {
            data = data.concat(DialoutV3Args.parseFrom(m.toByteString()).getData());
        }
        return Telemetry.parseFrom(data);
    }

    @Test
    void statisticsAreOneTelemetryWithTheTableAsJsonAndTheSampleInstant() throws Exception {
        int d = 2;
        DialectEncoder.Payload p = encoder(d, DialoutSettings.DEFAULT_V3_CHUNK_BYTES)
                .encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder());
        assertThat(p.parts()).hasSize(1);
        DialoutV3Args args = DialoutV3Args.parseFrom(p.parts().get(0).toByteString());
        assertThat(args.getTotalSize()).as("not chunked").isZero();
        assertThat(args.getReqId()).isEqualTo(1);
        assertThat(args.getErrors()).isEmpty();
        Telemetry t = telemetry(p);
        assertThat(t.getNodeIdStr()).isEqualTo("v3-0003");
        assertThat(t.getProducerName()).isEqualTo("H3C");
        assertThat(t.getProductName()).isEqualTo(model.device(d).model());
        assertThat(t.getSensorPath()).isEqualTo("Ifmgr/Statistics");
        assertThat(t.getEncoding()).isEqualTo(Telemetry.Encoding.Encoding_JSON);
        assertThat(t.getExceptDesc()).isEqualTo("OK");
        assertThat(t.getMsgTimestamp()).isEqualTo(T);
        assertThat(t.getCollectionStartTime()).isEqualTo(T);
        assertThat(t.getCollectionEndTime()).isEqualTo(T);
        assertThat(t.getCollectionId()).isEqualTo(T / 5_000);
        assertThat(t.getCurrentPeriod()).isEqualTo(5_000);
        assertThat(t.hasDataGpb()).isFalse();

        JsonNode root = JSON.readTree(t.getDataStr());
        assertThat(root.size()).as("only the table").isEqualTo(1);
        JsonNode rows = root.get("Statistics").get("Interface");
        assertThat(rows.size()).isEqualTo(48).isEqualTo(p.rows());
        for (int i = 0; i < 48; i++) {
            InterfaceSample s = model.sample(d, i, T);
            JsonNode r = rows.get(i);
            assertThat(r.get("Name").asText()).isEqualTo(s.iface().name());
            assertThat(r.get("IfIndex").asInt()).isEqualTo(s.iface().ifIndex());
            assertThat(r.get("InOctets").asLong()).isEqualTo(s.in().octets());
            assertThat(r.get("OutOctets").asLong()).isEqualTo(s.out().octets());
            assertThat(r.get("InPkts").asLong()).isEqualTo(s.in().packets());
            assertThat(r.get("OutUcastPkts").asLong()).isEqualTo(s.out().unicast());
            assertThat(r.get("InErrors").asLong()).isEqualTo(s.in().errors());
            assertThat(r.get("OutDiscards").asLong()).isEqualTo(s.out().discards());
        }
        // the same table as the classic face sends inside its Notification envelope
        JsonNode classic = JSON.readTree(writer.json(SensorPath.IFMGR_STATISTICS, d, T));
        assertThat(classic.at("/Notification/Ifmgr/Statistics")).isEqualTo(root.get("Statistics"));
    }

    @Test
    void stateAndDeviceTablesCarryStatusSpeedCpuAndMemory() throws Exception {
        int d = 4;
        H3cV3Encoder e = encoder(d, DialoutSettings.DEFAULT_V3_CHUNK_BYTES);
        JsonNode rows = JSON.readTree(telemetry(e.encode(SensorPath.IFMGR_INTERFACES, T, new StringBuilder())).getDataStr())
                .get("Interfaces").get("Interface");
        List<InterfaceProfile> ifaces = model.interfaces(d);
        for (int i = 0; i < ifaces.size(); i++) {
            assertThat(rows.get(i).get("OperStatus").asInt()).isEqualTo(ifaces.get(i).operStatus());
            assertThat(rows.get(i).get("AdminStatus").asInt()).isEqualTo(ifaces.get(i).adminStatus());
            assertThat(rows.get(i).get("ActualSpeed").asLong()).isEqualTo(ifaces.get(i).speedBps() / 1000);
        }
        DeviceSample s = model.deviceSample(d, T);
        Telemetry cpu = telemetry(e.encode(SensorPath.DEVICE_CPUS, T, new StringBuilder()));
        assertThat(cpu.getSensorPath()).isEqualTo("Device/CPUs");
        assertThat(JSON.readTree(cpu.getDataStr()).at("/CPUs/CPU/0/CPUUsage").asInt()).isEqualTo(s.cpuPct());
        Telemetry mem = telemetry(e.encode(SensorPath.DIAGNOSTIC_MEMORIES, T, new StringBuilder()));
        assertThat(JSON.readTree(mem.getDataStr()).at("/Memories/Memory/0/Used").asLong()).isEqualTo(s.memUsedKb());
        Telemetry base = telemetry(e.encode(SensorPath.DEVICE_BASE, T, new StringBuilder()));
        assertThat(JSON.readTree(base.getDataStr()).at("/Base/Uptime").asLong()).isEqualTo(s.uptimeSec());
    }

    @Test
    void aLargeTelemetryGoesOutInPiecesCarryingItsTotalSize() throws Exception {
        DialectEncoder.Payload whole = encoder(1, 1 << 20).encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder());
        DialectEncoder.Payload pieces = encoder(1, 1000).encode(SensorPath.IFMGR_STATISTICS, T, new StringBuilder());
        int size = DialoutV3Args.parseFrom(whole.parts().get(0).toByteString()).getData().size();
        assertThat(pieces.parts()).hasSize((size + 999) / 1000);
        for (MessageLite m : pieces.parts()) {
            DialoutV3Args a = DialoutV3Args.parseFrom(m.toByteString());
            assertThat(a.getTotalSize()).isEqualTo(size);
            assertThat(a.getData().size()).isLessThanOrEqualTo(1000);
            assertThat(a.getReqId()).as("one request id for every piece of a message").isEqualTo(1);
        }
        assertThat(telemetry(pieces)).isEqualTo(telemetry(whole));
        assertThat(pieces.rows()).isEqualTo(48);
    }
}
