package io.teleflux.dialout.huawei;

import io.teleflux.dialout.GoldenCounters;
import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.huawei.Ifm;
import io.teleflux.proto.huawei.IfmClassic;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Golden cases under {@code src/test/resources/huawei/<case>/}. The input is one {@code serviceArgs}:
 * <ul>
 *   <li>{@code input.json}: its {@code data_json}, as the device sends it;</li>
 *   <li>{@code input.txtpb}: its {@code data}, a {@code huawei_telemetry.Telemetry} in protobuf text
 *       format; the content of GPB row {@code n} is {@code content-<n>.txtpb} (text format of
 *       {@code contentMessage} in meta: {@code huawei_ifm.Ifm} or {@code huawei_ifm.IfmClassic}) or
 *       {@code content-<n>.hex} (raw bytes in hex, {@code #} comments allowed);</li>
 *   <li>{@code input.hex}: its {@code data} as raw bytes.</li>
 * </ul>
 * {@code meta.properties} gives {@code receivedAt}. The expectation is {@code expected.lp} (exact
 * line protocol, one line per point in emission order) or {@code expected-error.txt} (the
 * DecodeException reason); {@code expected-counters.properties} lists the decoder's counters
 * ({@code metric{reason="x"}=n}); without it, none may move. The device tag is the envelope's
 * {@code node_id_str} (else {@code ne_id}), as the service takes it.
 */
class HuaweiGoldenTest {
    private static final List<String> DECODER_FAMILIES = List.of("teleflux_fields_dropped_total",
            "teleflux_decode_warnings_total", "teleflux_decode_errors_total");
    private static final Point SENTINEL = Point.builder("sentinel").field("f", 1L).time(1).build();

    static List<Path> caseDirs() throws IOException, URISyntaxException {
        Path root = Path.of(HuaweiGoldenTest.class.getResource("/huawei").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static Stream<Named<Path>> cases() throws IOException, URISyntaxException {
        return caseDirs().stream().map(d -> Named.of(d.getFileName().toString(), d));
    }

    @Test
    void thereAreAtLeastTwentyCases() throws Exception {
        assertThat(caseDirs()).hasSizeGreaterThanOrEqualTo(20);
    }

    /** The serviceArgs a case folder describes. */
    static serviceArgs input(Path dir, Properties meta) throws IOException {
        if (Files.exists(dir.resolve("input.json"))) {
            return serviceArgs.newBuilder().setDataJson(Files.readString(dir.resolve("input.json"), StandardCharsets.UTF_8)).build();
        }
        if (Files.exists(dir.resolve("input.hex"))) {
            return serviceArgs.newBuilder().setData(ByteString.copyFrom(hex(dir.resolve("input.hex")))).build();
        }
        Telemetry.Builder t = Telemetry.newBuilder();
        TextFormat.merge(Files.readString(dir.resolve("input.txtpb"), StandardCharsets.UTF_8), t);
        for (int i = 0; i < t.getDataGpb().getRowCount(); i++) {
            Path txt = dir.resolve("content-" + i + ".txtpb");
            Path hex = dir.resolve("content-" + i + ".hex");
            byte[] content = null;
            if (Files.exists(txt)) {
                Message.Builder b = "huawei_ifm.IfmClassic".equals(meta.getProperty("contentMessage"))
                        ? IfmClassic.newBuilder() : Ifm.newBuilder();
                TextFormat.merge(Files.readString(txt, StandardCharsets.UTF_8), b);
                content = b.build().toByteArray();
            } else if (Files.exists(hex)) {
                content = hex(hex);
            }
            if (content != null) {
                t.getDataGpbBuilder().getRowBuilder(i).setContent(ByteString.copyFrom(content));
            }
        }
        byte[] data = t.build().toByteArray();
        if (meta.getProperty("truncateDataTo") != null) {
            data = java.util.Arrays.copyOf(data, Integer.parseInt(meta.getProperty("truncateDataTo")));
        }
        return serviceArgs.newBuilder().setData(ByteString.copyFrom(data)).build();
    }

    static byte[] hex(Path file) throws IOException {
        String text = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(l -> l.contains("#") ? l.substring(0, l.indexOf('#')) : l)
                .collect(Collectors.joining()).replaceAll("\\s+", "");
        return HexFormat.of().parseHex(text);
    }

    static Properties meta(Path dir) throws IOException {
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        return meta;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenCase(Path dir) throws Exception {
        Path expectedLp = dir.resolve("expected.lp");
        Path expectedError = dir.resolve("expected-error.txt");
        assertThat(Files.exists(expectedLp) ^ Files.exists(expectedError))
                .as("%s needs exactly one of expected.lp or expected-error.txt", dir.getFileName()).isTrue();
        Properties meta = meta(dir);
        long receivedAt = Long.parseLong(meta.getProperty("receivedAt"));
        serviceArgs msg = input(dir, meta);

        Metrics metrics = new Metrics();
        HuaweiDecoder decoder = new HuaweiDecoder(metrics, 100_000, 32);
        List<Point> out = new ArrayList<>(List.of(SENTINEL));
        if (Files.exists(expectedError)) {
            String reason = Files.readString(expectedError).trim();
            DecodeException e = catchThrowableOfType(DecodeException.class, () -> {
                Envelope env = decoder.envelope(msg);
                decoder.decode(env, device(env), receivedAt, out);
            });
            assertThat(e).as("decoding must fail").isNotNull();
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(out).as("out untouched on failure").containsExactly(SENTINEL);
        } else {
            Envelope env = decoder.envelope(msg);
            int n = decoder.decode(env, device(env), receivedAt, out);
            assertThat(out.get(0)).isSameAs(SENTINEL);
            assertThat(n).isEqualTo(out.size() - 1);
            String actual = out.subList(1, out.size()).stream().map(LineProtocol::encode).collect(Collectors.joining("\n"));
            String expected = Files.readString(expectedLp, StandardCharsets.UTF_8).strip();
            assertThat(actual).isEqualTo(expected);
        }
        assertCounters(dir, metrics);
    }

    static String device(Envelope env) {
        return (env.nodeId().isBlank() ? env.neId() : env.nodeId()).strip();
    }

    private static void assertCounters(Path dir, Metrics metrics) throws IOException {
        GoldenCounters.check(dir, metrics, DECODER_FAMILIES, 1);
    }
}
