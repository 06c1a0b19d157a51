package io.teleflux.rate;

import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateStageTest {
    private final List<Point> seen = new ArrayList<>();
    private final Metrics metrics = new Metrics();
    private final RateStage stage = new RateStage(seen::addAll, src -> src.equals("snmp") ? 600_000 : 180_000,
            1_800_000, 1_000_000, metrics);

    private Point sample(String source, long t, long inOct, long outOct, long inPkts, long outPkts) {
        return Point.builder("interface").tag("device", "sw1").tag("interface", "GE1/0/1").tag("source", source)
                .field("in_octets", inOct).field("out_octets", outOct).field("in_pkts", inPkts).field("out_pkts", outPkts)
                .time(t).build();
    }

    private Point last() {
        return seen.get(seen.size() - 1);
    }

    @Test
    void firstSampleHasNoRateSecondHasExactRates() throws Exception {
        stage.accept(List.of(sample("telemetry", 1_000_000, 1_000, 5_000, 10, 50)));
        assertThat(last().field("in_bps")).isNull();
        stage.accept(List.of(sample("telemetry", 1_005_000, 1_000 + 625_000, 5_000 + 1_250_000, 10 + 500, 50 + 1_000)));
        assertThat((double) last().field("in_bps")).isEqualTo(625_000 * 8 / 5.0);
        assertThat((double) last().field("out_bps")).isEqualTo(1_250_000 * 8 / 5.0);
        assertThat((double) last().field("in_pps")).isEqualTo(100.0);
        assertThat((double) last().field("out_pps")).isEqualTo(200.0);
        assertThat(last().field("in_octets")).isEqualTo(626_000L);
    }

    @Test
    void aPointGetsOnlyItsOwnRatesWhateverCameBeforeItInTheBatch() throws Exception {
        Point inOnly0 = Point.builder("interface").tag("device", "sw1").tag("interface", "GE1/0/2").tag("source", "telemetry")
                .field("in_octets", 0L).time(0).build();
        Point inOnly1 = Point.builder("interface").tag("device", "sw1").tag("interface", "GE1/0/2").tag("source", "telemetry")
                .field("in_octets", 1_000L).time(1_000).build();
        stage.accept(List.of(sample("telemetry", 0, 0, 0, 0, 0), inOnly0));
        // the full point before it has every rate; the next has only in_octets, and only in_bps
        stage.accept(List.of(sample("telemetry", 1_000, 1_000, 2_000, 10, 20), inOnly1));
        Point full = seen.get(seen.size() - 2);
        assertThat((double) full.field("out_bps")).isEqualTo(16_000.0);
        assertThat((double) full.field("out_pps")).isEqualTo(20.0);
        assertThat((double) last().field("in_bps")).isEqualTo(8_000.0);
        assertThat(last().field("out_bps")).isNull();
        assertThat(last().field("in_pps")).isNull();
        assertThat(last().field("out_pps")).isNull();
    }

    @Test
    void decreaseIsResetWithoutRateThenRebaselines() throws Exception {
        stage.accept(List.of(sample("telemetry", 0, 9_000_000, 9_000_000, 900, 900)));
        stage.accept(List.of(sample("telemetry", 5_000, 100, 100, 1, 1)));
        assertThat(last().field("in_bps")).isNull();
        assertThat(last().field("out_pps")).isNull();
        stage.accept(List.of(sample("telemetry", 10_000, 100 + 5_000, 100, 1, 1)));
        assertThat((double) last().field("in_bps")).isEqualTo(8_000.0);
        assertThat(metrics.value("teleflux_rate_skipped_total", "reason", "reset")).isEqualTo(4);
    }

    @Test
    void gapLongerThanMaxGapGivesNoRate() throws Exception {
        stage.accept(List.of(sample("telemetry", 0, 0, 0, 0, 0)));
        stage.accept(List.of(sample("telemetry", 180_001, 1000, 1000, 1, 1)));
        assertThat(last().field("in_bps")).isNull();
        stage.accept(List.of(sample("telemetry", 360_001, 2000, 2000, 2, 2)));
        // 44.444444...: rounded to Decimals.RATE_DIGITS significant digits
        assertThat((double) last().field("in_bps")).isEqualTo(44.44444);
    }

    @Test
    void maxGapIsPerSource() throws Exception {
        stage.accept(List.of(sample("snmp", 0, 0, 0, 0, 0)));
        stage.accept(List.of(sample("snmp", 300_000, 3_000_000, 0, 0, 0)));
        assertThat((double) last().field("in_bps")).isEqualTo(80_000.0);
    }

    @Test
    void seriesAreSeparatedBySource() throws Exception {
        stage.accept(List.of(sample("telemetry", 0, 0, 0, 0, 0)));
        stage.accept(List.of(sample("snmp", 1_000, 1_000_000, 0, 0, 0)));
        assertThat(last().field("in_bps")).isNull();
    }

    @Test
    void repeatedOrOlderTimestampGivesNoRateAndKeepsNewerBaseline() throws Exception {
        stage.accept(List.of(sample("telemetry", 10_000, 1_000, 0, 0, 0)));
        stage.accept(List.of(sample("telemetry", 10_000, 2_000, 0, 0, 0)));
        assertThat(last().field("in_bps")).isNull();
        stage.accept(List.of(sample("telemetry", 5_000, 500, 0, 0, 0)));
        assertThat(last().field("in_bps")).isNull();
        stage.accept(List.of(sample("telemetry", 11_000, 2_000, 0, 0, 0)));
        assertThat((double) last().field("in_bps")).isEqualTo(8_000.0);
    }

    @Test
    void resetHintRebaselinesEvenWhenCountersGrew() throws Exception {
        stage.accept(List.of(sample("snmp", 0, 0, 0, 0, 0)));
        Point restarted = sample("snmp", 60_000, 5_000, 0, 0, 0).toBuilder().addHint(Point.HINT_RESET).build();
        stage.accept(List.of(restarted));
        assertThat(last().field("in_bps")).isNull();
    }

    @Test
    void utilisationFromSpeedOnEarlierStatePoint() throws Exception {
        Point state = Point.builder("interface").tag("device", "sw1").tag("interface", "GE1/0/1").tag("source", "telemetry")
                .field("speed_bps", 1_000_000_000L).field("oper_status", 1L).time(0).build();
        stage.accept(List.of(state));
        assertThat(last()).isEqualTo(state);
        stage.accept(List.of(sample("telemetry", 0, 0, 0, 0, 0)));
        stage.accept(List.of(sample("telemetry", 10_000, 625_000_000, 62_500_000, 0, 0)));
        assertThat((double) last().field("in_util_pct")).isCloseTo(50.0, within(1e-9));
        assertThat((double) last().field("out_util_pct")).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void counter32WrapIsHandledOnlyWhenFlaggedAndPlausible() throws Exception {
        long max32 = 4_294_967_295L;
        Point a = sample("snmp", 0, max32 - 1_000_000, 0, 0, 0).toBuilder()
                .field("speed_bps", 1_000_000_000L).addHint(Point.HINT_COUNTER32).build();
        Point b = sample("snmp", 60_000, 4_000_000, 0, 0, 0).toBuilder()
                .field("speed_bps", 1_000_000_000L).addHint(Point.HINT_COUNTER32).build();
        stage.accept(List.of(a, b));
        double expected = (1_000_000 + 1 + 4_000_000) * 8 / 60.0;
        assertThat((double) last().field("in_bps")).isCloseTo(expected, within(1e-6));
        assertThat(metrics.value("teleflux_rate_counter32_wraps_total")).isEqualTo(1);
    }

    @Test
    void counter32DecreaseImplyingImpossibleRateIsAReset() throws Exception {
        long max32 = 4_294_967_295L;
        // 10 Mb/s port: a wrap would mean ~4 GB in 60 s, far above what the port can carry
        Point a = sample("snmp", 0, max32 - 10, 0, 0, 0).toBuilder()
                .field("speed_bps", 10_000_000L).addHint(Point.HINT_COUNTER32).build();
        Point b = sample("snmp", 60_000, max32 - 100_000_000, 0, 0, 0).toBuilder()
                .field("speed_bps", 10_000_000L).addHint(Point.HINT_COUNTER32).build();
        stage.accept(List.of(a, b));
        assertThat(last().field("in_bps")).isNull();
    }

    @Test
    void sixtyFourBitDecreaseIsNeverAWrap() throws Exception {
        stage.accept(List.of(sample("telemetry", 0, Long.MAX_VALUE - 10, 0, 0, 0)));
        stage.accept(List.of(sample("telemetry", 5_000, 10, 0, 0, 0)));
        assertThat(last().field("in_bps")).isNull();
    }

    @Test
    void otherMeasurementsPassUntouched() throws Exception {
        Point cpu = Point.builder("device").tag("device", "sw1").field("cpu_pct", 12.0).time(1).build();
        List<Point> in = List.of(cpu);
        stage.accept(in);
        assertThat(seen).containsExactly(cpu);
    }

    @Test
    void idleSeriesExpireAndMaxSeriesIsEnforced() throws Exception {
        RateStage small = new RateStage(p -> { }, s -> 180_000, 1_800_000, 3, metrics);
        for (int i = 0; i < 10; i++) {
            Point p = Point.builder("interface").tag("device", "d").tag("interface", "if" + i).tag("source", "snmp")
                    .field("in_octets", 1L).time(1).build();
            small.accept(List.of(p));
        }
        assertThat(small.seriesCount()).isLessThanOrEqualTo(3);
        assertThat(metrics.value("teleflux_rate_series_evicted_total")).isGreaterThan(0);
    }

    @Test
    void aSweepOnAnotherThreadNeverDropsASeriesBeingCreated() throws Exception {
        // every accept sweeps (the clock moves a minute per read) while new series arrive on two threads;
        // no series is ever idle for idle-expiry (2e18 ms), except one that counted as seen at the epoch
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(4_000_000_000_000_000_000L);
        java.util.concurrent.ConcurrentLinkedQueue<Point> out = new java.util.concurrent.ConcurrentLinkedQueue<>();
        RateStage racy = new RateStage(out::addAll, s -> 180_000, 2_000_000_000_000_000_000L, 1_000_000, new Metrics(),
                () -> now.addAndGet(61_000));
        int perThread = 3_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String device = "d" + t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        for (long time : new long[]{0, 5_000}) {
                            racy.accept(List.of(Point.builder("interface").tag("device", device).tag("interface", "if" + i)
                                    .tag("source", "telemetry").field("in_octets", time).time(time).build()));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long rated = out.stream().filter(p -> p.timeMs() == 5_000 && p.field("in_bps") != null).count();
        assertThat(rated).as("every series' second sample has its rate").isEqualTo(2L * perThread);
    }
}
