package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.LineProtocol16;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the H3C decoder (Jazzer). The input is one {@code jsonData} document
 * as bytes; seeds are the fuzz corpus ({@code src/test/resources/fuzz/h3c/}), every golden case's
 * {@code input.json} and the committed inputs in {@code H3cDecoderFuzzerInputs/decode/}.
 *
 * <p>Invariants: only a {@link DecodeException} with a known reason leaves the decoder, and then
 * {@code out} is untouched; a document that decodes gives at least one point, the count returned is
 * the count appended, and every point encodes to a line that InfluxDB 1.6.7 reads back as that
 * point ({@link LineProtocol16}); decoding the same bytes again (the walker is reused per thread)
 * gives the same points, and so does the String overload for valid UTF-8.
 */
class H3cDecoderFuzzer {
    static final List<String> REASONS = List.of(DecodeException.MALFORMED_JSON, DecodeException.NAME_TOO_LONG, DecodeException.EMPTY_JSON,
            DecodeException.NOT_OBJECT, DecodeException.NO_NOTIFICATION, DecodeException.NO_USABLE_ROWS,
            DecodeException.TOO_MANY_ROWS, DecodeException.TOO_DEEP);
    static final String DEVICE = "dev\\ice ,=\"x\"\\";
    static final long NOW = 1_718_000_000_000L;
    // small limits, so that the fuzzer reaches them
    // one decoder for every input, as a worker thread has: state one document leaves behind (the
    // column prediction) must not break the next. Jazzer found it did: H3cDecoderTest has the case.
    static final H3cDecoder DECODER = new H3cDecoder(new Metrics(), 200, 12);

    static Stream<Arguments> seeds() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/fuzz/h3c"))) {
            s.forEach(files::add);
        }
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources/h3c"))) {
            s.filter(p -> p.getFileName().toString().equals("input.json")).forEach(files::add);
        }
        List<Arguments> out = new ArrayList<>();
        for (Path f : files.stream().sorted().toList()) {
            out.add(Arguments.of((Object) Files.readAllBytes(f)));
        }
        return out.stream();
    }

    @MethodSource("seeds")
    @DictionaryEntries({"\"Notification\"", "\"Timestamp\"", "\"Ifmgr\"", "\"Statistics\"", "\"Interfaces\"",
            "\"Interface\"", "\"Device\"", "\"CPUs\"", "\"CPU\"", "\"Base\"", "\"Diagnostic\"", "\"Memories\"",
            "\"Memory\"", "\"Name\"", "\"IfIndex\"", "\"InOctets\"", "\"OutOctets\"", "\"ActualSpeed\"",
            "\"CPUUsage\"", "\"Slot\"", "\"Chassis\"", "\"time\"", "\"61%\"", "\"[1,2]\"", "18446744073709551616",
            "1e999", "-0", "null", "true", "\"\\u0000\"", "\"\\ud800\"", "\"a\\\\\"", "\"x\\ny\""})
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] json) {
        check(json);
    }

    static void check(byte[] json) {
        List<Point> out = new ArrayList<>();
        out.add(null); // a sentinel: decode appends, and leaves what is there alone
        int n;
        try {
            n = DECODER.decode(DEVICE, "Fuzz/Path", json, 0, json.length, NOW, out);
        } catch (DecodeException e) {
            assertThat(REASONS).as("reason of %s", e).contains(e.reason());
            assertThat(out).as("out after %s", e).hasSize(1);
            assertSameOutcome(json, null, e);
            return;
        }
        assertThat(n).isPositive().isEqualTo(out.size() - 1);
        List<Point> points = out.subList(1, out.size());
        for (Point p : points) {
            assertThat(p.tag("device")).isEqualTo(DEVICE);
            String line = LineProtocol.encode(p);
            LineProtocol16.Stored expected = LineProtocol16.expected(p);
            if (line.isEmpty()) {
                assertThat(expected.fields()).as("why %s has no line", p).isEmpty();
                continue;
            }
            assertThat(LineProtocol16.parse(line)).as("line %s", line).isEqualTo(expected);
        }
        assertSameOutcome(json, points, null);
    }

    /** A second decode of the same bytes (and of the same text as a String) gives the same result. */
    private static void assertSameOutcome(byte[] json, List<Point> first, DecodeException firstError) {
        List<Point> again = new ArrayList<>();
        try {
            DECODER.decode(DEVICE, "Fuzz/Path", json, 0, json.length, NOW, again);
            assertThat(first).as("decoded the second time only").isNotNull();
            assertThat(again).isEqualTo(first);
        } catch (DecodeException e) {
            assertThat(first).as("failed the second time: %s", e).isNull();
        }
        String text = Utf8.strictOrNull(json);
        // Jackson reads bytes with NULs as UTF-16/32 and skips a byte-order mark, text as it is: the
        // dial-out path hands the decoder bytes (a proto string, UTF-8), so only plain text is compared
        if (text == null || text.isEmpty() || text.indexOf('\u0000') >= 0 || text.charAt(0) == '\uFEFF') {
            return;
        }
        // and Jackson's byte parser refuses an escaped unpaired surrogate in a field name, its text parser takes it
        if (firstError != null && String.valueOf(firstError.getMessage()).contains("surrogate")) {
            return;
        }
        List<Point> fromString = new ArrayList<>();
        try {
            DECODER.decode(DEVICE, "Fuzz/Path", text, NOW, fromString);
            assertThat(first).as("only the String overload decoded it").isNotNull();
            assertThat(fromString).isEqualTo(first);
        } catch (DecodeException e) {
            assertThat(first).as("only the byte[] overload decoded it: %s", e).isNull();
        }
    }
}
