package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.RecordingHttpServer;
import io.teleflux.testsupport.RecordingHttpServer.Reply;
import io.teleflux.testsupport.RecordingHttpServer.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A full queue blocks accept() (back-pressure to the inputs) instead of dropping anything. */
class BackPressureIT {

    @Test
    void acceptBlocksWhileTheServerStallsAndResumesAfterwards() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> {
            stall.await(); // every request hangs until the test releases the server
            return Reply.of(204);
        })) {
            Metrics metrics = new Metrics();
            InfluxConfig cfg = TestConfigs.v1(server.url(), "db", "create-database = false\ngzip = false\n"
                    + "batch-size = 2\nqueue-max-points = 4\nwriters = 1\nflush-interval = 20ms\ntimeout = 120s");
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                points.add(Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i).time(1000 + i).build());
            }
            MovableClock clock1 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock1)) {
                w.start();
                Thread[] producer = new Thread[1];
                CompletableFuture<Void> accepted = new CompletableFuture<>();
                producer[0] = Thread.ofPlatform().name("producer").start(() -> {
                    try {
                        w.accept(points);
                        accepted.complete(null);
                    } catch (Throwable e) {
                        accepted.completeExceptionally(e);
                    }
                });

                server.awaitRequests(1, Duration.ofSeconds(30)); // the first batch is stuck in the server
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (producer[0].getState() != Thread.State.WAITING && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertThat(producer[0].getState()).as("the producer is parked in accept()").isEqualTo(Thread.State.WAITING);
                assertThat(accepted).as("accept() has not returned while the server stalls").isNotDone();
                assertThat(metrics.value(WriterMetrics.QUEUE)).isEqualTo(4);
                assertThat(server.requests()).hasSize(1);

                stall.countDown();
                accepted.get(60, TimeUnit.SECONDS); // returns once the server answers again
                Drain.flush(metrics, clock1, cfg);
            }
            int lines = 0;
            for (Request r : server.requests()) {
                lines += r.text().split("\n").length;
            }
            assertThat(lines).isEqualTo(20);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(20);
            assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
        }
    }
}
