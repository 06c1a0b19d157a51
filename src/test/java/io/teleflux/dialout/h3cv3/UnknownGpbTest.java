package io.teleflux.dialout.h3cv3;

import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnknownGpbTest {
    static final long MSG_TIME = 1_718_000_000_123L;
    final Metrics metrics = new Metrics();
    final UnknownGpb gpb = new UnknownGpb(metrics, 1000, 32, 100);

    /** An Ifmgr-like module message: Ifmgr{1: Statistics{1: Interface{...}}}, one interface per row. */
    static Wire ifmgrRow(int ifIndex, String name, long inOctets) {
        Wire iface = Wire.message().varint(1, ifIndex).text(2, name).varint(3, inOctets)
                .fixed64Double(5, 61.5).fixed32Float(6, 0.5f);
        return Wire.message().message(1, Wire.message().message(1, iface));
    }

    static TelemetryRowGPB row(long timestamp, Wire content) {
        return TelemetryRowGPB.newBuilder().setTimestamp(timestamp).setContent(content.toByteString()).build();
    }

    List<String> decode(String path, TelemetryRowGPB... rows) throws Exception {
        List<Point> out = new ArrayList<>();
        int n = gpb.decode("sw1", path, TelemetryGPBTable.newBuilder().addAllRow(List.of(rows)).build(), MSG_TIME, out);
        assertThat(n).isEqualTo(out.size());
        return out.stream().map(LineProtocol::encode).toList();
    }

    long counter(String name, String reason) {
        return (long) metrics.value(name, "reason", reason);
    }

    @Test
    void rowsBecomeGenericPointsNamedByFieldNumbersWithTextAsTags() throws Exception {
        assertThat(decode("Ifmgr/Statistics", row(1_718_000_000_000L, ifmgrRow(1, "GE1/0/1", 12_345_678_901_234L)),
                row(1_718_000_000_001L, ifmgrRow(2, "GE1/0/2", 7))))
                .containsExactly(
                        "h3c_ifmgr_statistics,device=sw1,f1_f1_f2=GE1/0/1,source=telemetry f1_f1_f1=1i,"
                                + "f1_f1_f3=12345678901234i,f1_f1_f5=61.5,f1_f1_f6=0.5 1718000000000",
                        "h3c_ifmgr_statistics,device=sw1,f1_f1_f2=GE1/0/2,source=telemetry f1_f1_f1=2i,"
                                + "f1_f1_f3=7i,f1_f1_f5=61.5,f1_f1_f6=0.5 1718000000001");
        assertThat(counter("teleflux_decode_warnings_total", "unknown_gpb_module")).isEqualTo(2);
    }

    @Test
    void aRepeatedFieldIsNumberedFromItsSecondOccurrence() throws Exception {
        Wire table = Wire.message()
                .message(1, Wire.message().varint(1, 1).text(2, "GE1/0/1"))
                .message(1, Wire.message().varint(1, 2).text(2, "GE1/0/2"))
                .varint(3, 10).varint(3, 11).varint(3, 12);
        assertThat(decode("Ifmgr/Statistics", row(0, Wire.message().message(1, table))))
                .containsExactly("h3c_ifmgr_statistics,device=sw1,f1_f1_1_f2=GE1/0/2,f1_f1_f2=GE1/0/1,source=telemetry"
                        + " f1_f1_f1=1i,f1_f1_1_f1=2i,f1_f3=10i,f1_f3_1=11i,f1_f3_2=12i 1718000000123");
    }

    @Test
    void rowsWithoutTextAreTaggedByTheirPositionSoThatNoneOverwritesAnother() throws Exception {
        Wire cpu0 = Wire.message().message(1, Wire.message().message(1, Wire.message().varint(1, 0).varint(2, 1).varint(4, 23)));
        Wire cpu1 = Wire.message().message(1, Wire.message().message(1, Wire.message().varint(1, 0).varint(2, 2).varint(4, 7)));
        assertThat(decode("Device/CPUs", row(0, cpu0), row(0, cpu1))).containsExactly(
                "h3c_device_cpus,device=sw1,row=0,source=telemetry f1_f1_f1=0i,f1_f1_f2=1i,f1_f1_f4=23i 1718000000123",
                "h3c_device_cpus,device=sw1,row=1,source=telemetry f1_f1_f1=0i,f1_f1_f2=2i,f1_f1_f4=7i 1718000000123");
    }

    @Test
    void rowTimestampsInSecondsAreReadAsSecondsAndZeroFallsBackToTheMessageTime() throws Exception {
        assertThat(decode("A/B", row(1_718_000_005L, Wire.message().varint(1, 5)), row(0, Wire.message().varint(1, 6))))
                .containsExactly("h3c_a_b,device=sw1,row=0,source=telemetry f1=5i 1718000005000",
                        "h3c_a_b,device=sw1,row=1,source=telemetry f1=6i 1718000000123");
    }

    @Test
    void aVarintOf2To63OrMoreIsDroppedAndCountedNeverNegative() throws Exception {
        // int32 -1 travels as a 10-byte varint: unsigned, it is 2^64 - 1
        assertThat(decode("A/B", row(0, Wire.message().int32(1, -1).varint(2, Long.MAX_VALUE))))
                .containsExactly("h3c_a_b,device=sw1,row=0,source=telemetry f2=9223372036854775807i 1718000000123");
        assertThat(counter("teleflux_fields_dropped_total", "uint64_overflow")).isEqualTo(1);
    }

    @Test
    void nonFiniteFloatsAreDroppedAndCounted() throws Exception {
        assertThat(decode("A/B", row(0, Wire.message().fixed64Double(1, Double.NaN).fixed32Float(2, Float.POSITIVE_INFINITY)
                .varint(3, 1)))).containsExactly("h3c_a_b,device=sw1,row=0,source=telemetry f3=1i 1718000000123");
        assertThat(counter("teleflux_fields_dropped_total", "non_numeric")).isEqualTo(2);
    }

    @Test
    void bytesThatAreNeitherTextNorAMessageAreDroppedAndCounted() throws Exception {
        // packed repeated varints [1, 2, 3]: field number 0 at the first byte, so not a message
        assertThat(decode("A/B", row(0, Wire.message().bytes(1, new byte[]{1, 2, 3}).varint(2, 9))))
                .containsExactly("h3c_a_b,device=sw1,row=0,source=telemetry f2=9i 1718000000123");
        assertThat(counter("teleflux_fields_dropped_total", "opaque_bytes")).isEqualTo(1);
    }

    @Test
    void contentThatIsNotAProtobufMessageLosesOnlyItsRow() throws Exception {
        TelemetryRowGPB bad = TelemetryRowGPB.newBuilder().setContent(com.google.protobuf.ByteString.copyFrom(
                new byte[]{0x0a, 0x05, 'a'})).build(); // a length of 5 with 1 byte left
        assertThat(decode("A/B", bad, row(0, Wire.message().varint(1, 1))))
                .containsExactly("h3c_a_b,device=sw1,row=1,source=telemetry f1=1i 1718000000123");
        assertThat(counter("teleflux_decode_errors_total", "malformed_gpb_row")).isEqualTo(1);
        assertThat(counter("teleflux_decode_warnings_total", "unknown_gpb_module")).isEqualTo(2);
    }

    @Test
    void anEmptyRowIsCountedAndSkipped() throws Exception {
        assertThat(decode("A/B", row(0, Wire.message()), row(0, Wire.message().text(1, "only text")))).isEmpty();
        assertThat(counter("teleflux_decode_warnings_total", "empty_row")).isEqualTo(2);
    }

    @Test
    void keysAreReadAsTags() throws Exception {
        TelemetryRowGPB r = TelemetryRowGPB.newBuilder()
                .setKeys(Wire.message().varint(1, 7).text(2, "GE1/0/7").toByteString())
                .setContent(Wire.message().varint(3, 99).toByteString()).build();
        assertThat(decode("A/B", r)).containsExactly("h3c_a_b,device=sw1,k1=7,k2=GE1/0/7,source=telemetry f3=99i 1718000000123");
    }

    @Test
    void nestingDeeperThanMaxDepthIsDroppedAndCounted() throws Exception {
        Wire w = Wire.message().varint(1, 1);
        for (int i = 0; i < 40; i++) {
            w = Wire.message().message(1, w).varint(2, i);
        }
        List<String> lines = decode("A/B", row(0, w));
        assertThat(lines).hasSize(1);
        assertThat(counter("teleflux_fields_dropped_total", "too_deep")).isEqualTo(1);
        // 32 levels kept: f2 at each of them
        assertThat(lines.get(0)).contains("f2=39i").contains("_f2=8i").doesNotContain("_f2=7i");
    }

    @Test
    void fieldsBeyondTheLimitAndTextTagsBeyondTheCapAreCounted() throws Exception {
        Wire w = Wire.message();
        for (int i = 1; i <= 1200; i++) {
            w.varint(i, i);
        }
        for (int i = 0; i < UnknownGpb.MAX_TEXT_TAGS + 4; i++) {
            w.text(2000 + i, "name" + i);
        }
        List<Point> out = new ArrayList<>();
        gpb.decode("sw1", "A/B", TelemetryGPBTable.newBuilder().addRow(row(0, w)).build(), MSG_TIME, out);
        assertThat(out.get(0).fieldCount()).isEqualTo(1000);
        assertThat(out.get(0).tagCount()).isEqualTo(2 + UnknownGpb.MAX_TEXT_TAGS);
        assertThat(counter("teleflux_fields_dropped_total", "field_limit")).isEqualTo(200);
        assertThat(counter("teleflux_fields_dropped_total", "tag_limit")).isEqualTo(4);
    }

    @Test
    void tooManyRowsRefuseTheMessage() {
        UnknownGpb small = new UnknownGpb(metrics, 1000, 32, 2);
        TelemetryGPBTable t = TelemetryGPBTable.newBuilder().addRow(row(0, Wire.message().varint(1, 1)))
                .addRow(row(0, Wire.message().varint(1, 1))).addRow(row(0, Wire.message().varint(1, 1))).build();
        assertThatThrownBy(() -> small.decode("sw1", "A/B", t, MSG_TIME, new ArrayList<>()))
                .isInstanceOf(UnknownGpb.TooManyRows.class);
    }

    @Test
    void measurementNamesFollowTheSensorPath() {
        assertThat(UnknownGpb.measurement("Ifmgr/Statistics")).isEqualTo("h3c_ifmgr_statistics");
        assertThat(UnknownGpb.measurement("/Device/CPUs")).isEqualTo("h3c_device_cpus");
        assertThat(UnknownGpb.measurement("NETANALYSIS/UnifiedFlowMonitorEvent"))
                .isEqualTo("h3c_netanalysis_unified_flow_monitor_event");
        assertThat(UnknownGpb.measurement("Ifmgr/Statistics/Interface")).isEqualTo("h3c_ifmgr_statistics_interface");
        assertThat(UnknownGpb.measurement("")).isEqualTo("h3c_unnamed_unnamed");
        assertThat(UnknownGpb.measurement("Ifmgr")).isEqualTo("h3c_ifmgr_unnamed");
    }

    @Test
    void wireFormatChecks() {
        assertThat(UnknownGpb.isMessage(new byte[0], 0, 0)).isTrue();
        assertThat(UnknownGpb.isMessage(new byte[]{0x08, 0x01}, 0, 2)).isTrue();
        assertThat(UnknownGpb.isMessage(new byte[]{0x00, 0x01}, 0, 2)).as("field number 0").isFalse();
        assertThat(UnknownGpb.isMessage(new byte[]{0x0b, 0x0c}, 0, 2)).as("a group").isFalse();
        assertThat(UnknownGpb.isMessage(new byte[]{0x09, 1, 2, 3}, 0, 4)).as("fixed64 cut short").isFalse();
        assertThat(UnknownGpb.isMessage(new byte[]{0x08, (byte) 0x80}, 0, 2)).as("varint cut short").isFalse();
        byte[] elevenByteVarint = {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};
        assertThat(UnknownGpb.isMessage(elevenByteVarint, 0, elevenByteVarint.length)).isFalse();
        assertThat(UnknownGpb.isText("GE1/0/1".getBytes(), 0, 7)).isTrue();
        assertThat(UnknownGpb.isText("接口 1".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 8)).isTrue();
        assertThat(UnknownGpb.isText(new byte[]{'a', 0x0a}, 0, 2)).as("a control byte").isFalse();
        assertThat(UnknownGpb.isText(new byte[]{'a', (byte) 0xc3}, 0, 2)).as("invalid UTF-8").isFalse();
    }
}
