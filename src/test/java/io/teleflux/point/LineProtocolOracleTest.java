package io.teleflux.point;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The encoder's fast path (cached names, one capacity check per part, 8-digit groups) writes
 * exactly the bytes the encoder wrote before it ({@link OracleLineProtocol}), for any point, and
 * for runs of points appended into one small buffer that has to grow in the middle of a line.
 */
class LineProtocolOracleTest {
    static final AtomicLong LINES = new AtomicLong();
    static final List<String> ATOMS = List.of("a", "Z", "9", " ", ",", "=", "\"", "\\", "\\\\", "\t", "\n", "\r", "\u0000",
            "#", "ü", "上", "\uD83D\uDE00", "\uD83D", "\uDE00", "time", "i", "-", "in_octets", "GigabitEthernet1/0/1");

    @AfterContainer
    static void report() {
        System.out.println("LineProtocolOracleTest: " + LINES.get() + " lines identical to the previous encoder's");
    }

    static Arbitrary<String> text() {
        return Arbitraries.of(ATOMS).list().ofMaxSize(8).map(l -> String.join("", l));
    }

    static Arbitrary<Long> longs() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1000, 1000),
                Arbitraries.of(0L, 9L, 10L, 99L, 100L, 99_999_999L, 100_000_000L, 9_999_999_999_999_999L,
                        10_000_000_000_000_000L, 100_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
                        -100_000_000L, -99_999_999L));
    }

    static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(), longs().map(Long::doubleValue),
                Arbitraries.of(0.1, -0.0, 1e15, 1e15 - 1, -1e15, 999_999_999_999_999.0, 1.5e20, Double.MIN_VALUE,
                        -Double.MAX_VALUE, 12.5));
    }

    @Provide
    Arbitrary<Point> points() {
        Arbitrary<Map<String, String>> tags = Arbitraries.maps(text(), text()).ofMaxSize(4);
        Arbitrary<Map<String, String>> strings = Arbitraries.maps(text(), text()).ofMaxSize(2);
        Arbitrary<Map<String, Double>> doubles = Arbitraries.maps(text(), doubles()).ofMaxSize(3);
        Arbitrary<Map<String, Long>> longs = Arbitraries.maps(text(), longs()).ofMaxSize(4);
        Arbitrary<Map<String, Boolean>> booleans = Arbitraries.maps(text(), Arbitraries.of(true, false)).ofMaxSize(1);
        Arbitrary<String> measurement = Arbitraries.oneOf(Arbitraries.of("interface", "device"), text().filter(t -> !t.isEmpty()));
        return Combinators.combine(measurement, tags, strings, doubles, longs, booleans, longs())
                .as((m, t, s, d, l, bo, time) -> {
                    Point.Builder b = Point.builder(m).time(time);
                    t.forEach(b::tag);
                    s.forEach(b::field);
                    d.forEach(b::field);
                    l.forEach(b::field);
                    bo.forEach(b::field);
                    return b.build();
                });
    }

    @Property(tries = 20000)
    void everyPointEncodesAsBefore(@ForAll("points") Point p) {
        assertSame(List.of(p), 16);
    }

    @Property(tries = 2000)
    void runsOfPointsInOneGrowingBufferEncodeAsBefore(@ForAll("runs") List<Point> points) {
        assertSame(points, 16);
    }

    @Provide
    Arbitrary<List<Point>> runs() {
        return points().list().ofMinSize(2).ofMaxSize(12);
    }

    /** Points of few shapes from one reused builder: they share key arrays, which the encoder remembers. */
    @Provide
    Arbitrary<List<Point>> sharedShapes() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c\\", "d e");
        Arbitrary<Map<String, Long>> longs = Arbitraries.maps(keys, longs()).ofMaxSize(3);
        Arbitrary<Map<String, Double>> doubles = Arbitraries.maps(keys, doubles()).ofMaxSize(1);
        // tag values from a few instances, so that consecutive points share them (the encoder copies those)
        Arbitrary<String> values = Arbitraries.of("x", "y z", "a\\b", "ü", "", "GigabitEthernet1/0/1", "x\n");
        Arbitrary<Map<String, String>> tags = Arbitraries.maps(Arbitraries.of("t", "u", "v", "t\\"), values).ofMaxSize(3);
        Point.Builder b = Point.builder("m");
        return Combinators.combine(Arbitraries.of("m", "n"), tags, longs, doubles)
                .as((m, t, l, d) -> {
                    b.reset(m);
                    t.forEach(b::tag);
                    l.forEach(b::field);
                    d.forEach(b::field);
                    return b.build();
                }).list().ofMinSize(2).ofMaxSize(12);
    }

    @Property(tries = 3000)
    void pointsSharingKeyArraysAndTagValuesEncodeAsBefore(@ForAll("sharedShapes") List<Point> points) {
        assertSame(points, 16);
    }

    @Property(tries = 2000)
    void aCutBufferDoesNotLendItsOldTagValues(@ForAll("sharedShapes") List<Point> points, @ForAll("offsets") int cut) {
        LineBuffer actual = new LineBuffer(16);
        OracleBuffer expected = new OracleBuffer(16);
        for (Point p : points) {
            LineProtocol.append(p, actual);
            OracleLineProtocol.append(p, expected);
            int to = Math.max(0, actual.length() - cut);
            actual.truncate(to, 0); // the writer cuts a batch off, or undoes a line
            expected.truncate(to, 0);
            assertThat(actual.toByteArray()).as("bytes after %s", p).isEqualTo(expected.toByteArray());
        }
    }

    @Property(tries = 20000)
    void anyLongIsWrittenAsLongToStringWritesIt(@ForAll("anyLongs") long v, @ForAll("offsets") int offset) {
        LineBuffer b = new LineBuffer(16);
        b.ascii("x".repeat(offset));
        b.decimal(v);
        b.byteRaw(';');
        assertThat(b.toString()).isEqualTo("x".repeat(offset) + v + ";");
    }

    @Provide
    Arbitrary<Long> anyLongs() {
        return Arbitraries.oneOf(longs(), Arbitraries.integers().between(0, 62).map(e -> (1L << e) - 1));
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 40);
    }

    @Test
    void decimalsAroundEveryPowerOfTwo() {
        LineBuffer b = new LineBuffer(16);
        StringBuilder expected = new StringBuilder();
        for (int e = 0; e < 63; e++) {
            for (long v : new long[] {(1L << e) - 1, 1L << e, (1L << e) + 1, -(1L << e)}) {
                b.decimal(v);
                b.byteRaw(' ');
                expected.append(v).append(' ');
            }
        }
        assertThat(b.toString()).isEqualTo(expected.toString());
    }

    @Test
    void decimalsAroundEveryPowerOfTen() {
        LineBuffer b = new LineBuffer(16);
        StringBuilder expected = new StringBuilder();
        for (long p = 1; ; p *= 10) {
            for (long v : new long[] {p - 1, p, p + 1, -p + 1, -p, -p - 1}) {
                b.decimal(v);
                b.byteRaw(' ');
                expected.append(v).append(' ');
            }
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        b.decimal(Long.MAX_VALUE);
        b.decimal(Long.MIN_VALUE);
        expected.append(Long.MAX_VALUE).append(Long.MIN_VALUE);
        assertThat(b.toString()).isEqualTo(expected.toString());
    }

    private static void assertSame(List<Point> points, int capacity) {
        LineBuffer actual = new LineBuffer(capacity);
        OracleBuffer expected = new OracleBuffer(capacity);
        for (Point p : points) {
            boolean wrote = LineProtocol.append(p, actual);
            assertThat(wrote).as("line or not for %s", p).isEqualTo(OracleLineProtocol.append(p, expected));
            assertThat(actual.toByteArray()).as("bytes after %s", p).isEqualTo(expected.toByteArray());
            assertThat(actual.lines()).isEqualTo(expected.lines());
            LINES.addAndGet(wrote ? 1 : 0);
        }
    }
}
