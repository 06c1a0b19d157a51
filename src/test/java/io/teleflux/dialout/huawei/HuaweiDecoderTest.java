package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.huawei.Ifm;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryGPBTable;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The decoder's edges: limits, the wire reader, names, and random input that must never escape as anything else. */
class HuaweiDecoderTest {
    final Metrics metrics = new Metrics();

    static byte[] varint(long n) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            o.write((int) (n & 0x7F) | 0x80);
            n >>>= 7;
        }
        o.write((int) n);
        return o.toByteArray();
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] ld(int number, byte[] body) {
        return cat(varint((long) number << 3 | 2), varint(body.length), body);
    }

    static byte[] v(int number, long value) {
        return cat(varint((long) number << 3), varint(value));
    }

    static serviceArgs gpb(String path, byte[]... contents) {
        TelemetryGPBTable.Builder t = TelemetryGPBTable.newBuilder();
        for (byte[] c : contents) {
            t.addRow(TelemetryRowGPB.newBuilder().setTimestamp(1_718_000_000_000L).setContent(ByteString.copyFrom(c)));
        }
        return serviceArgs.newBuilder().setData(Telemetry.newBuilder().setNodeIdStr("PE1").setSensorPath(path)
                .setDataGpb(t).build().toByteString()).build();
    }

    List<Point> decode(HuaweiDecoder d, serviceArgs msg) throws DecodeException {
        List<Point> out = new ArrayList<>();
        d.decode(d.envelope(msg), "PE1", 1_718_000_009_999L, out);
        return out;
    }

    @Test
    void wireReaderReadsEveryWireTypeAndRefusesWhatIsNoMessage() {
        byte[] fixed64 = cat(varint(2 << 3 | 1), new byte[]{1, 0, 0, 0, 0, 0, 0, (byte) 0x80});
        byte[] fixed32 = cat(varint(3 << 3 | 5), new byte[]{4, 3, 2, 1});
        WireMessage m = WireMessage.parse(cat(v(1, -1L), fixed64, fixed32, ld(4, "ab".getBytes()), v(536_870_911, 5)));
        assertThat(m).isNotNull();
        assertThat(m.size()).isEqualTo(5);
        assertThat(m.value(0)).as("2^64-1 as an unsigned long").isEqualTo(-1L);
        assertThat(m.value(1)).isEqualTo(0x8000000000000001L);
        assertThat(m.value(2)).isEqualTo(0x01020304L);
        assertThat(m.text(3)).isEqualTo("ab");
        assertThat(m.number(4)).isEqualTo(536_870_911);

        assertThat(WireMessage.parse(new byte[]{0x00, 0x01})).as("field 0").isNull();
        assertThat(WireMessage.parse(new byte[]{0x0b, 0x0c})).as("a group").isNull();
        assertThat(WireMessage.parse(new byte[]{0x0e})).as("wire type 6").isNull();
        assertThat(WireMessage.parse(new byte[]{0x08, (byte) 0x80})).as("a varint cut short").isNull();
        assertThat(WireMessage.parse(cat(new byte[]{0x08}, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01})))
                .as("a varint of 11 bytes").isNull();
        assertThat(WireMessage.parse(new byte[]{0x09, 1, 2, 3})).as("fixed64 cut short").isNull();
        assertThat(WireMessage.parse(new byte[]{0x0a, 5, 1})).as("a length past the end").isNull();
        assertThat(WireMessage.parse(new byte[0]).size()).as("the empty message").isZero();
    }

    @Test
    void textIsPrintableUtf8AndAMessageIsNot() {
        WireMessage m = WireMessage.parse(cat(ld(1, "100GE1/0/1".getBytes()), ld(2, v(1, 5)), ld(3, new byte[]{(byte) 0xc3}),
                ld(4, "口".getBytes(java.nio.charset.StandardCharsets.UTF_8)), ld(5, new byte[0])));
        assertThat(m.text(0)).isEqualTo("100GE1/0/1");
        assertThat(m.message(0)).as("an interface name is no message").isNull();
        assertThat(m.text(1)).isNull();
        assertThat(m.message(1).value(0)).isEqualTo(5);
        assertThat(m.text(2)).as("broken UTF-8").isNull();
        assertThat(m.text(3)).isEqualTo("口");
        assertThat(m.text(4)).isNull();
    }

    @Test
    void namesAndPaths() {
        assertThat(HuaweiNames.measurement("huawei-devm:devm/cpuInfos/cpuInfo")).isEqualTo("huawei_devm_cpu_infos_cpu_info");
        assertThat(HuaweiNames.measurement("huawei-ifm:ifm/interfaces/interface[name='GE1/0/1']/mib-statistics"))
                .isEqualTo("huawei_ifm_interfaces_interface_mib_statistics");
        assertThat(HuaweiNames.measurement("/")).isEqualTo("huawei_unnamed");
        assertThat(HuaweiNames.normalizedPath("/huawei-ifm:ifm/huawei-ifm:interfaces/interface/mib_statistics"))
                .isEqualTo("ifm/interfaces/interface/mibstatistics");
        assertThat(IfmContent.kind("huawei-ifm:ifm/interfaces/interface/ifStatistics")).isEqualTo(IfmContent.Kind.CLASSIC);
        assertThat(IfmContent.kind("huawei-ifm:ifm/interfaces/interface/mib-statistics")).isEqualTo(IfmContent.Kind.MIB);
        assertThat(IfmContent.kind("huawei-ifm:ifm/interfaces/interface")).isNull();
        assertThat(HuaweiNames.snake("huawei-ifm:receiveByte")).isEqualTo("receive_byte");
        assertThat(HuaweiNames.key("time")).isEqualTo("time_value");
        assertThat(Stat.of("receive-unicast-packet")).isEqualTo(Stat.IN_UCAST);
        assertThat(Stat.of("rcvMutiPacket")).isEqualTo(Stat.IN_MCAST);
    }

    @Test
    void theProtoAndTheCounterTableAgree() {
        assertThat(IfmContent.MIB.statByNumber()).hasSize(10);
        assertThat(IfmContent.MIB.statByNumber().get(1)).isEqualTo(Stat.IN_OCTETS);
        assertThat(IfmContent.MIB.statByNumber().get(10)).isEqualTo(Stat.OUT_BCAST);
        assertThat(IfmContent.CLASSIC.statByNumber()).hasSize(16);
    }

    @Test
    void moreRowsThanMaxRowsRejectTheMessage() {
        HuaweiDecoder d = new HuaweiDecoder(metrics, 3, 32);
        byte[] row = Ifm.newBuilder().setInterfaces(Ifm.Interfaces.newBuilder().addInterface(
                Ifm.Interfaces.Interface.newBuilder().setName("GE1").setMibStatistics(
                        Ifm.Interfaces.Interface.MibStatistics.newBuilder().setReceiveByte(1)))).build().toByteArray();
        String path = "huawei-ifm:ifm/interfaces/interface/mib-statistics";
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(d, gpb(path, row, row, row, row))).reason())
                .isEqualTo("too_many_rows");
        Ifm.Interfaces.Builder many = Ifm.Interfaces.newBuilder();
        for (int i = 0; i < 4; i++) {
            many.addInterface(Ifm.Interfaces.Interface.newBuilder().setName("GE" + i).setMibStatistics(
                    Ifm.Interfaces.Interface.MibStatistics.newBuilder().setReceiveByte(i)));
        }
        byte[] fourInOne = Ifm.newBuilder().setInterfaces(many).build().toByteArray();
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(d, gpb(path, fourInOne))).reason())
                .as("points, not only rows, are bounded").isEqualTo("too_many_rows");
        StringBuilder json = new StringBuilder("{\"node_id_str\":\"PE1\",\"sensor_path\":\"x:y\",\"data_str\":{\"row\":[");
        for (int i = 0; i < 4; i++) {
            json.append(i == 0 ? "" : ",").append("{\"timestamp\":1718000000000,\"content\":{\"v\":1}}");
        }
        serviceArgs js = serviceArgs.newBuilder().setDataJson(json + "]}}").build();
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(d, js)).reason()).isEqualTo("too_many_rows");
    }

    @Test
    void unknownGpbContentNestedBeyondMaxDepthIsRejected() {
        HuaweiDecoder d = new HuaweiDecoder(metrics, 1000, 8);
        byte[] m = v(1, 1);
        for (int i = 0; i < 10; i++) {
            m = cat(v(1, i), ld(2, m));
        }
        byte[] content = m;
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(d, gpb("x:deep", content))).reason())
                .isEqualTo("too_deep");
    }

    @Test
    void unknownContentTakesAtMostSixteenTextTagsPerPoint() throws Exception {
        HuaweiDecoder d = new HuaweiDecoder(metrics, 1000, 32);
        byte[] m = v(99, 1);
        for (int i = 1; i <= 20; i++) {
            m = cat(m, ld(i, ("t" + i).getBytes()));
        }
        List<Point> out = decode(d, gpb("x:tags", m));
        assertThat(out).singleElement().satisfies(p -> assertThat(p.tagCount()).isEqualTo(16 + 2));
        assertThat(metrics.value("teleflux_fields_dropped_total", "reason", "tag_limit")).isEqualTo(4);
    }

    @Test
    void theConstructorRefusesLimitsThatCannotWork() {
        assertThatThrownBy(() -> new HuaweiDecoder(metrics, 0, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HuaweiDecoder(metrics, 10, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random bytes, and every golden input with bytes flipped, cut or repeated: only a
     * DecodeException may escape, and every point encodes to line protocol.
     */
    @Test
    void randomAndMutatedInputNeverEscapesAsAnythingElse() throws Exception {
        HuaweiDecoder d = new HuaweiDecoder(metrics, 1000, 16);
        Random r = new Random(20240610L);
        List<byte[]> seeds = new ArrayList<>();
        List<byte[]> jsonSeeds = new ArrayList<>();
        for (Path dir : HuaweiGoldenTest.caseDirs()) {
            serviceArgs in = HuaweiGoldenTest.input(dir, HuaweiGoldenTest.meta(dir));
            if (in.hasDataJson()) {
                jsonSeeds.add(in.getDataJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                seeds.add(in.getData().toByteArray());
            }
            if (Files.exists(dir.resolve("content-0.hex"))) {
                seeds.add(HuaweiGoldenTest.hex(dir.resolve("content-0.hex")));
            }
        }
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean json = i % 3 == 0;
            List<byte[]> pool = json ? jsonSeeds : seeds;
            byte[] b = i % 10 == 0 ? randomBytes(r) : mutate(pool.get(r.nextInt(pool.size())), r);
            serviceArgs msg;
            if (json) {
                msg = serviceArgs.newBuilder().setDataJson(new String(b, java.nio.charset.StandardCharsets.UTF_8)).build();
            } else if (i % 2 == 0) {
                msg = gpb(i % 4 == 0 ? "huawei-ifm:ifm/interfaces/interface/mib-statistics" : "x:any", b);
            } else {
                msg = serviceArgs.newBuilder().setData(ByteString.copyFrom(b)).build();
            }
            try {
                Envelope env = d.envelope(msg);
                if (env == null) {
                    continue;
                }
                List<Point> out = new ArrayList<>();
                d.decode(env, "PE1", 1_718_000_009_999L, out);
                for (Point p : out) {
                    assertThat(LineProtocol.encode(p)).isNotEmpty();
                }
                decoded++;
            } catch (DecodeException e) {
                assertThat(e.reason()).matches("[a-z_]+");
            }
        }
        assertThat(decoded).as("mutations that still decode").isGreaterThan(1000);
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(200)];
        r.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int k = 0; k < 1 + r.nextInt(3) && b.length > 0; k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            case 2 -> {
                if (b.length > 2) {
                    int from = r.nextInt(b.length - 1);
                    int to = from + 1 + r.nextInt(b.length - from - 1);
                    b = cat(b, java.util.Arrays.copyOfRange(b, from, to));
                }
            }
            default -> {
            }
        }
        return b;
    }
}
