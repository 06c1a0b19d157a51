package io.teleflux.point;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PointBuilderTest {

    @Test
    void aResetBuilderMakesThePointAFreshOneWould() {
        Point.Builder reused = Point.builder("a").tag("t", "1").tag("u", "2").field("s", "text").field("x", 1L)
                .field("y", 2.5).time(7).hints(Point.HINT_RESET);
        Point first = reused.build();
        assertThat(first).isEqualTo(Point.builder("a").tag("u", "2").tag("t", "1").field("s", "text").field("x", 1L)
                .field("y", 2.5).time(7).hints(Point.HINT_RESET).build());

        Point second = reused.reset("b").tag("v", "3").field("x", 5L).build();
        assertThat(second).isEqualTo(Point.builder("b").tag("v", "3").field("x", 5L).build());
        assertThat(second.tags()).containsOnlyKeys("v");
        assertThat(second.fields()).containsOnlyKeys("x");
        assertThat(second.timeMs()).isZero();
        assertThat(second.hints()).isZero();
        assertThat(first.fields()).containsOnlyKeys("s", "x", "y"); // built points do not share the builder's arrays
        assertThatThrownBy(() -> reused.reset("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pointsOfOneShapeFromOneBuilderStayAsBuiltWhateverTheBuilderDoesNext() {
        Point.Builder b = Point.builder("m");
        Point one = b.tag("t", "1").field("x", 1L).field("y", 2.5).build();
        Point two = b.reset("m").tag("t", "2").field("x", 3L).field("y", 4.5).build();
        Point.Builder more = b.field("y", 7L).field("z", "s"); // same builder, the keys' types and count change
        Point three = more.build();
        Point four = b.reset("m").field("y", 1L).field("x", 2L).build();
        Point fromToBuilder = two.toBuilder().removeField("x").field("w", true).build();

        assertThat(one.fields()).containsExactly(Map.entry("x", 1L), Map.entry("y", 2.5));
        assertThat(two.fields()).containsExactly(Map.entry("x", 3L), Map.entry("y", 4.5));
        assertThat(three.fields()).containsExactly(Map.entry("x", 3L), Map.entry("y", 7L), Map.entry("z", "s"));
        assertThat(four.fields()).containsExactly(Map.entry("y", 1L), Map.entry("x", 2L));
        assertThat(fromToBuilder.fields()).containsExactly(Map.entry("y", 4.5), Map.entry("w", true));
        assertThat(LineProtocol.encode(two)).isEqualTo("m,t=2 x=3i,y=4.5 0");
    }

    @Test
    void aRepeatedFieldKeyReplacesTheValueInPlaceWhateverItsHash() {
        // "Aa" and "BB" have the same hash; "a" and "ab" share the low 6 bits of theirs (97 and 97*31+98 = 3105)
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat("a".hashCode() & 63).isEqualTo("ab".hashCode() & 63);
        Point.Builder b = Point.builder("m");
        for (int i = 0; i < 100; i++) {
            b.field("k" + i, (long) i);
        }
        b.field("Aa", 1L).field("BB", 2L).field("a", 3L).field("ab", 4L);
        b.field("BB", 20L).field("ab", 40L).field("k63", "x").field("Aa", 10.5);
        Point p = b.build();
        assertThat(p.fieldCount()).isEqualTo(104);
        assertThat(p.fieldKey(100)).isEqualTo("Aa");
        assertThat(p.field("Aa")).isEqualTo(10.5);
        assertThat(p.field("BB")).isEqualTo(20L);
        assertThat(p.field("a")).isEqualTo(3L);
        assertThat(p.field("ab")).isEqualTo(40L);
        assertThat(p.field("k63")).isEqualTo("x");
        assertThat(p.fieldIndex("k63")).isEqualTo(63);

        Point.Builder removed = p.toBuilder().removeField("BB").removeField("k0");
        removed.field("BB", 7L).field("a", 8L);
        Point q = removed.build();
        assertThat(q.fieldCount()).isEqualTo(103);
        assertThat(q.fieldKey(102)).isEqualTo("BB");
        assertThat(q.field("a")).isEqualTo(8L);
        assertThat(q.fieldIndex("a")).isEqualTo(100);
    }

    @Test
    void aReusedBuilderBuildsWhatAFreshOneBuildsWhateverTheKeysDoFromPointToPoint() {
        // the reused builder's fast path trusts the previous point's keys: repeat them, stop short, run
        // past them, repeat one, reorder them, remove one; a fresh builder is the reference
        String[] pool = {"a", "b", "c", "d", "Aa", "BB", "e"};
        Random random = new Random(11);
        Point.Builder reused = Point.builder("m");
        List<String> previous = new ArrayList<>();
        for (int round = 0; round < 5_000; round++) {
            List<String> keys = new ArrayList<>();
            int kind = random.nextInt(4);
            if (kind == 0 || previous.isEmpty()) {
                for (int i = random.nextInt(6); i >= 0; i--) {
                    keys.add(pool[random.nextInt(pool.length)]);
                }
            } else {
                keys.addAll(previous.subList(0, random.nextInt(previous.size() + 1)));
                if (kind >= 2) {
                    keys.add(pool[random.nextInt(pool.length)]); // often one of the previous ones again
                }
                if (kind == 3 && !keys.isEmpty()) {
                    keys.add(keys.get(random.nextInt(keys.size())));
                }
            }
            String removed = random.nextInt(8) == 0 ? pool[random.nextInt(pool.length)] : null;
            Point.Builder fresh = Point.builder("m");
            reused.reset("m");
            for (int i = 0; i < keys.size(); i++) {
                long v = round * 100L + i;
                reused.field(keys.get(i), v);
                fresh.field(keys.get(i), v);
            }
            if (removed != null) {
                reused.removeField(removed);
                fresh.removeField(removed);
                reused.field("z", 1L).field(keys.isEmpty() ? "z" : keys.get(0), 2L);
                fresh.field("z", 1L).field(keys.isEmpty() ? "z" : keys.get(0), 2L);
            }
            Point got = reused.build();
            assertThat(got).as("round %d: keys %s, removed %s", round, keys, removed).isEqualTo(fresh.build());
            previous = new ArrayList<>(got.fields().keySet());
        }
    }
}
