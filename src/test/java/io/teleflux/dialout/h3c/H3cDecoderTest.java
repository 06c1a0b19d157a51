package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class H3cDecoderTest {
    private static final long RECEIVED = 1_718_000_009_999L;
    /** Columns of the 48-interface sample and the INT fields they map to. */
    private static final Map<String, String> STATISTICS_COLUMNS = Map.ofEntries(
            Map.entry("IfIndex", "ifindex"), Map.entry("InOctets", "in_octets"), Map.entry("OutOctets", "out_octets"),
            Map.entry("InUcastPkts", "in_ucast_pkts"), Map.entry("OutUcastPkts", "out_ucast_pkts"),
            Map.entry("InNUcastPkts", "in_nucast_pkts"), Map.entry("OutNUcastPkts", "out_nucast_pkts"),
            Map.entry("InDiscards", "in_discards"), Map.entry("OutDiscards", "out_discards"),
            Map.entry("InErrors", "in_errors"), Map.entry("OutErrors", "out_errors"),
            Map.entry("InUnknownProtos", "in_unknown_protos"), Map.entry("InRate", "in_rate"),
            Map.entry("OutRate", "out_rate"), Map.entry("InPkts", "in_pkts"), Map.entry("OutPkts", "out_pkts"),
            Map.entry("InPktRate", "in_pkt_rate"), Map.entry("OutPktRate", "out_pkt_rate"));

    private final Metrics metrics = new Metrics();
    private final H3cDecoder decoder = new H3cDecoder(metrics);

    static byte[] sample48() throws IOException {
        try (InputStream in = H3cDecoderTest.class.getResourceAsStream("/h3c-bench/ifmgr-statistics-48.json")) {
            return in.readAllBytes();
        }
    }

    private List<Point> decode(byte[] json) throws DecodeException {
        List<Point> out = new ArrayList<>();
        decoder.decode("sw1", "Ifmgr/Statistics", json, 0, json.length, RECEIVED, out);
        return out;
    }

    private List<Point> decode(String json) throws DecodeException {
        List<Point> out = new ArrayList<>();
        decoder.decode("sw1", "Ifmgr/Statistics", json, RECEIVED, out);
        return out;
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWhateverWasDecodedBefore() throws DecodeException {
        // found by Jazzer: Jackson finds a name by its bytes with the last four padded with 0xFF, so
        // "\xFF\xFFab" was read as "ab" once "ab" was in the factory's symbol table, refused before
        String valid = "{\"Notification\":{\"Timestamp\":1,\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"ge1\",\"ab\":1}]}}}}";
        byte[] invalid = "{\"Notification\":{\"Timestamp\":1,\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"ge1\",\"ab\":1,\"##ab\":2}]}}}}"
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < invalid.length; i++) {
            if (invalid[i] == '#') {
                invalid[i] = (byte) 0xFF;
            }
        }
        for (H3cDecoder d : List.of(new H3cDecoder(new Metrics()), decoder)) {
            if (d == decoder) {
                assertThat(decode(valid.getBytes(StandardCharsets.UTF_8))).hasSize(1); // "ab" is known now
            }
            List<Point> out = new ArrayList<>();
            DecodeException e = catchThrowableOfType(DecodeException.class,
                    () -> d.decode("sw1", "Ifmgr/Statistics", invalid, 0, invalid.length, RECEIVED, out));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(DecodeException.MALFORMED_JSON);
            assertThat(e.getMessage()).contains("not UTF-8");
            assertThat(out).isEmpty();
        }
    }

    @Test
    void aColumnNameWithAnUnpairedSurrogateDoesNotBreakLaterRows() throws DecodeException {
        // found by Jazzer: the name stayed in the column prediction, whose UTF-8 form cannot exist, and
        // the next row of that table in a later document threw IllegalArgumentException out of decode
        String bad = "{\"Notification\":{\"Ifmgr\":{\"Statistics\":{\"Interface\":\"[{\\\"\\\\ud800\\\":1}]\"}}}}";
        try {
            decode(bad.getBytes(StandardCharsets.UTF_8));
        } catch (DecodeException expected) {
            // a row without a usable field: what matters is the next document
        }
        List<Point> points = decode("{\"Notification\":{\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"ge1\",\"InOctets\":1}]}}}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(points).hasSize(1);
        assertThat(points.get(0).field("in_octets")).isEqualTo(1L);
    }

    @Test
    void realisticSampleMatchesAnIndependentTreeReading() throws Exception {
        byte[] json = sample48();
        List<Point> points = decode(json);

        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode rows = root.get("Notification").get("Ifmgr").get("Statistics").get("Interface");
        long ts = Long.parseLong(root.get("Notification").get("Timestamp").asText());
        assertThat(points).hasSize(rows.size()).hasSize(48);
        boolean sawBeyond2pow53 = false;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            Point p = points.get(i);
            assertThat(p.measurement()).isEqualTo("interface");
            assertThat(p.tags()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("device", "sw1", "source", "telemetry", "interface", row.get("Name").asText()));
            assertThat(p.timeMs()).isEqualTo(ts);
            assertThat(p.fieldCount()).isEqualTo(STATISTICS_COLUMNS.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> col = it.next();
                String field = STATISTICS_COLUMNS.get(col.getKey());
                if (field == null) {
                    assertThat(col.getKey()).isIn("Name", "AbbreviatedName", "LastClear");
                    continue;
                }
                int idx = p.fieldIndex(field);
                assertThat(idx).as(field).isNotNegative();
                assertThat(p.fieldType(idx)).as(field).isEqualTo(Point.LONG);
                assertThat(p.longValue(idx)).as("%s of %s", field, row.get("Name")).isEqualTo(col.getValue().longValue());
                sawBeyond2pow53 |= col.getValue().longValue() > (1L << 53);
            }
        }
        assertThat(sawBeyond2pow53).as("the sample exercises values a double cannot hold exactly").isTrue();
        assertThat(metrics.sum("teleflux_fields_dropped_total") + metrics.sum("teleflux_decode_warnings_total")).isZero();
    }

    @Test
    void chunkedDocumentDecodesLikeTheWhole() throws Exception {
        byte[] whole = sample48();
        int a = whole.length / 3;
        int b = 2 * whole.length / 3;
        byte[][] fragments = {Arrays.copyOfRange(whole, 0, a), Arrays.copyOfRange(whole, a, b),
                Arrays.copyOfRange(whole, b, whole.length)};
        ChunkAssembler assembler = new ChunkAssembler(metrics, 64L << 20, 60_000);
        // arrival order 2, 0, 1 with nodeIds counted from 0
        assertThat(assembler.offer("ifmgr/statistics", whole.length, 3, 2, fragments[2], 0)).isNull();
        assertThat(assembler.offer("Ifmgr/Statistics", whole.length, 3, 0, fragments[0], 1)).isNull();
        byte[] joined = assembler.offer("Ifmgr/Statistics", whole.length, 3, 1, fragments[1], 2);
        assertThat(joined).isEqualTo(whole);

        assertThat(decode(joined)).hasSize(48).isEqualTo(decode(whole));
        assertThat(metrics.sum("teleflux_decode_errors_total") + metrics.sum("teleflux_decode_warnings_total")).isZero();
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(fragments[0])).reason())
                .as("one fragment alone is a truncated document").isEqualTo(DecodeException.MALFORMED_JSON);
    }

    @Test
    void stringAndBytesGiveTheSamePoints() throws Exception {
        byte[] json = sample48();
        assertThat(decode(new String(json, StandardCharsets.UTF_8))).isEqualTo(decode(json));
    }

    @Test
    void aFailedDocumentLeavesNothingBehindForTheNextOne() throws Exception {
        String broken = "{\"Notification\":{\"Timestamp\":\"5\",\"Ifmgr\":{\"Statistics\":{\"Interface\":["
                + "{\"Name\":\"a\",\"InOctets\":\"x\"},{\"Name\":\"b\",\"InOctets\":1},{\"Name\":";
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(broken)).reason())
                .isEqualTo(DecodeException.MALFORMED_JSON);
        assertThat(metrics.value("teleflux_fields_dropped_total", "reason", "non_numeric"))
                .as("issues of a rejected document are not counted").isZero();

        List<Point> points = decode("{\"Notification\":{\"Timestamp\":\"7\",\"Ifmgr\":{\"Statistics\":"
                + "{\"Interface\":{\"Name\":\"c\",\"InOctets\":2}}}}}");
        assertThat(points).extracting(Point::toString)
                .containsExactly("interface,device=sw1,interface=c,source=telemetry in_octets=2i 7");
        assertThat(metrics.sum("teleflux_fields_dropped_total")).isZero();
    }

    @Test
    void columnOrderMayChangeBetweenRowsAndTables() throws Exception {
        String doc = "{\"Notification\":{\"Timestamp\":\"9\",\"Ifmgr\":{"
                + "\"Statistics\":{\"Interface\":[{\"Name\":\"a\",\"IfIndex\":1,\"InOctets\":2},"
                + "{\"IfIndex\":3,\"Name\":\"b\",\"InOctets\":4},{\"InOctets\":6,\"IfIndex\":5,\"Name\":\"c\"}]},"
                + "\"Interfaces\":{\"Interface\":[{\"Name\":\"a\",\"IfIndex\":1,\"InOctets\":2,\"OperStatus\":1}]}},"
                + "\"Device\":{\"Whatever\":{\"Row\":[{\"Name\":\"a\",\"IfIndex\":1,\"InOctets\":2}]}}}}";
        assertThat(decode(doc)).extracting(Point::toString).containsExactly(
                "interface,device=sw1,interface=a,source=telemetry ifindex=1i,in_octets=2i 9",
                "interface,device=sw1,interface=b,source=telemetry ifindex=3i,in_octets=4i 9",
                "interface,device=sw1,interface=c,source=telemetry ifindex=5i,in_octets=6i 9",
                "interface,device=sw1,interface=a,source=telemetry ifindex=1i,oper_status=1i 9",
                "h3c_device_whatever,device=sw1,if_index=1,name=a,source=telemetry in_octets=2 9");
    }

    @Test
    void rowLimitRejectsTheDocument() throws Exception {
        H3cDecoder limited = new H3cDecoder(metrics, 3, H3cDecoder.DEFAULT_MAX_DEPTH);
        String three = rowsDoc(3);
        List<Point> out = new ArrayList<>();
        assertThat(limited.decode("sw1", "p", three, RECEIVED, out)).isEqualTo(3);
        DecodeException e = catchThrowableOfType(DecodeException.class,
                () -> limited.decode("sw1", "p", rowsDoc(4), RECEIVED, out));
        assertThat(e.reason()).isEqualTo(DecodeException.TOO_MANY_ROWS);
        assertThat(out).hasSize(3);
        // rows inside a string holding JSON count too
        String embedded = "{\"Notification\":{\"Ifmgr\":{\"Statistics\":{\"Interface\":\""
                + rowsArray(4).replace("\"", "\\\"") + "\"}}}}";
        assertThat(catchThrowableOfType(DecodeException.class,
                () -> limited.decode("sw1", "p", embedded, RECEIVED, new ArrayList<>())).reason())
                .isEqualTo(DecodeException.TOO_MANY_ROWS);
    }

    private static String rowsArray(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"Name\":\"if").append(i).append("\",\"InOctets\":").append(i).append('}');
        }
        return b.append(']').toString();
    }

    private static String rowsDoc(int n) {
        return "{\"Notification\":{\"Timestamp\":\"9\",\"Ifmgr\":{\"Statistics\":{\"Interface\":" + rowsArray(n) + "}}}}";
    }

    @Test
    void depthLimitHoldsEverywhereIncludingSkippedBranchesAndEmbeddedJson() throws Exception {
        H3cDecoder limited = new H3cDecoder(metrics, 1000, 8);
        // root 1, Notification 2, module 3, table 4, array 5, row 6, value object 7, inner object 8: allowed
        String ok = "{\"Notification\":{\"Timestamp\":\"9\",\"Ifmgr\":{\"Statistics\":{\"Interface\":"
                + "[{\"Name\":\"a\",\"X\":{\"Y\":{\"Z\":1}}}]}}}}";
        List<Point> out = new ArrayList<>();
        limited.decode("sw1", "p", ok, RECEIVED, out);
        assertThat(out).extracting(Point::toString)
                .containsExactly("interface,device=sw1,interface=a,source=telemetry x_y_z=1 9");

        String deeperRow = ok.replace("{\"Z\":1}", "{\"Z\":{\"W\":1}}");
        String deepSkipped = "{\"Ignored\":" + "[".repeat(9) + "]".repeat(9) + ",\"Notification\":{}}";
        String deepIgnoredColumn = ok.replace("\"X\":", "\"LastClear\":[[[[1]]]],\"X\":");
        String deepEmbedded = ok.replace("{\"Z\":1}", "\"{\\\"Z\\\":{\\\"W\\\":1}}\"");
        for (String doc : List.of(deeperRow, deepSkipped, deepIgnoredColumn, deepEmbedded)) {
            assertThat(catchThrowableOfType(DecodeException.class,
                    () -> limited.decode("sw1", "p", doc, RECEIVED, new ArrayList<>())).reason())
                    .as(doc).isEqualTo(DecodeException.TOO_DEEP);
        }
        String hostile = "{\"Notification\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(catchThrowableOfType(DecodeException.class, () -> decode(hostile)).reason())
                .isEqualTo(DecodeException.TOO_DEEP);
    }

    @Test
    void limitsMustLeaveRoomForTheEnvelope() {
        assertThatThrownBy(() -> new H3cDecoder(metrics, 0, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new H3cDecoder(metrics, 10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hundredRowsWithAHundredThousandDigitNumberEachCostOnlyThoseFieldsAndDecodeQuickly() throws Exception {
        String digits = "9".repeat(100_000);
        StringBuilder sb = new StringBuilder("{\"Notification\":{\"Timestamp\":1718000000123,\"Ifmgr\":{\"Statistics\":{\"Interface\":[");
        for (int i = 1; i <= 100; i++) {
            sb.append(i == 1 ? "" : ",").append("{\"IfIndex\":").append(i).append(",\"Name\":\"GE1/0/").append(i)
                    .append("\",\"InOctets\":").append(i % 2 == 0 ? "-" : "").append(digits)
                    .append(",\"InUsage\":0.").append(digits).append(",\"OutOctets\":").append(i).append('}');
        }
        byte[] json = sb.append("]}}}}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(json.length).isGreaterThan(20_000_000);
        decode(json); // warm-up, so that the timed run measures the decoder rather than class loading
        // measured: about 65 ms (a 20 MB document). Parsing the 100 integers as BigIntegers (quadratic:
        // some 0.12 s each) would take over ten seconds; Jackson's default limit rejected the whole document
        List<Point> points = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> decode(json));
        assertThat(points).hasSize(100).allSatisfy(p -> {
            assertThat(p.fields()).doesNotContainKey("in_octets").containsKey("out_octets");
            assertThat((double) p.fields().get("in_usage_pct")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        });
        // two decodes (the warm-up and the timed one) of 100 integers each; the floats are finite (1.0)
        assertThat(metrics.value("teleflux_fields_dropped_total", "reason", "uint64_overflow")).isEqualTo(200);
        assertThat(metrics.sum("teleflux_fields_dropped_total")).isEqualTo(200);
    }

    @Test
    void timestampFormsAndFallbacks() throws Exception {
        String row = "\"Ifmgr\":{\"Statistics\":{\"Interface\":{\"Name\":\"a\",\"InOctets\":1}}}";
        assertThat(decode("{\"Notification\":{\"Timestamp\":1718000000123.0," + row + "}}").get(0).timeMs())
                .isEqualTo(1718000000123L);
        assertThat(decode("{\"Notification\":{\"Timestamp\":\" 1718000000123 \"," + row + "}}").get(0).timeMs())
                .isEqualTo(1718000000123L);
        assertThat(decode("{\"Notification\":{\"Timestamp\":null," + row + "}}").get(0).timeMs()).isEqualTo(RECEIVED);
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "missing_timestamp")).isEqualTo(1);
        for (String bad : List.of("-5", "0", "\"\"", "{\"v\":1}", "99999999999999999999", "\"1e400\"")) {
            assertThat(decode("{\"Notification\":{\"Timestamp\":" + bad + "," + row + "}}").get(0).timeMs())
                    .as(bad).isEqualTo(RECEIVED);
        }
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "bad_timestamp")).isEqualTo(6);
    }

    @Test
    void rowsReadBeforeTheTimestampOrBeforeASecondOneGetTheLastOne() throws Exception {
        String rows = "\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"a\",\"InOctets\":1},{\"Name\":\"b\",\"InUsage\":2.5}]}}";
        List<Point> first = decode("{\"Notification\":{\"Timestamp\":\"1718000000123\"," + rows + "}}");
        assertThat(first).hasSize(2).allSatisfy(p -> assertThat(p.timeMs()).isEqualTo(1718000000123L));
        // the same points, whichever way the time arrives
        assertThat(decode("{\"Notification\":{" + rows + ",\"Timestamp\":\"1718000000123\"}}")).isEqualTo(first);
        assertThat(decode("{\"Notification\":{\"Timestamp\":\"5\"," + rows + ",\"Timestamp\":\"1718000000123\"}}"))
                .isEqualTo(first);
        assertThat(decode("{\"Notification\":{\"Timestamp\":\"0\"," + rows + ",\"Timestamp\":1718000000123}}"))
                .isEqualTo(first);
        assertThat(decode("{\"Notification\":{\"Timestamp\":\"1718000000123\"," + rows + ",\"Timestamp\":null}}"))
                .isEqualTo(first);
        assertThat(decode("{\"Notification\":{\"Timestamp\":\"1718000000123\"," + rows + ",\"Timestamp\":\"0\"}}"))
                .allSatisfy(p -> assertThat(p.timeMs()).isEqualTo(RECEIVED));
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "bad_timestamp")).isEqualTo(1);
    }

    @Test
    void concurrentUseGivesTheSameResultsAsSequential() throws Exception {
        List<Input> inputs = goldenInputs();
        inputs.add(new Input("sw-48", "Ifmgr/Statistics", sample48()));
        List<Object> expected = new ArrayList<>();
        for (Input in : inputs) {
            expected.add(outcome(decoder, in));
        }
        assertThat(expected).filteredOn(o -> o instanceof List).hasSizeGreaterThan(20);
        assertThat(expected).filteredOn(o -> o instanceof String).hasSizeGreaterThan(5);

        int threads = 4;
        int rounds = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * inputs.size() / threads;
                results.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int r = 0; r < rounds; r++) {
                        for (int k = 0; k < inputs.size(); k++) {
                            // each thread starts at a different input, so they decode different documents at once
                            int i = (offset + k) % inputs.size();
                            assertThat(outcome(decoder, inputs.get(i))).as(inputs.get(i).device).isEqualTo(expected.get(i));
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(rounds * inputs.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private record Input(String device, String path, byte[] json) {
    }

    /** The points, or the failure reason. */
    private static Object outcome(H3cDecoder d, Input in) {
        List<Point> out = new ArrayList<>();
        try {
            d.decode(in.device, in.path, in.json, 0, in.json.length, RECEIVED, out);
            return out;
        } catch (DecodeException e) {
            return e.reason();
        }
    }

    private static List<Input> goldenInputs() throws Exception {
        List<Input> inputs = new ArrayList<>();
        for (Path dir : H3cGoldenTest.caseDirs()) {
            Properties meta = new Properties();
            try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
                meta.load(r);
            }
            byte[] json = Files.readAllBytes(dir.resolve("input.json"));
            if (json.length > 0) {
                inputs.add(new Input(dir.getFileName().toString(), meta.getProperty("sensorPath"), json));
            }
        }
        return inputs;
    }
}
