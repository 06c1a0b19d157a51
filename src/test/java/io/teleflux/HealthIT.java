package io.teleflux;

import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.point.PointSink;
import io.teleflux.testsupport.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /health end to end on a real collector (dial-out, rate stage, writer to an HTTP server that
 * answers like InfluxDB): 200 while points flow; 503 naming the stall once the pipeline is wedged
 * (as a deadlocked stage would be) for longer than teleflux.health.stall-timeout, and
 * {@code teleflux health} exits 1; 200 again once points move.
 */
class HealthIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void healthGoes503WhileThePipelineIsWedgedAndBackTo200() throws Exception {
        AtomicBoolean wedged = new AtomicBoolean(false);
        CountDownLatch release = new CountDownLatch(1);
        try (RecordingHttpServer influx = RecordingHttpServer.start(r -> RecordingHttpServer.Reply.of(204))) {
            TelefluxConfig cfg = Components.fromConfig(ConfigFactory.parseString("""
                    teleflux {
                      instance = health-it
                      dialout.listen = "127.0.0.1:0"
                      http.listen = "127.0.0.1:0"
                      selfmon.interval = 1s
                      health.stall-timeout = 2s
                      influx { api = v1, url = "%s", database = telemetry, flush-interval = 100ms, spool.dir = "%s" }
                    }
                    """.formatted(influx.url(), TestCollector.spoolDir())), Map.of());
            Collector c = new Collector(cfg).wrapPipelineForTest(next -> (PointSink) points -> {
                if (wedged.get()) {
                    release.await(); // a stage that never hands its points on
                }
                next.accept(points);
            }).start();
            ManagedChannel ch = DialoutClients.plaintext(c.dialoutPort(), null);
            try {
                String url = "http://127.0.0.1:" + c.httpPort() + "/health";
                DialoutClients.stream(ch, DialoutClients.msg("sw1", "GE1/0/1", 1_000, 10));
                assertThat(TestCollector.await(30, () -> influx.requests().stream().anyMatch(r -> r.text().contains("sw1"))))
                        .isTrue();
                assertThat(CliIT.status(HTTP, url)).isEqualTo(200);
                assertThat(CliIT.body(HTTP, url)).startsWith("{\"status\":\"ok\",\"instance\":\"health-it\"")
                        .contains("\"problems\":[]");

                wedged.set(true);
                DialoutClients.Stream s = new DialoutClients.Stream(ch).send(DialoutClients.msg("sw1", "GE1/0/1", 2_000, 20));
                assertThat(TestCollector.await(30, () -> CliIT.status(HTTP, url) == 503))
                        .as("503 after the stall timeout; body %s", CliIT.body(HTTP, url)).isTrue();
                String body = CliIT.body(HTTP, url);
                assertThat(body).startsWith("{\"status\":\"unhealthy\",\"instance\":\"health-it\"")
                        .contains("\"uptime_s\":", "\"queue_points\":", "\"spool_points\":", "\"last_write_ms\":")
                        .containsPattern("\"pipeline: \\d+ points received have not been handed to the writer for \\d+ s\"");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                HealthCommand hc = new HealthCommand(new PrintStream(out), new PrintStream(err));
                hc.url = java.net.URI.create(url);
                hc.timeout = java.time.Duration.ofSeconds(5);
                assertThat(hc.call()).isEqualTo(1);
                assertThat(err.toString()).contains("answered HTTP 503").contains("not been handed to the writer");
                System.out.println("[health] wedged: " + body);

                wedged.set(false);
                release.countDown();
                s.finish();
                assertThat(TestCollector.await(30, () -> CliIT.status(HTTP, url) == 200))
                        .as("200 again; body %s", CliIT.body(HTTP, url)).isTrue();
            } finally {
                release.countDown();
                DialoutClients.close(ch);
                c.close();
            }
        }
    }
}
