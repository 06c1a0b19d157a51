package io.teleflux.selfmon;

import io.teleflux.point.Point;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The /health rules, on a clock the test moves by hand. */
class LivenessTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Liveness liveness = new Liveness(clock::get);

    private static List<Point> points(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> Point.builder("m").tag("i", "" + i).field("f", 1L).time(1).build()).toList();
    }

    @Test
    void healthyWithoutChecksAndReportsEveryFailingCheckByName() {
        assertThat(liveness.problems()).isEmpty();
        liveness.register("b", now -> "second");
        liveness.register("a", now -> "first at " + now);
        liveness.register("ok", now -> null);
        liveness.register("broken", now -> {
            throw new IllegalStateException("bug");
        });
        assertThat(liveness.problems()).containsExactly("a: first at 1000000", "b: second",
                "broken: check failed: java.lang.IllegalStateException: bug");
    }

    @Test
    void heartbeatCountsSilenceOnTheGivenClock() {
        Liveness.Heartbeat hb = new Liveness.Heartbeat(clock::get);
        clock.addAndGet(5_000);
        assertThat(hb.silentMs(clock.get())).isEqualTo(5_000);
        hb.beat();
        assertThat(hb.silentMs(clock.get())).isZero();
    }

    @Test
    void pointsThatAreNotHandedOnForLongerThanTheStallTimeoutAreAStall() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HandOffWatch watch = new HandOffWatch(p -> {
            entered.countDown();
            release.await(); // a wedged stage
        }, liveness);
        AtomicBoolean backPressure = new AtomicBoolean(false);
        liveness.register("pipeline", watch.check(60_000, backPressure::get));

        clock.addAndGet(3_600_000); // an idle hour is not a stall
        assertThat(liveness.problems()).isEmpty();

        Thread sender = Thread.ofPlatform().start(() -> {
            try {
                watch.accept(points(7));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        clock.addAndGet(60_000);
        assertThat(liveness.problems()).as("at the timeout, not yet").isEmpty();
        clock.addAndGet(1_000);
        assertThat(liveness.problems()).containsExactly(
                "pipeline: 7 points received have not been handed to the writer for 61 s");

        // the writer holding its callers back (InfluxDB down, spool full or off) is waiting, not stuck
        backPressure.set(true);
        assertThat(liveness.problems()).isEmpty();
        backPressure.set(false);

        release.countDown();
        sender.join(10_000);
        assertThat(watch.inFlight()).isZero();
        assertThat(liveness.problems()).isEmpty();
        clock.addAndGet(600_000);
        assertThat(liveness.problems()).isEmpty();
    }

    @Test
    void handOffsThatKeepCompletingAreNoStallEvenWithPointsAlwaysInFlight() throws Exception {
        HandOffWatch watch = new HandOffWatch(p -> clock.addAndGet(30_000), liveness); // each hand-off takes 30 s
        liveness.register("pipeline", watch.check(60_000, () -> false));
        for (int i = 0; i < 5; i++) {
            watch.accept(points(1));
            assertThat(liveness.problems()).isEmpty();
        }
    }
}
