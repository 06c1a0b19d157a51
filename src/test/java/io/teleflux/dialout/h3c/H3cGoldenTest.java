package io.teleflux.dialout.h3c;

import io.teleflux.dialout.GoldenCounters;
import io.teleflux.dialout.DecodeException;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
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
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Golden cases under {@code src/test/resources/h3c/<case>/}: {@code input.json} (the jsonData as
 * received) and {@code meta.properties} ({@code device}, {@code sensorPath}, {@code receivedAt}), and
 * either {@code expected.lp} (the exact line protocol, one line per point in emission order) or
 * {@code expected-error.txt} (the DecodeException reason). {@code expected-counters.properties}
 * lists the decoder's own counters ({@code metric{reason="x"}=n}); without it, none may move.
 */
class H3cGoldenTest {
    private static final List<String> DECODER_FAMILIES =
            List.of("teleflux_fields_dropped_total", "teleflux_decode_warnings_total");
    private static final Point SENTINEL = Point.builder("sentinel").field("f", 1L).time(1).build();

    static List<Path> caseDirs() throws IOException, URISyntaxException {
        Path root = Path.of(H3cGoldenTest.class.getResource("/h3c").toURI());
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenCase(Path dir) throws Exception {
        Path expectedLp = dir.resolve("expected.lp");
        Path expectedError = dir.resolve("expected-error.txt");
        assertThat(Files.exists(expectedLp) ^ Files.exists(expectedError))
                .as("%s needs exactly one of expected.lp or expected-error.txt", dir.getFileName()).isTrue();
        byte[] input = Files.readAllBytes(dir.resolve("input.json"));
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        String device = meta.getProperty("device");
        String path = meta.getProperty("sensorPath");
        long receivedAt = Long.parseLong(meta.getProperty("receivedAt"));

        Metrics metrics = new Metrics();
        H3cDecoder decoder = new H3cDecoder(metrics);
        // the input sits inside a larger array so that off/len are honoured, after a point already in out
        byte[] padded = new byte[input.length + 7];
        System.arraycopy(input, 0, padded, 3, input.length);
        padded[0] = '{';
        padded[input.length + 3] = '}';
        List<Point> out = new ArrayList<>(List.of(SENTINEL));

        if (Files.exists(expectedError)) {
            String reason = Files.readString(expectedError).trim();
            DecodeException e = catchThrowableOfType(DecodeException.class,
                    () -> decoder.decode(device, path, padded, 3, input.length, receivedAt, out));
            assertThat(e).as("decoding must fail").isNotNull();
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(out).as("out untouched on failure").containsExactly(SENTINEL);
            DecodeException viaString = catchThrowableOfType(DecodeException.class,
                    () -> decoder.decode(device, path, new String(input, StandardCharsets.UTF_8), receivedAt,
                            new ArrayList<>()));
            assertThat(viaString).isNotNull();
            assertThat(viaString.reason()).isEqualTo(reason);
        } else {
            int n = decoder.decode(device, path, padded, 3, input.length, receivedAt, out);
            assertThat(out.get(0)).isSameAs(SENTINEL);
            assertThat(n).isEqualTo(out.size() - 1);
            String actual = out.subList(1, out.size()).stream().map(LineProtocol::encode)
                    .collect(Collectors.joining("\n"));
            String expected = Files.readString(expectedLp, StandardCharsets.UTF_8).strip();
            assertThat(actual).isEqualTo(expected);

            List<Point> viaString = new ArrayList<>();
            decoder.decode(device, path, new String(input, StandardCharsets.UTF_8), receivedAt, viaString);
            assertThat(viaString).isEqualTo(out.subList(1, out.size()));
        }
        assertCounters(dir, metrics);
    }

    /** Every case runs twice (bytes and String), so each counter must be exactly twice the expected value. */
    private static void assertCounters(Path dir, Metrics metrics) throws IOException {
        GoldenCounters.check(dir, metrics, DECODER_FAMILIES, 2);
    }
}
