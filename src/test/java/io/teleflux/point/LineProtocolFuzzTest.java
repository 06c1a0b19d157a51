package io.teleflux.point;

import io.teleflux.testsupport.LineProtocol16;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded fuzzing of the line-protocol encoder (jqwik): any point, with any characters in any
 * name or value (line breaks, trailing backslashes, quotes, NUL, surrogates), encodes without an
 * error to a line that InfluxDB 1.6.7 parses back to the documented normalisation of the point
 * ({@link LineProtocol16#expected}), or to no line when the point has nothing writable.
 */
class LineProtocolFuzzTest {
    static final AtomicLong LINES = new AtomicLong();
    static final List<String> ATOMS = List.of("a", "Z", "9", " ", ",", "=", "\"", "\\", "\\\\", "\t", "\n", "\r", "\u0000",
            "#", "ü", "上", "\uD83D\uDE00", "time", "i", "-");

    @AfterContainer
    static void report() {
        System.out.println("LineProtocolFuzzTest: " + LINES.get() + " lines checked against the 1.6.7 model");
    }

    static Arbitrary<String> text() {
        return Arbitraries.of(ATOMS).list().ofMaxSize(10).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<Point> points() {
        Arbitrary<Map<String, String>> tags = Arbitraries.maps(text(), text()).ofMaxSize(4);
        Arbitrary<Map<String, String>> strings = Arbitraries.maps(text(), text()).ofMaxSize(3);
        Arbitrary<Map<String, Double>> doubles = Arbitraries.maps(text(), Arbitraries.doubles()).ofMaxSize(2);
        Arbitrary<Map<String, Long>> longs = Arbitraries.maps(text(), Arbitraries.longs()).ofMaxSize(2);
        Arbitrary<String> measurement = Arbitraries.oneOf(Arbitraries.of("interface", "h3c_x"), text().filter(t -> !t.isEmpty()));
        return Combinators.combine(measurement, tags, strings, doubles, longs, Arbitraries.longs().between(-1L << 40, 1L << 42))
                .as((m, t, s, d, l, time) -> {
                    Point.Builder b = Point.builder(m).time(time);
                    t.forEach(b::tag);
                    s.forEach(b::field);
                    d.forEach(b::field);
                    l.forEach(b::field);
                    return b.build();
                });
    }

    @Property(tries = 20000)
    void everyPointEncodesToALineInfluxDbReadsAsDocumented(@ForAll("points") Point p) {
        String line = LineProtocol.encode(p);
        LineProtocol16.Stored expected = LineProtocol16.expected(p);
        if (line.isEmpty()) {
            assertThat(expected.fields().isEmpty() || expected.measurement().isEmpty() || expected.measurement().startsWith("#"))
                    .as("why %s has no line", p).isTrue();
            return;
        }
        if (LineProtocol16.leftAlone(expected)) {
            return;
        }
        assertThat(LineProtocol16.parse(line)).as("line %s", line).isEqualTo(expected);
        LINES.incrementAndGet();
    }
}
