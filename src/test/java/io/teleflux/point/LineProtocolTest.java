package io.teleflux.point;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineProtocolTest {

    @Test
    void escapesEveryPartAsInfluxDbExpects() {
        Point p = Point.builder("inter face,x")
                .tag("interface", "Bridge-Aggregation 1,x=y")
                .tag("device", "sw\"1")
                .field("in octets", 42L)
                .field("util", 12.5)
                .field("up", true)
                .field("descr", "say \"hi\" \\ bye")
                .time(1718000000123L)
                .build();
        assertThat(LineProtocol.encode(p)).isEqualTo(
                "inter\\ face\\,x,device=sw\"1,interface=Bridge-Aggregation\\ 1\\,x\\=y "
                        + "in\\ octets=42i,util=12.5,up=true,descr=\"say \\\"hi\\\" \\\\ bye\" 1718000000123");
    }

    @Test
    void tagsAreSortedAndEmptyTagValuesLeftOut() {
        Point p = Point.builder("m").tag("z", "1").tag("a", "2").tag("m", "").tag("b", null).field("f", 1L).time(5).build();
        assertThat(LineProtocol.encode(p)).isEqualTo("m,a=2,z=1 f=1i 5");
    }

    @Test
    void lineBreaksBecomeSpacesAndNonAsciiIsUtf8() {
        Point p = Point.builder("m").tag("t", "a\nb").field("s", "x\r\ny").field("f", -3L).time(0).build();
        LineBuffer b = new LineBuffer();
        LineProtocol.append(p, b);
        LineProtocol.append(Point.builder("m").tag("t", "Gi0/1 上联 ü").field("f", 1.5e20).time(1).build(), b);
        assertThat(b.lines()).isEqualTo(2);
        assertThat(b.toString()).isEqualTo("m,t=a\\ b s=\"x  y\",f=-3i 0\nm,t=Gi0/1\\ 上联\\ ü f=1.5E20 1\n");
    }

    @Test
    void pointWithoutFieldsHasNoLine() {
        LineBuffer b = new LineBuffer();
        assertThat(LineProtocol.append(Point.builder("m").tag("a", "b").build(), b)).isFalse();
        assertThat(b.length()).isZero();
    }

    @Test
    void nonFiniteDoublesAreLeftOutAndLongExtremesKept() {
        Point p = Point.builder("m").field("nan", Double.NaN).field("inf", Double.POSITIVE_INFINITY)
                .field("min", Long.MIN_VALUE).field("max", Long.MAX_VALUE).time(1).build();
        assertThat(LineProtocol.encode(p)).isEqualTo("m min=-9223372036854775808i,max=9223372036854775807i 1");
    }

    @Test
    void trailingBackslashesCannotBeWrittenAndAreRemoved() {
        Point p = Point.builder("m\\").tag("t", "GE1/0/1\\").tag("u\\", "v").tag("w", "\\\\").field("f\\", 1L)
                .field("s", "keeps \\").time(5).build();
        assertThat(LineProtocol.encode(p)).isEqualTo("m,t=GE1/0/1,u=v f=1i,s=\"keeps \\\\\" 5");
    }

    @Test
    void backslashesInsideNamesStayAndTheirSeparatorsAreEscaped() {
        Point p = Point.builder("m").tag("t", "a\\,b").field("k\\,x", 1L).field("q\\\"", 2L).time(5).build();
        // tag: "a\" + "\," ; field key: the odd run before ',' loses its backslash; a quote is escaped
        assertThat(LineProtocol.encode(p)).isEqualTo("m,t=a\\\\,b k\\,x=1i,q\\\\\"=2i 5");
    }

    @Test
    void tagKeysThatBecomeEqualAreWrittenOnce() {
        Point p = Point.builder("m").tag("a", "1").tag("a\\", "2").tag("a\n", "3").tag("b\n", "4").tag("b ", "5")
                .field("f", 1L).time(5).build();
        assertThat(LineProtocol.encode(p)).isEqualTo("m,a=1,a\\ =3,b\\ =4 f=1i 5");
    }

    @Test
    void aMeasurementStartingWithHashWouldBeACommentAndHasNoLine() {
        assertThat(LineProtocol.append(Point.builder("#m").field("f", 1L).build(), new LineBuffer())).isFalse();
        assertThat(LineProtocol.encode(Point.builder("m").field("\\", 1L).build())).isEmpty();
    }
}
