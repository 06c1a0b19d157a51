package io.teleflux.influx;

import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What the writer tells /health: dead and stuck threads are problems; retrying an outage is not. */
class InfluxWriterHealthTest {
    private static final long STALL_MS = 60_000;
    private final Metrics metrics = new Metrics();
    private final MutableClock clock = new MutableClock();

    /** A clock the test moves by hand (heartbeats are read on it). */
    static final class MutableClock extends Clock {
        final AtomicLong ms = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms.get());
        }

        @Override
        public long millis() {
            return ms.get();
        }
    }

    private static InfluxWriter writer(Metrics metrics, InfluxApi api, Clock clock, String extra) throws IOException {
        return new InfluxWriter(TestConfigs.v1(URI.create("http://127.0.0.1:9"), "db",
                "writers = 1\ncreate-database = false\nbatch-size = 5\nflush-interval = 50ms\ntimeout = 10s\n" + extra),
                metrics, api, clock);
    }

    private static List<Point> points(int n) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i).time(1000 + i).build());
        }
        return out;
    }

    private static boolean await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    @Test
    void aSenderThreadKilledByAnErrorIsReported() throws Exception {
        // an Error that escapes Delivery (it only catches runtime exceptions) ends the sender thread
        ScriptedApi api = new ScriptedApi(b -> {
            throw new AssertionError("test: the sender thread dies here");
        });
        // closing waits up to timeout + flush-interval for the queued points, which no sender is left to write:
        // a 1 s timeout instead of 10 s (what is checked, a dead thread, does not depend on it)
        try (InfluxWriter w = writer(metrics, api, clock, "timeout = 1s\n")) {
            w.start();
            assertThat(w.problem(clock.millis(), STALL_MS)).isNull();
            w.accept(points(5));
            assertThat(await(() -> w.problem(clock.millis(), STALL_MS) != null)).isTrue();
            assertThat(w.problem(clock.millis(), STALL_MS)).isEqualTo("thread teleflux-influx-writer-0 died");
        }
    }

    @Test
    void aSenderStuckInOneRequestLongerThanTheTimeoutPlusTheStallTimeoutIsReported() throws Exception {
        CountDownLatch inRequest = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedApi api = new ScriptedApi(b -> {
            inRequest.countDown();
            while (true) { // a request that never returns and ignores interrupts
                try {
                    release.await();
                    return WriteResult.http(204, null, "");
                } catch (InterruptedException e) {
                    // ignored, as a wedged client library would
                }
            }
        });
        try (InfluxWriter w = writer(metrics, api, clock, "")) {
            w.start();
            w.accept(points(5));
            assertThat(inRequest.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            clock.ms.addAndGet(10_000 + STALL_MS); // one request's timeout plus the stall timeout: still allowed
            Thread.sleep(300); // the flush thread, which is well, beats again on the moved clock
            assertThat(w.problem(clock.millis(), STALL_MS)).isNull();
            clock.ms.addAndGet(2_000);
            Thread.sleep(300);
            assertThat(w.problem(clock.millis(), STALL_MS))
                    .isEqualTo("thread teleflux-influx-writer-0 stuck: no progress for 72 s");
            release.countDown();
            assertThat(await(() -> w.problem(clock.millis(), STALL_MS) == null)).as("well again once it moves").isTrue();
        }
    }

    @Test
    void retryingThroughAnInfluxOutageIsNotAProblemAndHoldsTheInputsBack() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.network(new java.net.ConnectException("refused")));
        // no spool, 10 points of memory: the outage fills memory and accept() blocks
        try (InfluxWriter w = writer(metrics, api, clock, "queue-max-points = 10\ntimeout = 1s\nretry { max-backoff = 2s }")) {
            w.start();
            Thread input = Thread.ofPlatform().daemon().start(() -> {
                try {
                    w.accept(points(25));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(await(w::holdingBack)).as("an input blocked by back-pressure").isTrue();
            clock.ms.addAndGet(3_600_000); // an hour of outage on the health clock...
            Thread.sleep(2_500); // ...while the sender goes on retrying (and so beating) in real time
            assertThat(w.problem(clock.millis(), STALL_MS)).isNull();
            assertThat(api.requests.size()).isGreaterThan(1);
            input.interrupt();
        }
    }
}
