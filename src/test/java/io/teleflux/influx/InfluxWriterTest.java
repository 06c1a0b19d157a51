package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer's batching and lifecycle, with a scripted API in place of InfluxDB. */
class InfluxWriterTest {
    private final Metrics metrics = new Metrics();

    private static InfluxConfig cfg(String extra) {
        return TestConfigs.v1(URI.create("http://127.0.0.1:9"), "db", "writers = 1\ncreate-database = false\n" + extra);
    }

    private static List<Point> points(int n) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i).time(1000 + i).build());
        }
        return out;
    }

    private static int lines(String body) {
        return body.split("\n").length;
    }

    @Test
    void cutsBatchesAtBatchSizeAndFlushSendsTheRest() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc1 = cfg("batch-size = 4\nflush-interval = 1h");
        MovableClock clock1 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc1, metrics, api, clock1)) {
            w.start();
            w.accept(points(10));
            Drain.flush(metrics, clock1, wc1);
            assertThat(api.requests).extracting(InfluxWriterTest::lines).containsExactly(4, 4, 2);
            assertThat(String.join("", api.requests)).startsWith("m,i=0 f=0i 1000\nm,i=1 f=1i 1001\n");
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(10);
            assertThat(metrics.value(WriterMetrics.QUEUE)).isZero();
        }
        assertThat(api.closed).isTrue();
    }

    @Test
    void cutsABatchWhenItIsFlushIntervalOld() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc2 = cfg("batch-size = 1000\nflush-interval = 50ms");
        MovableClock clock2 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc2, metrics, api, clock2)) {
            w.start();
            w.accept(points(3));
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (api.requests.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(api.requests).as("sent without flush() or a full batch").hasSize(1);
            assertThat(lines(api.requests.get(0))).isEqualTo(3);
        }
    }

    @Test
    void pointsWithoutFieldsAreCountedAndTheRestWritten() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc3 = cfg("batch-size = 10");
        MovableClock clock3 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc3, metrics, api, clock3)) {
            w.start();
            List<Point> in = new ArrayList<>(points(3));
            in.add(1, Point.builder("empty").tag("a", "b").time(1).build());
            w.accept(in);
            Drain.flush(metrics, clock3, wc3);
            assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "no_fields")).isEqualTo(1);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
            assertThat(String.join("", api.requests)).doesNotContain("empty");
        }
    }

    @Test
    void aPointWithoutFieldsAtACutDoesNotShiftTheBatchBoundaries() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc4 = cfg("batch-size = 3\nflush-interval = 1h");
        MovableClock clock4 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc4, metrics, api, clock4)) {
            w.start();
            List<Point> in = new ArrayList<>(points(6));
            in.add(2, Point.builder("empty").time(1).build());
            in.add(5, Point.builder("empty").time(2).build());
            w.accept(in.subList(0, 4)); // one accept ends mid-batch, the next one completes it
            w.accept(in.subList(4, in.size()));
            Drain.flush(metrics, clock4, wc4);
            assertThat(api.requests).containsExactly("m,i=0 f=0i 1000\nm,i=1 f=1i 1001\nm,i=2 f=2i 1002\n",
                    "m,i=3 f=3i 1003\nm,i=4 f=4i 1004\nm,i=5 f=5i 1005\n");
            assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "no_fields")).isEqualTo(2);
            assertThat(metrics.value(WriterMetrics.QUEUE)).isZero();
        }
    }

    @Test
    void concurrentCallersGetEveryLineWrittenOnceInFullBatchesWithEachCallContiguous() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        int threads = 4;
        int calls = 200;
        int perCall = 7;
        InfluxConfig wc5 = cfg("batch-size = 10\nflush-interval = 1h\nqueue-max-points = 50");
        MovableClock clock5 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc5, metrics, api, clock5)) {
            w.start();
            List<Thread> ts = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int c = 0; c < calls; c++) {
                            List<Point> in = new ArrayList<>();
                            for (int k = 0; k < perCall; k++) {
                                in.add(Point.builder("m").tag("call", thread + "-" + c).field("k", (long) k).time(k).build());
                            }
                            w.accept(in);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            Drain.flush(metrics, clock5, wc5);
        }
        List<String> sent = new ArrayList<>(api.requests);
        for (int i = 0; i < sent.size() - 1; i++) {
            assertThat(lines(sent.get(i))).as("batch %d", i).isEqualTo(10);
        }
        String[] all = String.join("", sent).split("\n");
        assertThat(all).hasSize(threads * calls * perCall).doesNotHaveDuplicates();
        for (int i = 0; i < all.length; i += perCall) { // each call's lines in order, none of another call between
            String call = all[i].substring(0, all[i].indexOf(' '));
            for (int k = 0; k < perCall; k++) {
                assertThat(all[i + k]).isEqualTo(call + " k=" + k + "i " + k);
            }
        }
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(threads * calls * perCall);
    }

    @Test
    void closeGivesUpAfterTheDeadlineAndCountsWhatIsLeft() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(503, null, "{\"error\":\"down\"}"));
        InfluxConfig wc6 = cfg("batch-size = 4\nqueue-max-points = 100");
        MovableClock clock6 = new MovableClock();
        InfluxWriter w = new InfluxWriter(wc6, metrics, api, clock6);
        w.start();
        w.accept(points(10));
        w.close(Duration.ofMillis(300), Duration.ofSeconds(7));
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "shutdown")).isEqualTo(10);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isZero();
        assertThat(metrics.value(WriterMetrics.QUEUE)).isZero();
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "503")).isPositive();

        w.accept(points(2)); // after close: not blocked, counted
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "shutdown")).isEqualTo(12);
    }

    @Test
    void closeWithoutStartCountsEverythingAsShutdown() throws Exception {
        ScriptedApi api = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc7 = cfg("batch-size = 4");
        MovableClock clock7 = new MovableClock();
        InfluxWriter w = new InfluxWriter(wc7, metrics, api, clock7);
        w.accept(points(5));
        clock7.advance(Duration.ofHours(2).toMillis()); // however old the batch, nothing sends before start()
        Thread.sleep(300);
        assertThat(api.requests).isEmpty();
        w.close();
        assertThat(api.requests).isEmpty();
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "shutdown")).isEqualTo(5);
    }

    @Test
    void metricFamiliesAreDescribed() throws Exception {
        new InfluxWriter(cfg(""), metrics, new ScriptedApi(b -> WriteResult.http(204, null, "")), Clock.systemUTC());
        String text = metrics.prometheusText();
        assertThat(text).contains("# TYPE teleflux_points_written_total counter",
                "# TYPE teleflux_queue_points gauge", "# TYPE teleflux_write_last_success_ms gauge",
                "# HELP teleflux_points_dropped_total ", "teleflux_points_dropped_total{reason=\"shutdown\"} 0");
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path spoolDir;

    private InfluxConfig spooled(String extra) {
        return cfg("spool { enabled = true, dir = " + TestConfigs.q(spoolDir.toString()) + " }\n"
                + "retry { initial-backoff = 20ms, max-backoff = 50ms }\n" + extra);
    }

    private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }

    @Test
    void whileInfluxdbIsDownTheSpoolTakesTheBatchesAndAcceptNeverBlocks() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
        ScriptedApi api = new ScriptedApi(b -> up.get() ? WriteResult.http(204, null, "")
                : WriteResult.network(new java.net.ConnectException("Connection refused")));
        InfluxConfig wc8 = spooled("batch-size = 4\nqueue-max-points = 8\nflush-interval = 20ms");
        MovableClock clock8 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(wc8, metrics, api, clock8)) {
            w.start();
            w.accept(points(100)); // 12 times queue-max-points: only possible because the spool frees memory
            await(() -> metrics.value(WriterMetrics.SPOOL_POINTS) == 100);
            assertThat(metrics.value(WriterMetrics.QUEUE)).isZero();
            up.set(true);
            Drain.flush(metrics, clock8, wc8);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(100);
            assertThat(metrics.value(WriterMetrics.SPOOL_POINTS)).isZero();
            assertThat(metrics.value(WriterMetrics.SPOOL_BYTES)).isZero();
        }
        java.util.Set<String> lines = new java.util.TreeSet<>();
        for (String r : api.requests) {
            if (up.get() && !r.isEmpty()) {
                lines.addAll(List.of(r.split("\n")));
            }
        }
        assertThat(lines).hasSize(100);
        assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
    }

    @Test
    void aStopWhileInfluxdbIsDownKeepsEverythingForTheNextStart() throws Exception {
        ScriptedApi down = new ScriptedApi(b -> WriteResult.http(503, null, "{\"error\":\"down\"}"));
        InfluxConfig wc9 = spooled("batch-size = 4\nflush-interval = 1h");
        MovableClock clock9 = new MovableClock();
        InfluxWriter w = new InfluxWriter(wc9, metrics, down, clock9);
        w.start();
        w.accept(points(10)); // two batches cut, two points in the buffer
        w.close(Duration.ofMillis(200), Duration.ofSeconds(7));
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "shutdown")).isZero();
        assertThat(metrics.value(WriterMetrics.SPOOL_POINTS)).isEqualTo(10);

        Metrics again = new Metrics();
        ScriptedApi up = new ScriptedApi(b -> WriteResult.http(204, null, ""));
        InfluxConfig wc10 = spooled("batch-size = 4\nflush-interval = 1h");
        MovableClock clock10 = new MovableClock();
        try (InfluxWriter w2 = new InfluxWriter(wc10, again, up, clock10)) {
            w2.start();
            w2.accept(points(1));
            Drain.flush(again, clock10, wc10);
            await(() -> again.value(WriterMetrics.SPOOL_POINTS) == 0);
            assertThat(again.value(WriterMetrics.WRITTEN)).isEqualTo(11);
        }
        assertThat(String.join("", up.requests).split("\n")).hasSize(11);
    }
}
