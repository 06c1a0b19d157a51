package io.teleflux.dialout.h3cv3;

import io.teleflux.dialout.GoldenCounters;
import io.teleflux.point.LineProtocol;
import io.teleflux.proto.h3cv3.Telemetry;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden cases under {@code src/test/resources/h3cv3/<case>/}, one v3 message each, through the
 * whole stream processor (not gRPC): {@code meta.properties} holds the Telemetry header
 * ({@code node_id_str}, {@code producer_name}, {@code product_name}, {@code sensor_path},
 * {@code msg_timestamp}, {@code collection_start_time}, {@code except_desc}, {@code encoding}) and
 * {@code receivedAt}; {@code data_str.json}, when present, is the JSON payload as sent;
 * {@code expected.lp} is the exact line protocol (the {@code device} point first), and
 * {@code expected-counters.properties} the decode counters ({@code metric{reason="x"}=n}): no other
 * may move. Every case runs twice, once whole and once chunked in 7-byte pieces by
 * {@code totalSize}, with the same expected result.
 */
class H3cV3GoldenTest {
    private static final List<String> FAMILIES = List.of("teleflux_decode_errors_total",
            "teleflux_decode_warnings_total", "teleflux_fields_dropped_total");

    static Stream<Named<Path>> cases() throws IOException, URISyntaxException {
        Path root = Path.of(H3cV3GoldenTest.class.getResource("/h3cv3").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList().stream()
                    .map(d -> Named.of(d.getFileName().toString(), d));
        }
    }

    @Test
    void thereAreAtLeastTenCases() throws Exception {
        assertThat(cases().count()).isGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whole(Path dir) throws Exception {
        run(dir, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void chunked(Path dir) throws Exception {
        run(dir, 7);
    }

    static Telemetry telemetry(Path dir, Properties meta) throws IOException {
        Telemetry.Builder t = Telemetry.newBuilder();
        for (String key : meta.stringPropertyNames()) {
            String v = meta.getProperty(key);
            switch (key) {
                case "node_id_str" -> t.setNodeIdStr(v);
                case "producer_name" -> t.setProducerName(v);
                case "product_name" -> t.setProductName(v);
                case "subscription_id_str" -> t.setSubscriptionIdStr(v);
                case "sensor_path" -> t.setSensorPath(v);
                case "msg_timestamp" -> t.setMsgTimestamp(Long.parseUnsignedLong(v));
                case "collection_start_time" -> t.setCollectionStartTime(Long.parseUnsignedLong(v));
                case "collection_end_time" -> t.setCollectionEndTime(Long.parseUnsignedLong(v));
                case "except_desc" -> t.setExceptDesc(v);
                case "encoding" -> t.setEncoding(Telemetry.Encoding.valueOf(v));
                case "receivedAt" -> {
                }
                default -> throw new IllegalArgumentException(dir.getFileName() + ": unknown meta key " + key);
            }
        }
        Path json = dir.resolve("data_str.json");
        if (Files.exists(json)) {
            t.setDataStr(Files.readString(json, StandardCharsets.UTF_8).strip());
        }
        return t.build();
    }

    private static void run(Path dir, int piece) throws Exception {
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        Telemetry t = telemetry(dir, meta);
        V3Harness h = new V3Harness();
        h.now.set(Long.parseLong(meta.getProperty("receivedAt")));
        if (piece == 0) {
            h.send(t);
        } else {
            h.sendChunked(t, piece);
        }
        String actual = h.points.stream().map(LineProtocol::encode).collect(Collectors.joining("\n"));
        String expected = Files.readString(dir.resolve("expected.lp"), StandardCharsets.UTF_8).strip();
        assertThat(actual).isEqualTo(expected);
        assertCounters(dir, h);
        assertThat(h.budget.used()).as("chunk budget given back").isZero();
    }

    private static void assertCounters(Path dir, V3Harness h) throws IOException {
        GoldenCounters.check(dir, h.metrics, FAMILIES, 1);
    }

}
