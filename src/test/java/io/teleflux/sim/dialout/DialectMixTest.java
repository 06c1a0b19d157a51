package io.teleflux.sim.dialout;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.teleflux.sim.dialout.Dialect.CISCO;
import static io.teleflux.sim.dialout.Dialect.H3C;
import static io.teleflux.sim.dialout.Dialect.H3CV3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DialectMixTest {

    @Test
    void equalWeightsTakeTurnsInTheOrderGiven() {
        assertThat(DialectMix.parse("h3c:1,h3cv3:1,cisco:1").assign(7))
                .containsExactly(H3C, H3CV3, CISCO, H3C, H3CV3, CISCO, H3C);
        assertThat(DialectMix.parse("cisco,h3c").assign(3)).containsExactly(CISCO, H3C, CISCO);
    }

    @Test
    void weightsAreInterleavedAndExactOverACycle() {
        DialectMix mix = DialectMix.parse("h3c:2, cisco:1");
        assertThat(mix.assign(6)).containsExactly(H3C, CISCO, H3C, H3C, CISCO, H3C);
        assertThat(mix.counts(300)).isEqualTo(Map.of(H3C, 200, CISCO, 100));
        assertThat(mix.assign(50)).as("deterministic: a device keeps its dialect").isEqualTo(mix.assign(50));
        assertThat(mix.assign(50).subList(0, 10)).isEqualTo(mix.assign(10));
        assertThat(mix.toString()).isEqualTo("h3c:2,cisco:1");
    }

    @Test
    void aSingleDialectIsEveryDevice() {
        assertThat(DialectMix.of(H3CV3).assign(3)).isEqualTo(List.of(H3CV3, H3CV3, H3CV3));
    }

    @Test
    void badSpecsNameTheProblem() {
        assertThatThrownBy(() -> DialectMix.parse("h3c:1,juniper:1")).hasMessage("unknown dialect 'juniper'; known: h3c, h3cv3, cisco, huawei");
        assertThatThrownBy(() -> DialectMix.parse("h3c:x")).hasMessage("weight of h3c is not a number: 'h3c:x'");
        assertThatThrownBy(() -> DialectMix.parse("h3c:0")).hasMessage("weight of h3c must be in 1-1000, got 0");
        assertThatThrownBy(() -> DialectMix.parse("h3c,h3c:2")).hasMessage("dialect h3c is given twice");
        assertThatThrownBy(() -> DialectMix.parse(" , ")).hasMessage("at least one dialect is required");
    }
}
