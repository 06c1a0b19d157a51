package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.RecordingHttpServer;
import io.teleflux.testsupport.RecordingHttpServer.Reply;
import io.teleflux.testsupport.RecordingHttpServer.Request;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the v1 writer puts on the wire, and how it honours answers that a real influxd cannot be
 * made to give on demand (503/429 with Retry-After, 401), using a recording HTTP server.
 */
class V1HttpBehaviourIT {
    private static final String PASSWORD = "pa55-w0rd-never-logged";

    private static List<Point> points(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i).time(1000 + i).build())
                .toList();
    }

    private static String lines(List<Point> points) {
        StringBuilder sb = new StringBuilder();
        points.forEach(p -> sb.append(LineProtocol.encode(p)).append('\n'));
        return sb.toString();
    }

    @Test
    void theGzipLevelReachesTheWireAndABodyOfManyChunksArrivesWhole() throws Exception {
        List<Point> pts = java.util.stream.IntStream.range(0, 1500) // ~1 MB: four chunks of the batch buffer
                .mapToObj(i -> Point.builder("m").tag("i", Integer.toString(i)).field("f", (long) i * 7919)
                        .field("s", "x".repeat(600 + i % 50)).time(1000 + i).build())
                .toList();
        String expected = lines(pts);
        assertThat(expected.length()).isGreaterThan(3 * BatchBuffer.CHUNK);
        for (int level : new int[] {0, 1, 9}) { // 0 here: gzip = false
            try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(204))) {
                String extra = "create-database = false\nbatch-size = 5000\n"
                        + (level == 0 ? "gzip = false" : level == 1 ? "gzip = true" : "gzip = true\ngzip-level = " + level);
                InfluxConfig wc1 = TestConfigs.v1(server.url(), "db", extra);
                Metrics wm1 = new Metrics();
                MovableClock clock1 = new MovableClock();
                try (InfluxWriter w = new InfluxWriter(wc1, wm1, clock1)) {
                    w.start();
                    w.accept(pts);
                    Drain.flush(wm1, clock1, wc1);
                }
                assertThat(server.requests()).hasSize(1);
                Request r = server.requests().get(0);
                assertThat(r.header("Content-Encoding")).isEqualTo(level == 0 ? null : "gzip");
                assertThat(r.text()).isEqualTo(expected);
                if (level > 0) {
                    assertThat(r.body()).as("level %d (1 is the default)", level).isEqualTo(gzipAt(expected, level));
                }
            }
        }
        assertThat(gzipAt(expected, 1)).isNotEqualTo(gzipAt(expected, 9)); // else the check above tells nothing
    }

    /** What {@code java.util.zip} makes of {@code text} at {@code level}: deflate is deterministic. */
    static byte[] gzipAt(String text, int level) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
            {
                def.setLevel(level);
            }
        }) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void sendsGzipLineProtocolWithBasicAuthAndNoCredentialsInTheUrl() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(204))) {
            InfluxConfig cfg = TestConfigs.v1(server.url(), "tele metry", "retention-policy = \"two weeks\"\n"
                    + "username = \"writer\"\npassword = \"" + PASSWORD + "\"\ncreate-database = false\nbatch-size = 10");
            List<Point> pts = points(3);
            Metrics wm2 = new Metrics();
            MovableClock clock2 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, wm2, clock2)) {
                w.start();
                w.accept(pts);
                Drain.flush(wm2, clock2, cfg);
            }
            Request r = server.requests().get(0);
            assertThat(server.requests()).hasSize(1);
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/write");
            assertThat(r.query()).containsExactly(java.util.Map.entry("db", "tele metry"),
                    java.util.Map.entry("rp", "two weeks"), java.util.Map.entry("precision", "ms"));
            assertThat(r.uri().toString()).doesNotContain(PASSWORD).doesNotContain("writer"); // no u=/p= parameters
            assertThat(r.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString(("writer:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            // the default gzip = auto sends a loopback InfluxDB's body plain
            assertThat(r.header("Content-Encoding")).isNull();
            assertThat(r.text()).isEqualTo(lines(pts));
        }
    }

    @Test
    void createDatabaseQuotesTheNameAndA401IsLoggedClearlyWithoutTheSecret() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> r.path().equals("/query")
                ? Reply.of(401, "{\"error\":\"authorization failed\"}") : Reply.of(204));
             LogCapture logs = LogCapture.of("io.teleflux.influx")) {
            InfluxConfig cfg = TestConfigs.v1(server.url(), "my \"db\"", "username = \"admin\"\npassword = \"" + PASSWORD + "\"");
            Metrics wm3 = new Metrics();
            MovableClock clock3 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, wm3, clock3)) {
                w.start();
            }
            Request q = server.requests().get(0);
            assertThat(q.path()).isEqualTo("/query");
            assertThat(q.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
            assertThat(q.text()).isEqualTo("q=" + java.net.URLEncoder.encode("CREATE DATABASE \"my \\\"db\\\"\"",
                    StandardCharsets.UTF_8));
            List<String> errors = logs.messages(ch.qos.logback.classic.Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).contains("HTTP 401", "authorization failed", "username");
            assertThat(logs.messages()).noneMatch(m -> m.contains(PASSWORD));
        }
    }

    @Test
    void aPartialWriteAnswerOfAMegabyteIsReadToItsEndForTheDroppedCount() throws Exception {
        // many field-type conflicts reported before the count: "dropped=1" comes after 1 MB
        StringBuilder body = new StringBuilder("{\"error\":\"partial write: ");
        while (body.length() < 1_000_000) {
            body.append("field type conflict: input field \\\"f\\\" on measurement \\\"m\\\" is type string, "
                    + "already exists as type integer; ");
        }
        String answer = body.append("dropped=1\"}\n").toString();
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> Reply.of(400, answer));
             LogCapture logs = LogCapture.of("io.teleflux.influx")) {
            Metrics metrics = new Metrics();
            InfluxConfig cfg = TestConfigs.v1(server.url(), "db", "create-database = false\nbatch-size = 500");
            MovableClock clock4 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock4)) {
                w.start();
                w.accept(points(290));
                Drain.flush(metrics, clock4, cfg);
            }
            assertThat(server.requests()).hasSize(1);
            assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_400")).isEqualTo(1);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(289);
            List<String> rejected = logs.containing("partially rejected");
            assertThat(rejected).hasSize(1);
            assertThat(rejected.get(0)).contains("field type conflict", "1 of 290 points dropped").hasSizeLessThan(2000);
        }
    }

    @Test
    void retryAfterIsHonouredOn503() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> r.index() < 2
                ? Reply.of(503, "{\"error\":\"overloaded\"}").header("Retry-After", "1") : Reply.of(204))) {
            Metrics metrics = new Metrics();
            // our own backoff is 10 ms: any longer wait can only come from Retry-After
            InfluxConfig cfg = TestConfigs.v1(server.url(), "db", "create-database = false\n"
                    + "retry { initial-backoff = 10ms, max-backoff = 20ms, jitter = 0 }");
            MovableClock clock5 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock5)) {
                w.start();
                w.accept(points(3));
                Drain.flush(metrics, clock5, cfg);
            }
            List<Request> rs = server.requests();
            assertThat(rs).hasSize(3);
            assertThat(rs.get(1).arrivedNanos() - rs.get(0).arrivedNanos()).isGreaterThanOrEqualTo(900_000_000L);
            assertThat(rs.get(2).arrivedNanos() - rs.get(1).arrivedNanos()).isGreaterThanOrEqualTo(900_000_000L);
            assertThat(rs.get(2).text()).isEqualTo(rs.get(0).text()).isEqualTo(lines(points(3)));
            assertThat(metrics.value(WriterMetrics.ERRORS, "status", "503")).isEqualTo(2);
            assertThat(metrics.value(WriterMetrics.RETRIES)).isEqualTo(2);
            assertThat(metrics.value(WriterMetrics.REQUESTS)).isEqualTo(3);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
        }
    }

    @Test
    void retryAfterIsHonouredOn429() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start(r -> r.index() == 0
                ? Reply.of(429, "{\"error\":\"slow down\"}").header("Retry-After", "1") : Reply.of(204))) {
            Metrics metrics = new Metrics();
            InfluxConfig cfg = TestConfigs.v1(server.url(), "db", "create-database = false\n"
                    + "retry { initial-backoff = 10ms, max-backoff = 20ms, jitter = 0 }");
            MovableClock clock6 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock6)) {
                w.start();
                w.accept(points(2));
                Drain.flush(metrics, clock6, cfg);
            }
            List<Request> rs = server.requests();
            assertThat(rs).hasSize(2);
            assertThat(rs.get(1).arrivedNanos() - rs.get(0).arrivedNanos()).isGreaterThanOrEqualTo(900_000_000L);
            assertThat(metrics.value(WriterMetrics.ERRORS, "status", "429")).isEqualTo(1);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(2);
        }
    }
}
