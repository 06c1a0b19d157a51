package io.teleflux.dialout.cisco;

import io.teleflux.dialout.GoldenCounters;
import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.cisco.Telemetry;
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
 * Golden cases under {@code src/test/resources/cisco/<case>/}: the Telemetry message as received,
 * in one of three forms: {@code input.txtpb} (protobuf text format of {@code Telemetry}, serialized
 * to the wire bytes here), {@code input.json} (the bytes of a JSON-encoded message) or
 * {@code input.hex} (raw bytes); {@code meta.properties} ({@code receivedAt}); and either
 * {@code expected.lp} (the exact line protocol, one line per point in emission order; empty for
 * none) or {@code expected-error.txt} (the DecodeException reason).
 * {@code expected-counters.properties} lists the decoder's own counters ({@code metric{reason="x"}=n});
 * without it, none may move.
 */
class CiscoGoldenTest {
    private static final List<String> DECODER_FAMILIES =
            List.of("teleflux_fields_dropped_total", "teleflux_decode_warnings_total");
    private static final Point SENTINEL = Point.builder("sentinel").field("f", 1L).time(1).build();

    static List<Path> caseDirs() throws IOException, URISyntaxException {
        Path root = Path.of(CiscoGoldenTest.class.getResource("/cisco").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static Stream<Named<Path>> cases() throws IOException, URISyntaxException {
        return caseDirs().stream().map(d -> Named.of(d.getFileName().toString(), d));
    }

    /** The wire bytes of a case's input. */
    static ByteString input(Path dir) throws IOException {
        Path txt = dir.resolve("input.txtpb");
        Path json = dir.resolve("input.json");
        Path hex = dir.resolve("input.hex");
        int present = (Files.exists(txt) ? 1 : 0) + (Files.exists(json) ? 1 : 0) + (Files.exists(hex) ? 1 : 0);
        assertThat(present).as("%s needs exactly one input.txtpb, input.json or input.hex", dir.getFileName()).isEqualTo(1);
        if (Files.exists(txt)) {
            Telemetry.Builder b = Telemetry.newBuilder();
            TextFormat.merge(Files.readString(txt, StandardCharsets.UTF_8), b);
            return b.build().toByteString();
        }
        if (Files.exists(json)) {
            return ByteString.copyFrom(Files.readAllBytes(json));
        }
        return ByteString.copyFrom(HexFormat.of().parseHex(Files.readString(hex).replaceAll("\\s+", "")));
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
        ByteString data = input(dir);
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        long receivedAt = Long.parseLong(meta.getProperty("receivedAt"));

        Metrics metrics = new Metrics();
        CiscoDecoder decoder = new CiscoDecoder(metrics);
        List<Point> out = new ArrayList<>(List.of(SENTINEL));
        if (Files.exists(expectedError)) {
            String reason = Files.readString(expectedError).trim();
            DecodeException e = catchThrowableOfType(DecodeException.class, () -> decode(decoder, data, receivedAt, out));
            assertThat(e).as("decoding must fail").isNotNull();
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(out).as("out untouched on failure").containsExactly(SENTINEL);
        } else {
            int n = decode(decoder, data, receivedAt, out);
            assertThat(out.get(0)).isSameAs(SENTINEL);
            assertThat(n).isEqualTo(out.size() - 1);
            String actual = out.subList(1, out.size()).stream().map(LineProtocol::encode).collect(Collectors.joining("\n"));
            String expected = Files.readString(expectedLp, StandardCharsets.UTF_8).strip();
            assertThat(actual).isEqualTo(expected);
        }
        assertCounters(dir, metrics);
    }

    /** As the service does: the device is the message's node_id_str. */
    private static int decode(CiscoDecoder decoder, ByteString data, long receivedAt, List<Point> out)
            throws DecodeException {
        Message m = decoder.read(data);
        return decoder.points(m, m.device().strip(), receivedAt, out);
    }

    private static void assertCounters(Path dir, Metrics metrics) throws IOException {
        GoldenCounters.check(dir, metrics, DECODER_FAMILIES, 1);
    }
}
