package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.RecordingHttpServer;
import io.teleflux.testsupport.RecordingHttpServer.Reply;
import io.teleflux.testsupport.RecordingHttpServer.Request;
import io.teleflux.testsupport.VictoriaMetricsFixture;
import io.teleflux.testsupport.VictoriaMetricsFixture.Series;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The v2 writer (influxdb-client-java): the real wire path into VictoriaMetrics, and the exact request. */
class V2WriterIT {
    private static final String TOKEN = "s3cr3t-t0ken-never-logged==";

    @Test
    void writesExactValuesIntoVictoriaMetricsWithGzip() throws Exception {
        long t0 = System.currentTimeMillis() - 60_000; // recent: VictoriaMetrics drops far-off timestamps
        List<Point> points = List.of(
                Point.builder("interface").tag("device", "core sw 1").tag("interface", "Bridge-Aggregation 1,x=y")
                        .tag("source", "telemetry").field("in_octets", 83412345678901L).field("out_octets", 79123456789012L)
                        .field("in_bps", 1562500000.25).time(t0).build(),
                Point.builder("interface").tag("device", "核心交换机").tag("interface", "上联口 1")
                        .tag("source", "telemetry").field("in_octets", 12L).field("out_octets", 0L)
                        .field("in_bps", 0.5).time(t0 + 1).build(),
                Point.builder("interface").tag("device", "core sw 1").tag("interface", "Bridge-Aggregation 1,x=y")
                        .tag("source", "telemetry").field("in_octets", 83412345679901L).field("out_octets", 79123456789013L)
                        .field("in_bps", 1600.125).time(t0 + 5_000).build());
        Metrics metrics = new Metrics();
        try (VictoriaMetricsFixture vm = VictoriaMetricsFixture.launch()) {
            InfluxConfig cfg = TestConfigs.v2(vm.url(), "my-org", "telemetry", TOKEN, "gzip = true\nbatch-size = 2");
            MovableClock clock1 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock1)) {
                w.start();
                w.accept(points);
                Drain.flush(metrics, clock1, cfg);
            }
            List<Series> s = vm.awaitExport("{__name__=~\"interface_.*\"}", 6);
            assertThat(s).hasSize(6);
            Map<String, String> bagg = Map.of("device", "core sw 1", "interface", "Bridge-Aggregation 1,x=y",
                    "source", "telemetry");
            Map<String, String> uplink = Map.of("device", "核心交换机", "interface", "上联口 1", "source", "telemetry");
            assertSeries(s, "interface_in_octets", bagg, List.of(83412345678901.0, 83412345679901.0), List.of(t0, t0 + 5_000));
            assertSeries(s, "interface_out_octets", bagg, List.of(79123456789012.0, 79123456789013.0), List.of(t0, t0 + 5_000));
            assertSeries(s, "interface_in_bps", bagg, List.of(1562500000.25, 1600.125), List.of(t0, t0 + 5_000));
            assertSeries(s, "interface_in_octets", uplink, List.of(12.0), List.of(t0 + 1));
            assertSeries(s, "interface_in_bps", uplink, List.of(0.5), List.of(t0 + 1));
        }
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
        assertThat(metrics.value(WriterMetrics.REQUESTS)).isEqualTo(2);
        assertThat(metrics.sum(WriterMetrics.ERRORS)).isZero();
    }

    private static void assertSeries(List<Series> all, String name, Map<String, String> tags, List<Double> values,
                                     List<Long> timestamps) {
        List<Series> match = all.stream()
                .filter(x -> x.name().equals(name) && x.labels().entrySet().containsAll(tags.entrySet())).toList();
        assertThat(match).as(name + tags).hasSize(1);
        assertThat(match.get(0).labels()).hasSize(tags.size() + 1);
        assertThat(match.get(0).values()).as(name + tags).containsExactlyElementsOf(values);
        assertThat(match.get(0).timestamps()).as(name + tags).containsExactlyElementsOf(timestamps);
    }

    @Test
    void sendsTheDocumentedRequest() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(204))) {
            List<Point> pts = List.of(
                    Point.builder("interface").tag("device", "sw 1").tag("interface", "上联口 1").field("in_octets", 5L)
                            .field("descr", "a \"b\"").time(1718000000123L).build(),
                    Point.builder("device").tag("device", "sw 1").field("cpu_pct", 12.5).time(1718000000124L).build());
            InfluxConfig cfg = TestConfigs.v2(server.url(), "my org", "tele/metry", TOKEN, "gzip = true");
            Metrics wm2 = new Metrics();
            MovableClock clock2 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, wm2, clock2)) {
                w.start();
                w.accept(pts);
                Drain.flush(wm2, clock2, cfg);
            }
            assertThat(server.requests()).hasSize(1);
            Request r = server.requests().get(0);
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/api/v2/write");
            assertThat(r.query()).containsEntry("org", "my org").containsEntry("bucket", "tele/metry")
                    .containsEntry("precision", "ms");
            assertThat(r.header("Authorization")).isEqualTo("Token " + TOKEN);
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.uri().toString()).doesNotContain(TOKEN);
            assertThat(r.text()).isEqualTo(LineProtocol.encode(pts.get(0)) + "\n" + LineProtocol.encode(pts.get(1)) + "\n");
        }
    }

    @Test
    void theGzipLevelReachesTheWire() throws Exception {
        StringBuilder expected = new StringBuilder();
        List<Point> pts = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Point p = Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i * 7919).time(1000 + i).build();
            pts.add(p);
            expected.append(LineProtocol.encode(p)).append('\n');
        }
        for (int level : new int[] {1, 9}) {
            try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(204))) {
                String extra = "gzip = true\nbatch-size = 1000\n" + (level == 1 ? "" : "gzip-level = " + level);
                InfluxConfig wc3 = TestConfigs.v2(server.url(), "o", "b", TOKEN, extra);
                Metrics wm3 = new Metrics();
                MovableClock clock3 = new MovableClock();
                try (InfluxWriter w = new InfluxWriter(wc3, wm3, clock3)) {
                    w.start();
                    w.accept(pts);
                    Drain.flush(wm3, clock3, wc3);
                }
                assertThat(server.requests()).hasSize(1);
                Request r = server.requests().get(0);
                assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
                assertThat(r.text()).isEqualTo(expected.toString());
                assertThat(r.body()).as("level %d (1 is the default)", level)
                        .isEqualTo(V1HttpBehaviourIT.gzipAt(expected.toString(), level));
            }
        }
    }

    @Test
    void withoutGzipTheBodyIsPlain() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(204))) {
            Point p = Point.builder("m").field("f", 1L).time(1).build();
            InfluxConfig wc4 = TestConfigs.v2(server.url(), "o", "b", TOKEN, "gzip = false");
            Metrics wm4 = new Metrics();
            MovableClock clock4 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(wc4, wm4, clock4)) {
                w.start();
                w.accept(List.of(p));
                Drain.flush(wm4, clock4, wc4);
            }
            Request r = server.requests().get(0);
            assertThat(r.header("Content-Encoding")).isNull();
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("m f=1i 1\n");
        }
    }

    @Test
    void clientExceptionsMapToStatusRetryAfterAndBody() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> switch (r.index()) {
            case 0 -> Reply.of(429, "{\"code\":\"too many requests\",\"message\":\"slow down\"}").header("Retry-After", "7");
            case 1 -> Reply.of(413, "{\"code\":\"request too large\",\"message\":\"too big\"}");
            default -> Reply.of(400, "{\"error\":\"partial write: field type conflict dropped=1\"}");
        })) {
            InfluxConfig cfg = TestConfigs.v2(server.url(), "o", "b", TOKEN, "");
            Batch batch = new Batch(1, "m f=1i 1\nm f=2i 2\n".getBytes(StandardCharsets.UTF_8), 2);
            try (V2Api api = new V2Api(cfg)) {
                WriteResult r429 = api.write(batch);
                assertThat(r429.status()).isEqualTo(429);
                assertThat(r429.retryAfter()).isEqualTo("7");
                assertThat(r429.body()).contains("slow down");
                assertThat(api.write(batch).status()).isEqualTo(413);
                WriteResult r400 = api.write(batch);
                assertThat(r400.status()).isEqualTo(400);
                assertThat(ErrorPolicy.partialWriteDropped(r400.body(), 2)).as(r400.body()).isEqualTo(1);
            }
            assertThat(server.requests()).as("WriteApiBlocking sends once: retries are ours").hasSize(3);
        }
        // nothing listens on a fresh free port: a network error, with no token in its description
        InfluxConfig down = TestConfigs.v2(URI.create("http://127.0.0.1:" + FreePorts.next()), "o", "b", TOKEN, "");
        try (V2Api api = new V2Api(down)) {
            WriteResult r = api.write(new Batch(1, "m f=1i 1\n".getBytes(StandardCharsets.UTF_8), 1));
            assertThat(r.networkFailure()).isTrue();
            assertThat(r.statusLabel()).isEqualTo("network");
            assertThat(r.networkError()).isNotBlank().doesNotContain(TOKEN);
        }
    }

    @Test
    void retryAfterIsHonouredThroughTheClient() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> r.index() == 0
                ? Reply.of(503, "{\"message\":\"unavailable\"}").header("Retry-After", "1") : Reply.of(204))) {
            Metrics metrics = new Metrics();
            InfluxConfig cfg = TestConfigs.v2(server.url(), "o", "b", TOKEN,
                    "retry { initial-backoff = 10ms, max-backoff = 20ms, jitter = 0 }");
            MovableClock clock5 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock5)) {
                w.start();
                w.accept(List.of(Point.builder("m").field("f", 1L).time(1).build()));
                Drain.flush(metrics, clock5, cfg);
            }
            List<Request> rs = server.requests();
            assertThat(rs).hasSize(2);
            assertThat(rs.get(1).arrivedNanos() - rs.get(0).arrivedNanos()).isGreaterThanOrEqualTo(900_000_000L);
            assertThat(metrics.value(WriterMetrics.ERRORS, "status", "503")).isEqualTo(1);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(1);
        }
    }
}
