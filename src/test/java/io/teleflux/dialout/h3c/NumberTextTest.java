package io.teleflux.dialout.h3c;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NumberTextTest {
    private final NumberText n = new NumberText();

    private int parse(String s) {
        // embed the text in a larger buffer so that offsets are honoured
        char[] b = ("##" + s + "##").toCharArray();
        return n.parse(b, 2, s.length());
    }

    @Test
    void integers() {
        assertThat(parse("12345")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(12345);
        assertThat(parse(" -42 ")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(-42);
        assertThat(parse("+7")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(7);
        assertThat(parse("9223372036854775807")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("9007199254740993")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(9007199254740993L);
    }

    @Test
    void percentages() {
        assertThat(parse("61%")).isEqualTo(NumberText.LONG);
        assertThat(n.longValue).isEqualTo(61);
        assertThat(parse(" 7.5 % ")).isEqualTo(NumberText.DOUBLE);
        assertThat(n.doubleValue).isEqualTo(7.5);
    }

    @Test
    void decimals() {
        assertThat(parse("1.5e3")).isEqualTo(NumberText.DOUBLE);
        assertThat(n.doubleValue).isEqualTo(1500.0);
        assertThat(parse(".5")).isEqualTo(NumberText.DOUBLE);
        assertThat(n.doubleValue).isEqualTo(0.5);
        assertThat(parse("-2.25E-2")).isEqualTo(NumberText.DOUBLE);
        assertThat(n.doubleValue).isEqualTo(-0.0225);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "18446744073709551615", "123456789012345678901234567890", "1e400"})
    void tooLarge(String s) {
        assertThat(parse(s)).isEqualTo(NumberText.OVERFLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "%", "N/A", "--", "-", ".", "1.2.3", "12abc", "0x1F", "1,234", "1e", "1e+",
            "NaN", "Infinity", "[1,2]", "true", "1 2"})
    void notNumbers(String s) {
        assertThat(parse(s)).isEqualTo(NumberText.NONE);
    }

    @Test
    void stringsHoldingJson() {
        char[] b = "  [1,2]".toCharArray();
        assertThat(NumberText.holdsJson(b, 0, b.length)).isTrue();
        b = "{\"a\":1}".toCharArray();
        assertThat(NumberText.holdsJson(b, 0, b.length)).isTrue();
        b = "x[1]".toCharArray();
        assertThat(NumberText.holdsJson(b, 0, b.length)).isFalse();
        assertThat(NumberText.holdsJson(b, 1, 3)).isTrue();
        assertThat(NumberText.holdsJson(new char[0], 0, 0)).isFalse();
    }
}
