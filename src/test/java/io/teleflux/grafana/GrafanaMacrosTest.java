package io.teleflux.grafana;

import io.teleflux.grafana.GrafanaMacros.Context;
import io.teleflux.grafana.GrafanaMacros.Variable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrafanaMacrosTest {
    static final long FROM = 1_718_000_000_000L;
    static final long TO = FROM + 3_600_000;

    @Test
    void timeFilterIsAnInclusiveRangeInMilliseconds() {
        String q = GrafanaMacros.expand("SELECT x FROM m WHERE $timeFilter", Context.of(FROM, TO, 5000));
        assertThat(q).isEqualTo("SELECT x FROM m WHERE time >= 1718000000000ms and time <= 1718003600000ms");
    }

    @Test
    void intervalMacrosInTheBackendsOrder() {
        Context ctx = Context.of(FROM, TO, 60_000);
        assertThat(GrafanaMacros.expand("GROUP BY time($__interval) -- $__interval_ms $interval", ctx))
                .isEqualTo("GROUP BY time(1m) -- 60000 1m");
        // $__interval_ms must not become "1m_ms": it is replaced before $__interval
        assertThat(GrafanaMacros.expand("$__interval_ms", Context.of(FROM, TO, 5000))).isEqualTo("5000");
    }

    @Test
    void oneValueIsRegexEscapedSeveralAreAnAlternation() {
        Map<String, Variable> one = Map.of("interface", Variable.of("interface", "GigabitEthernet1/0/1"));
        assertThat(GrafanaMacros.expandVariables("\"interface\" =~ /^$interface$/", one))
                .isEqualTo("\"interface\" =~ /^GigabitEthernet1\\/0\\/1$/");

        Map<String, Variable> two = Map.of("device", Variable.of("device", "sw.1", "sw(2)"));
        assertThat(GrafanaMacros.expandVariables("\"device\" =~ /^${device}$/", two))
                .isEqualTo("\"device\" =~ /^(sw\\.1|sw\\(2\\))$/");
    }

    @Test
    void allSelectedIsEveryOptionOrTheCustomAllValue() {
        Variable every = Variable.all("device", List.of("a", "b", "c"), null);
        assertThat(GrafanaMacros.expandVariables("/^$device$/", Map.of("device", every))).isEqualTo("/^(a|b|c)$/");
        Variable custom = Variable.all("interface", List.of("x"), ".*");
        assertThat(GrafanaMacros.expandVariables("/^$interface$/", Map.of("interface", custom))).isEqualTo("/^.*$/");
    }

    @Test
    void unknownNamesAreLeftForTheBackendAndKnownOnesReplacedEverywhere() {
        Context ctx = Context.of(FROM, TO, 10_000, Variable.of("instance", "it"));
        String q = GrafanaMacros.expand("WHERE \"instance\" =~ /^$instance$/ AND $timeFilter GROUP BY time($__interval)"
                + " -- $instance $unknown", ctx);
        assertThat(q).isEqualTo("WHERE \"instance\" =~ /^it$/ AND time >= 1718000000000ms and time <= 1718003600000ms"
                + " GROUP BY time(10s) -- it $unknown");
    }

    @Test
    void everyRegexMetacharacterIsEscapedAndNothingElse() {
        assertThat(GrafanaMacros.escapeRegex("\\^$*+?.()|[]{}/")).isEqualTo("\\\\\\^\\$\\*\\+\\?\\.\\(\\)\\|\\[\\]\\{\\}\\/");
        assertThat(GrafanaMacros.escapeRegex("Ten-GigabitEthernet1:0 #a_b")).isEqualTo("Ten-GigabitEthernet1:0 #a_b");
    }

    @Test
    void unsupportedSyntaxIsRefusedForKnownVariablesOnly() {
        Map<String, Variable> vars = Map.of("device", Variable.of("device", "a"));
        assertThatThrownBy(() -> GrafanaMacros.expandVariables("[[device]]", vars))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("[[device]]");
        assertThatThrownBy(() -> GrafanaMacros.expandVariables("${device:csv}", vars))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(GrafanaMacros.expandVariables("${other:csv}", vars)).isEqualTo("${other:csv}");
        assertThatThrownBy(() -> GrafanaMacros.expandVariables("$device", Map.of("device", Variable.of("device"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void intervalIsTheRoundedRangePerPointRaisedToTheMinimum() {
        // 1 h on a 1000-point panel: 3.6 s rounds to 5 s
        assertThat(GrafanaMacros.intervalMs(FROM, TO, 1000, 1)).isEqualTo(5000);
        // the data source's 5 s minimum wins over a 1 s rounding (20 min on 1000 points)
        assertThat(GrafanaMacros.intervalMs(FROM, FROM + 1_200_000, 1000, 5000)).isEqualTo(5000);
        assertThat(GrafanaMacros.intervalMs(FROM, FROM + 1_200_000, 1000, 1)).isEqualTo(1000);
        // 24 h on 1000 points: 86.4 s rounds to 1 m; 7 days: 604.8 s rounds to 10 m
        assertThat(GrafanaMacros.intervalMs(FROM, FROM + 86_400_000, 1000, 5000)).isEqualTo(60_000);
        assertThat(GrafanaMacros.intervalMs(FROM, FROM + 7 * 86_400_000L, 1000, 5000)).isEqualTo(600_000);
        assertThat(GrafanaMacros.roundInterval(12_499)).isEqualTo(10_000);
        assertThat(GrafanaMacros.roundInterval(12_500)).isEqualTo(15_000);
        assertThat(GrafanaMacros.roundInterval(5)).isEqualTo(1);
    }

    @Test
    void intervalTextIsTheLargestWholeUnitTruncated() {
        assertThat(GrafanaMacros.formatInterval(500)).isEqualTo("500ms");
        assertThat(GrafanaMacros.formatInterval(5000)).isEqualTo("5s");
        assertThat(GrafanaMacros.formatInterval(90_000)).isEqualTo("1m");
        assertThat(GrafanaMacros.formatInterval(7_200_000)).isEqualTo("2h");
        assertThat(GrafanaMacros.formatInterval(86_400_000)).isEqualTo("1d");
        assertThat(GrafanaMacros.formatInterval(0)).isEqualTo("1ms");
    }

    @Test
    void parsesPanelAndDataSourceIntervals() {
        assertThat(GrafanaMacros.parseInterval("5s")).isEqualTo(5000);
        assertThat(GrafanaMacros.parseInterval("10s")).isEqualTo(10_000);
        assertThat(GrafanaMacros.parseInterval("1m")).isEqualTo(60_000);
        assertThat(GrafanaMacros.parseInterval("250ms")).isEqualTo(250);
        assertThatThrownBy(() -> GrafanaMacros.parseInterval("5 seconds")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRangeThatEndsBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> Context.of(TO, FROM, 1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
