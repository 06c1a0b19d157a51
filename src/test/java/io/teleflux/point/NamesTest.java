package io.teleflux.point;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest {
    @Test
    void shortNamesAreThemselves() {
        String s = "GigabitEthernet1/0/1";
        assertThat(Names.limit(s, 64)).isSameAs(s);
        assertThat(Names.limit("x".repeat(64), 64)).hasSize(64);
    }

    @Test
    void longNamesKeepTheirPrefixAndEndInAStableHash() {
        String a = "Bridge-Aggregation" + "x".repeat(500) + "a";
        String b = "Bridge-Aggregation" + "x".repeat(500) + "b";
        String la = Names.limit(a, 64);
        assertThat(la).hasSize(64).startsWith("Bridge-Aggregationxxx").matches(".*~[0-9a-f]{8}");
        assertThat(Names.limit(a, 64)).isEqualTo(la);
        assertThat(Names.limit(b, 64)).as("same prefix, different name: a different series").isNotEqualTo(la);
        // SHA-256("...a") is fixed: the rule gives the same name on every collector and after restarts
        assertThat(la.substring(55)).isEqualTo(Names.limit(a, 100).substring(91));
    }

    @Test
    void aSurrogatePairIsNeverSplit() {
        String s = "a".repeat(54) + "\uD83D\uDE00" + "z".repeat(100); // 😀 at chars 54-55, the cut falls between
        String l = Names.limit(s, 64);
        assertThat(l).hasSize(63).startsWith("a".repeat(54) + "~");
        assertThat(l.codePoints().allMatch(cp -> !Character.isSurrogate((char) cp))).isTrue();
    }

    @Test
    void aLimitWithoutRoomForTheHashIsAProgrammingError() {
        assertThatThrownBy(() -> Names.limit("x".repeat(20), 9)).isInstanceOf(IllegalArgumentException.class);
    }
}
