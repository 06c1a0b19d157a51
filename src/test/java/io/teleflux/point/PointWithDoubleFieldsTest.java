package io.teleflux.point;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Point#withDoubleFields} gives exactly what the builder round trip gives. */
class PointWithDoubleFieldsTest {

    private static Point viaBuilder(Point p, String[] keys, double[] values, int n) {
        Point.Builder b = p.toBuilder();
        for (int i = 0; i < n; i++) {
            b.field(keys[i], values[i]);
        }
        return b.build();
    }

    private static void same(Point p, String[] keys, double[] values, int n) {
        Point fast = p.withDoubleFields(keys, values, n);
        assertThat(fast).isEqualTo(viaBuilder(p, keys, values, n));
        assertThat(LineProtocol.encode(fast)).isEqualTo(LineProtocol.encode(viaBuilder(p, keys, values, n)));
        assertThat(fast.hints()).isEqualTo(p.hints());
        assertThat(fast.tags()).isEqualTo(p.tags());
    }

    @Test
    void appendsNewFieldsAfterTheExistingOnes() {
        Point p = Point.builder("interface").tag("device", "d").tag("interface", "Eth1").field("in_octets", 10L)
                .field("speed_bps", 1000L).time(5).hints(Point.HINT_COUNTER32).build();
        same(p, new String[] {"in_bps", "out_bps"}, new double[] {1.5, 2.0}, 2);
        assertThat(LineProtocol.encode(p.withDoubleFields(new String[] {"in_bps"}, new double[] {1.5}, 1)))
                .isEqualTo("interface,device=d,interface=Eth1 in_octets=10i,speed_bps=1000i,in_bps=1.5 5");
    }

    @Test
    void replacesAnExistingKeyInPlaceWhateverItsType() {
        Point p = Point.builder("m").field("a", "text").field("b", 1L).field("c", true).time(1).build();
        same(p, new String[] {"a", "b", "new"}, new double[] {0.25, 3.0, 4.0}, 3);
        Point q = p.withDoubleFields(new String[] {"a"}, new double[] {0.25}, 1);
        assertThat(q.fieldType(0)).isEqualTo(Point.DOUBLE);
        assertThat(q.stringValue(0)).isNull();
        assertThat(q.fieldCount()).isEqualTo(3);
    }

    @Test
    void leavesOutNonFiniteValuesEmptyKeysAndEntriesBeyondN() {
        Point p = Point.builder("m").field("x", 1L).time(1).build();
        String[] keys = {"nan", "", "inf", "ok", "beyond"};
        double[] values = {Double.NaN, 1.0, Double.POSITIVE_INFINITY, 2.0, 3.0};
        same(p, keys, values, 4);
        assertThat(p.withDoubleFields(keys, values, 4).fields()).containsOnlyKeys("x", "ok");
        same(p, keys, values, 0);
    }

    @Test
    void aRepeatedKeyKeepsTheLastValue() {
        Point p = Point.builder("m").field("x", 1L).field("s", "v").time(1).build();
        same(p, new String[] {"r", "r"}, new double[] {1.0, 2.0}, 2);
        assertThat(p.withDoubleFields(new String[] {"r", "r"}, new double[] {1.0, 2.0}, 2).field("r")).isEqualTo(2.0);
    }

    @Test
    void sharesTheKeysOfALikePointOnlyWhenKeysAndTypesMatch() {
        Point.Builder b = Point.builder("interface").tag("device", "d");
        Point p1 = b.tag("interface", "Eth1").field("in_octets", 10L).field("speed_bps", 1000L).time(5).build();
        Point p2 = Point.builder("interface").tag("device", "d").tag("interface", "Eth2").field("in_octets", 20L)
                .field("speed_bps", 1000L).time(5).build();
        String[] rates = {"in_bps", "out_bps"};
        Point r1 = p1.withDoubleFields(rates, new double[] {1.0, 2.0}, 2, null);
        Point r2 = p2.withDoubleFields(rates, new double[] {3.0, 4.0}, 2, r1);
        assertThat(r2.sameFieldKeys(r1)).isTrue();
        assertThat(r2).isEqualTo(viaBuilder(p2, rates, new double[] {3.0, 4.0}, 2));
        // a rate missing (NaN) makes other keys: nothing shared, and the values stay right
        Point r3 = p2.withDoubleFields(rates, new double[] {Double.NaN, 4.0}, 2, r1);
        assertThat(r3.sameFieldKeys(r1)).isFalse();
        assertThat(LineProtocol.encode(r3)).isEqualTo("interface,device=d,interface=Eth2 in_octets=20i,speed_bps=1000i,out_bps=4 5");
        // same keys, another type (speed_bps a double here): not shared either
        Point p4 = Point.builder("interface").tag("device", "d").field("in_octets", 1L).field("speed_bps", 1.5).time(5).build();
        Point r4 = p4.withDoubleFields(rates, new double[] {1.0, 2.0}, 2, r1);
        assertThat(r4.sameFieldKeys(r1)).isFalse();
        assertThat(r4.fieldType(1)).isEqualTo(Point.DOUBLE);
    }

    @Test
    void aRunOfPointsWithOneKeyArrayGetsTheLayoutOfTheFirstAndTheRightValues() {
        // one builder: its points share key and type arrays, as a message's interface points do
        Point.Builder b = Point.builder("interface").tag("device", "d").field("in_octets", 0L).field("s", "x").time(1);
        Point[] run = new Point[6];
        for (int i = 0; i < run.length; i++) {
            run[i] = b.tag("interface", "Eth" + i).field("in_octets", 10L * i).field("s", "v" + i).time(i).build();
        }
        String[] rates = {"in_bps", "s", "out_bps"};
        Point first = null;
        for (int i = 0; i < run.length; i++) {
            // fresh key arrays with the same strings each call, as the rate stage passes them
            String[] keys = rates.clone();
            double[] values = i == 3 ? new double[] {Double.NaN, 2.0, 3.0} : new double[] {i + 0.5, i + 0.25, i + 0.125};
            Point got = run[i].withDoubleFields(keys, values, 3, first);
            assertThat(got).isEqualTo(viaBuilder(run[i], keys, values, 3));
            assertThat(LineProtocol.encode(got)).isEqualTo(LineProtocol.encode(viaBuilder(run[i], keys, values, 3)));
            assertThat(got.stringValue(1)).isNull(); // "s" became a double in place
            if (first == null) {
                first = got;
            } else {
                assertThat(got.sameFieldKeys(first)).isEqualTo(i != 3);
            }
        }
        // another layout after the run: planned afresh, not given the run's
        Point other = Point.builder("interface").tag("device", "d").field("out_octets", 1L).field("in_octets", 2L).time(9).build();
        String[] keys = rates.clone();
        double[] values = {1.0, 2.0, 3.0};
        assertThat(other.withDoubleFields(keys, values, 3, first)).isEqualTo(viaBuilder(other, keys, values, 3));
        assertThat(run[5].withDoubleFields(rates.clone(), values, 2, first)).isEqualTo(viaBuilder(run[5], rates, values, 2));
    }
}
