package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.LineProtocol16;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded fuzzing of the H3C JSON decoder (jqwik, a few seconds in the unit tests): random bytes,
 * mutations of the corpus in {@code src/test/resources/fuzz/h3c/}, and generated JSON trees with
 * hostile names and values. Whatever comes in, only a {@link DecodeException} may leave the
 * decoder, and every point it produces encodes to a line that InfluxDB 1.6.7 parses back to
 * exactly that point ({@link LineProtocol16}).
 */
class H3cDecoderFuzzTest {
    static final Path CORPUS = Path.of("src/test/resources/fuzz/h3c");
    static final List<byte[]> SEEDS = corpus();
    static final AtomicLong RUNS = new AtomicLong();
    static final AtomicLong POINTS = new AtomicLong();
    static final AtomicLong REJECTED = new AtomicLong();

    final H3cDecoder decoder = new H3cDecoder(new Metrics(), 1000, 16);

    static List<byte[]> corpus() {
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("H3cDecoderFuzzTest: " + RUNS.get() + " inputs, " + POINTS.get() + " points checked, "
                + REJECTED.get() + " rejected with DecodeException");
    }

    void check(byte[] json) {
        RUNS.incrementAndGet();
        List<Point> out = new ArrayList<>();
        try {
            decoder.decode("dev\\ice ,=\"x\"\\", "Fuzz/Path", json, 0, json.length, 1_718_000_000_000L, out);
        } catch (DecodeException e) {
            REJECTED.incrementAndGet();
            assertThat(out).isEmpty();
            return;
        }
        for (Point p : out) {
            String line = LineProtocol.encode(p);
            assertThat(line).as("point %s", p).isNotEmpty();
            assertThat(LineProtocol16.parse(line)).as("line %s", line).isEqualTo(LineProtocol16.expected(p));
            POINTS.incrementAndGet();
        }
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll byte[] json) {
        check(json);
    }

    @Provide
    Arbitrary<byte[]> mutatedCorpus() {
        Arbitrary<byte[]> seed = Arbitraries.of(SEEDS);
        Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers().between(0, 255))
                .as((kind, pos, value) -> new int[] {kind, pos, value}).list().ofMinSize(1).ofMaxSize(8);
        return Combinators.combine(seed, edits).as(H3cDecoderFuzzTest::mutate);
    }

    static final byte[][] TOKENS = {"{".getBytes(), "}".getBytes(), "[".getBytes(), "]".getBytes(), ",".getBytes(),
            ":".getBytes(), "\"".getBytes(), "\\".getBytes(), "null".getBytes(), "1e999".getBytes(), "-0".getBytes(),
            "\"99%\"".getBytes(), "\"[1,\"".getBytes(), "18446744073709551616".getBytes(), "\"\\u0000\"".getBytes(),
            "\"\\ud800\"".getBytes(), "{\"Name\":\"a\\\\\"}".getBytes(StandardCharsets.UTF_8)};

    /** Flips, deletes, inserts a byte or a JSON token, or truncates. */
    static byte[] mutate(byte[] seed, List<int[]> edits) {
        byte[] b = seed.clone();
        for (int[] e : edits) {
            int pos = b.length == 0 ? 0 : e[1] % b.length;
            b = switch (e[0]) {
                case 0 -> {
                    if (b.length > 0) {
                        b[pos] = (byte) e[2];
                    }
                    yield b;
                }
                case 1 -> b.length == 0 ? b : concat(slice(b, 0, pos), slice(b, pos + 1, b.length));
                case 2 -> concat(concat(slice(b, 0, pos), TOKENS[e[2] % TOKENS.length]), slice(b, pos, b.length));
                default -> slice(b, 0, pos);
            };
        }
        return b;
    }

    @Property(tries = 4000)
    void mutatedCorpusDocuments(@ForAll("mutatedCorpus") byte[] json) {
        check(json);
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> name = Arbitraries.of("Name", "IfIndex", "Slot", "InOctets", "CPUUsage", "Description", "a\\",
                "x,y", "k=v", "sp ace", "q\"", "\\\\", "time", "Time", "上联", "\\n", "InRate", "#h", "").map(H3cDecoderFuzzTest::q);
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("N") && !s.contains("I")),
                Arbitraries.of("\"12%\"", "\"3.5\"", "\"[1,2]\"", "\"[\"", "true", "null", "\"\"", "18446744073709551615",
                        "\"a\\\\\"", "\"x\\ny\"", "\"GE1/0/1\\\\\"", "1e400", "-1e-400"),
                Arbitraries.strings().ofMaxLength(8).map(H3cDecoderFuzzTest::q));
        Arbitrary<String> row = Combinators.combine(name, scalar).as((k, v) -> k + ":" + v).list().ofMaxSize(6)
                .map(kv -> "{" + String.join(",", kv) + "}");
        Arbitrary<String> rows = Arbitraries.oneOf(row, row.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"));
        return Combinators.combine(Arbitraries.of("Notification", "notification", "NOTIFICATION"),
                Arbitraries.of("\"1718000000123\"", "1718000000123", "\"x\"", "-5"),
                Arbitraries.of("Ifmgr", "Device", "Diagnostic", "ifmgr", "X y"), Arbitraries.of("Statistics", "Interfaces",
                        "CPUs", "Memories", "Base", "Other,T=1"), Arbitraries.of("Interface", "CPU", "Memory", "Row"), rows)
                .as((n, ts, mod, table, rowName, r) -> "{\"" + n + "\":{\"Timestamp\":" + ts + ",\"" + mod + "\":{\"" + table
                        + "\":{\"" + rowName + "\":" + r + "}}}}");
    }

    @Property(tries = 4000)
    void generatedDocuments(@ForAll("documents") String json) {
        check(json.getBytes(StandardCharsets.UTF_8));
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, Math.min(from, b.length), Math.min(Math.max(from, to), b.length));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
