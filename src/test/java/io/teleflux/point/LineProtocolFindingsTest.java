package io.teleflux.point;

import io.teleflux.testsupport.LineProtocol16;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The encoder bugs that {@link LineProtocolFuzzer} (Jazzer) found, as readable cases; the fuzzer's
 * inputs are under {@code src/test/resources/io/teleflux/point/LineProtocolFuzzerInputs/encode/}.
 */
class LineProtocolFindingsTest {
    @Test
    void tagKeysThatDifferOnlyInUnpairedSurrogatesAreOneKeyTheFirstOnes() {
        Point p = Point.builder("m").tag("k\uD800", "first").tag("k\uDC00", "second").field("f", 1L).time(5).build();
        String line = LineProtocol.encode(p);
        assertThat(line).isEqualTo("m,k?=first f=1i 5");
        assertThat(LineProtocol16.parse(line).tags()).isEqualTo(Map.of("k?", "first"));
        assertThat(LineProtocol.encode(Point.builder("m").tag("k\uD800", "v").field("f", 1L).time(5).build()))
                .isEqualTo("m,k?=v f=1i 5");
    }

    @Test
    void aTagLeftOutForItsEmptiedValueDoesNotHideALaterTagWithTheSameKey() {
        // "a" = "\\" is left out (a value of backslashes trims to nothing); "a\\" trims to "a" and is written
        Point p = Point.builder("m").tag("a", "\\\\").tag("a\\\\", "a\\\\").field("f", 1L).time(5).build();
        String line = LineProtocol.encode(p);
        assertThat(line).isEqualTo("m,a=a f=1i 5");
        assertThat(LineProtocol16.parse(line).tags()).isEqualTo(Map.of("a", "a"));
    }
}
