package io.teleflux.point;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.teleflux.testsupport.LineProtocol16;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the line-protocol encoder (Jazzer). The input builds a few points with
 * one reused {@link Point.Builder} (as the decoders do) from names and values that come from a small
 * pool of String instances (so that the encoder's per-position memory of tag values, which works by
 * identity, is exercised) or are fresh, with any characters: separators, backslashes, quotes, line
 * breaks, NUL, tabs, {@code #}, non-ASCII, unpaired surrogates. The points are appended to one
 * {@link LineBuffer} (small, so that it grows), with cuts ({@code truncate}, {@code reset}) between
 * them, as the writer does.
 *
 * <p>Invariants: a point from the reused builder equals the point a new builder makes from the same
 * calls; the line appended to the shared buffer is byte for byte the line of the point alone; the
 * buffer counts its lines; and every line parses back, by InfluxDB 1.6.7's rules
 * ({@link LineProtocol16}), to exactly the point, normalised as docs/data-model.md documents ("What InfluxDB
 * cannot store exactly"), or there is no line and the point has nothing writable. The limits of 1.6.7
 * that the encoder documents it leaves alone (key {@code time}, backslashes in measurements, a
 * leading tab or NUL) are skipped, as in {@code LineProtocolFuzzTest}.
 */
class LineProtocolFuzzer {
    static final String[] ATOMS = {"a", "Z", "9", " ", ",", "=", "\"", "\\", "\\\\", "\t", "\n", "\r", "\u0000", "#",
            "ü", "上", "\uD83D\uDE00", "\uD800", "\uDC00", "time", "i", "-", "interface", "device"};

    @FuzzTest(maxDuration = "30s")
    void encode(FuzzedDataProvider data) {
        String[] pool = new String[data.consumeInt(1, 4)];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = text(data, null);
        }
        LineBuffer buffer = new LineBuffer(data.consumeInt(0, 64));
        Point.Builder builder = null;
        List<Integer> lineEnds = new ArrayList<>();
        lineEnds.add(0);
        int points = data.consumeInt(1, 6);
        for (int n = 0; n < points && data.remainingBytes() > 0; n++) {
            String measurement = text(data, pool);
            if (measurement.isEmpty()) {
                measurement = "m";
            }
            List<Consumer<Point.Builder>> calls = new ArrayList<>();
            int tags = data.consumeInt(0, 4);
            for (int i = 0; i < tags; i++) {
                String k = text(data, pool);
                String v = text(data, pool);
                calls.add(b -> b.tag(k, v));
            }
            int fields = data.consumeInt(0, 5);
            for (int i = 0; i < fields; i++) {
                String k = text(data, pool);
                switch (data.consumeInt(0, 4)) {
                    case 0 -> {
                        long v = data.consumeLong();
                        calls.add(b -> b.field(k, v));
                    }
                    case 1 -> {
                        double v = data.consumeBoolean() ? data.consumeDouble() : data.consumeLong(-100_000, 100_000) / 8.0;
                        calls.add(b -> b.field(k, v));
                    }
                    case 2 -> {
                        boolean v = data.consumeBoolean();
                        calls.add(b -> b.field(k, v));
                    }
                    case 3 -> {
                        String v = text(data, pool);
                        calls.add(b -> b.field(k, v));
                    }
                    default -> calls.add(b -> b.removeField(k));
                }
            }
            long time = data.consumeBoolean() ? data.consumeLong() : data.consumeLong(0, 1L << 42);
            String m = measurement;
            if (builder == null || data.consumeBoolean()) {
                builder = Point.builder(m);
            } else {
                builder.reset(m);
            }
            Point.Builder fresh = Point.builder(m);
            for (Consumer<Point.Builder> c : calls) {
                c.accept(builder);
                c.accept(fresh);
            }
            Point p = builder.time(time).build();
            assertThat(p).isEqualTo(fresh.time(time).build());

            switch (data.consumeInt(0, 5)) {
                case 0 -> {
                    buffer.reset();
                    lineEnds.clear();
                    lineEnds.add(0);
                }
                case 1 -> {
                    int keep = data.consumeInt(0, lineEnds.size() - 1);
                    buffer.truncate(lineEnds.get(keep), keep);
                    lineEnds.subList(keep + 1, lineEnds.size()).clear();
                }
                default -> {
                }
            }
            int start = buffer.length();
            int lines = buffer.lines();
            boolean wrote = LineProtocol.append(p, buffer);
            String alone = LineProtocol.encode(p);
            assertThat(wrote).as("append and encode agree about %s", alone).isEqualTo(!alone.isEmpty());
            if (!wrote) {
                assertThat(buffer.length()).isEqualTo(start);
                assertThat(buffer.lines()).isEqualTo(lines);
                checkNoLine(p);
                continue;
            }
            assertThat(buffer.lines()).isEqualTo(lines + 1);
            byte[] all = buffer.toByteArray();
            String appended = new String(all, start, all.length - start, StandardCharsets.UTF_8);
            assertThat(appended).isEqualTo(alone + "\n");
            assertThat(new String(all, 0, start, StandardCharsets.UTF_8).split("\n", -1)).hasSize(lines + 1);
            lineEnds.add(buffer.length());
            checkLine(p, alone);
        }
    }

    /** A name or value: from the pool (the same instance) or new, of atoms or of fuzzer text. */
    static String text(FuzzedDataProvider data, String[] pool) {
        int how = data.consumeInt(0, 3);
        if (pool != null && how == 0) {
            return pool[data.consumeInt(0, pool.length - 1)];
        }
        if (how == 1) {
            return data.consumeString(12);
        }
        StringBuilder b = new StringBuilder();
        int n = data.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            b.append(ATOMS[data.consumeInt(0, ATOMS.length - 1)]);
        }
        return b.toString();
    }

    static void checkNoLine(Point p) {
        LineProtocol16.Stored expected = LineProtocol16.expected(p);
        assertThat(expected.fields().isEmpty() || expected.measurement().isEmpty() || expected.measurement().startsWith("#"))
                .as("why %s has no line", describe(p)).isTrue();
    }

    static void checkLine(Point p, String line) {
        LineProtocol16.Stored expected = LineProtocol16.expected(p);
        if (LineProtocol16.leftAlone(expected)) {
            return;
        }
        assertThat(LineProtocol16.parse(line)).as("line %s of %s", line, describe(p)).isEqualTo(expected);
    }

    /** The point with every name and value quoted by Java's rules, for a readable failure. */
    static String describe(Point p) {
        StringBuilder b = new StringBuilder("measurement=").append(quote(p.measurement())).append(" tags={");
        for (int i = 0; i < p.tagCount(); i++) {
            b.append(quote(p.tagKey(i))).append('=').append(quote(p.tagValue(i))).append(' ');
        }
        b.append("} fields={");
        for (int i = 0; i < p.fieldCount(); i++) {
            Object v = p.fields().get(p.fieldKey(i));
            b.append(quote(p.fieldKey(i))).append('=').append(v instanceof String s ? quote(s) : v).append(' ');
        }
        return b.append("} time=").append(p.timeMs()).toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
