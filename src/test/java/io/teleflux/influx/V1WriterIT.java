package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The v1 writer against a real influxd 1.6.7. */
class V1WriterIT {
    private static InfluxdFixture influx;

    @BeforeAll
    static void startInfluxd() {
        influx = InfluxdFixture.launch();
    }

    @AfterAll
    static void stopInfluxd() {
        if (influx != null) {
            influx.close();
        }
    }

    private static void write(InfluxConfig cfg, Metrics metrics, List<Point> points) throws Exception {
        MovableClock clock1 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock1)) {
            w.start();
            w.accept(points);
            Drain.flush(metrics, clock1, cfg);
        }
    }

    private static long count(InfluxdFixture server, String db, String measurement, String field) {
        InfluxQueryResult r = server.query(db, "SELECT count(\"" + field + "\") FROM \"" + measurement + "\"");
        return r.isEmpty() ? 0 : (Long) r.single().value(0, "count");
    }

    @Test
    void pointsReadBackWithExactValuesTypesAndNames() throws Exception {
        String device = "core sw \"A\" \\ 1"; // space, quotes and a backslash inside
        List<Point> points = List.of(
                Point.builder("interface").tag("device", device).tag("interface", "Bridge-Aggregation 1,x=y")
                        .tag("source", "telemetry")
                        .field("in_octets", 83412345678901L).field("out_octets", Long.MAX_VALUE)
                        .field("in_bps", 12345.678).field("oper_status", 1L).field("up", true)
                        .field("descr", "say \"hi\" \\ bye").time(1718000000123L).build(),
                Point.builder("interface").tag("device", "核心交换机").tag("interface", "上联口 1")
                        .tag("source", "snmp")
                        .field("in_octets", 0L).field("out_octets", -1L)
                        .field("in_bps", 3.0).field("oper_status", 2L).field("up", false)
                        .field("descr", "端口 ü").time(1718000000124L).build(),
                Point.builder("interface").tag("device", "sw2").tag("interface", "GigabitEthernet1/0/1")
                        .field("in_octets", 42L).field("in_bps", 0.1).time(1718000000125L).build());
        Metrics metrics = new Metrics();
        // create-database is on by default: start() creates "roundtrip"
        write(TestConfigs.v1(influx.url(), "roundtrip", "batch-size = 2\nflush-interval = 100ms"), metrics, points);

        InfluxQueryResult.Series s = influx.query("roundtrip",
                "SELECT device, \"interface\", source, in_octets, out_octets, in_bps, oper_status, up, descr "
                        + "FROM \"interface\"").single();
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.row(0)).containsEntry("time", 1718000000123L).containsEntry("device", device)
                .containsEntry("interface", "Bridge-Aggregation 1,x=y").containsEntry("source", "telemetry")
                .containsEntry("in_octets", 83412345678901L).containsEntry("out_octets", Long.MAX_VALUE)
                .containsEntry("in_bps", 12345.678).containsEntry("oper_status", 1L).containsEntry("up", true)
                .containsEntry("descr", "say \"hi\" \\ bye");
        assertThat(s.row(1)).containsEntry("time", 1718000000124L).containsEntry("device", "核心交换机")
                .containsEntry("interface", "上联口 1").containsEntry("in_octets", 0L).containsEntry("out_octets", -1L)
                .containsEntry("up", false).containsEntry("descr", "端口 ü");
        assertThat(s.row(2)).containsEntry("interface", "GigabitEthernet1/0/1").containsEntry("in_bps", 0.1)
                .containsEntry("source", null);

        // JSON cannot tell 3.0 from 3: the stored field types are the proof
        InfluxQueryResult.Series types = influx.query("roundtrip", "SHOW FIELD KEYS FROM \"interface\"").single();
        Map<String, Object> typeOf = new HashMap<>();
        types.rows().forEach(r -> typeOf.put((String) r.get("fieldKey"), r.get("fieldType")));
        assertThat(typeOf).containsEntry("in_octets", "integer").containsEntry("out_octets", "integer")
                .containsEntry("oper_status", "integer").containsEntry("in_bps", "float")
                .containsEntry("up", "boolean").containsEntry("descr", "string");

        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
        assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
        assertThat(metrics.sum(WriterMetrics.ERRORS)).isZero();
        assertThat(metrics.value(WriterMetrics.REQUESTS)).isEqualTo(2); // batch-size 2: one full batch, one flushed
        assertThat(metrics.value(WriterMetrics.LAST_SUCCESS)).isPositive();
        assertThat(metrics.value(WriterMetrics.QUEUE)).isZero();
    }

    @Test
    void tooLargeBatchesAreSplitUntilEverythingIsStored() throws Exception {
        try (InfluxdFixture small = InfluxdFixture.builder().maxBodySize(20_000).launch()) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                points.add(Point.builder("big").tag("device", "sw" + (i % 50)).tag("interface", "Gi1/0/" + i)
                        .field("f", (long) i).field("g", i * 0.5).time(1718000000000L + i).build());
            }
            Metrics metrics = new Metrics();
            // uncompressed, so that the body size (which is what max-body-size limits) is predictable
            write(TestConfigs.v1(small.url(), "split", "gzip = false\nbatch-size = 5000\nflush-interval = 1h"),
                    metrics, points);

            assertThat(count(small, "split", "big", "f")).isEqualTo(5000);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(5000);
            assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
            assertThat(metrics.value(WriterMetrics.ERRORS, "status", "413")).as("it was split").isPositive();
            assertThat(metrics.value(WriterMetrics.RETRIES)).isZero();
        }
    }

    @Test
    void partialWriteStoresTheGoodLinesAndCountsOnlyTheRejected() throws Exception {
        InfluxConfig cfg = TestConfigs.v1(influx.url(), "partial", "batch-size = 100\nflush-interval = 1h");
        Metrics metrics = new Metrics();
        write(cfg, metrics, List.of(Point.builder("m").tag("s", "a").field("f", 1L).time(1000).build()));

        try (LogCapture logs = LogCapture.of("io.teleflux.influx")) {
            write(cfg, metrics, List.of(
                    Point.builder("m").tag("s", "a").field("f", "x").time(2000).build(), // f was an integer
                    Point.builder("m").tag("s", "b").field("f", 2L).time(2000).build(),
                    Point.builder("m").tag("s", "c").field("f", 3L).time(2000).build(),
                    Point.builder("m").tag("s", "d").field("f", 4L).time(2000).build()));
            List<String> rejected = logs.containing("partially rejected");
            assertThat(rejected).hasSize(1);
            assertThat(rejected.get(0)).contains("HTTP 400", "field type conflict", "1 of 4 points dropped");
        }
        assertThat(count(influx, "partial", "m", "f")).isEqualTo(4);
        assertThat(influx.query("partial", "SELECT f FROM m WHERE s = 'a'").single().column("f")).containsExactly(1L);
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_400")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(4);
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "400")).isEqualTo(1);
    }

    @Test
    void aPartialWriteAnswerLongerThan64KiBStillCountsOnlyTheRejectedLine() throws Exception {
        // influxd echoes an unparsable line in full: a series key over its 65,535-byte limit makes the
        // answer longer than the 64 KiB of it that is kept, and "dropped=" comes at its very end
        String huge = "x".repeat(70_000);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 290; i++) {
            points.add(Point.builder("m").tag("s", i == 145 ? huge : "s" + i).field("f", (long) i).time(1000 + i).build());
        }
        Metrics metrics = new Metrics();
        try (LogCapture logs = LogCapture.of("io.teleflux.influx")) {
            write(TestConfigs.v1(influx.url(), "longpartial", "batch-size = 500\nflush-interval = 1h"), metrics, points);
            List<String> rejected = logs.containing("partially rejected");
            assertThat(rejected).hasSize(1);
            assertThat(rejected.get(0)).contains("HTTP 400", "unable to parse", "1 of 290 points dropped");
        }
        assertThat(count(influx, "longpartial", "m", "f")).isEqualTo(289);
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_400")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(289);
    }

    @Test
    void aMissingDatabaseDropsTheBatchAsHttp404() throws Exception {
        Metrics metrics = new Metrics();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            points.add(Point.builder("m").field("f", (long) i).time(1000 + i).build());
        }
        try (LogCapture logs = LogCapture.of("io.teleflux.influx")) {
            write(TestConfigs.v1(influx.url(), "does_not_exist", "create-database = false"), metrics, points);
            assertThat(logs.containing("HTTP 404")).hasSize(1);
            assertThat(logs.containing("HTTP 404").get(0)).contains("database not found");
        }
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_404")).isEqualTo(5);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isZero();
        assertThat(metrics.value(WriterMetrics.RETRIES)).isZero();
        assertThat(influx.query("does_not_exist", "SHOW DATABASES").single().column("name")).doesNotContain("does_not_exist");
    }

    @Test
    void aDatabaseDroppedWhileRunningIsCreatedAgainOnTheFirst404() throws Exception {
        Metrics metrics = new Metrics();
        InfluxConfig cfg = TestConfigs.v1(influx.url(), "recreated", "flush-interval = 1h");
        MovableClock clock2 = new MovableClock();
        try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock2)) {
            w.start();
            w.accept(List.of(Point.builder("m").field("f", 1L).time(1000).build()));
            Drain.flush(metrics, clock2, cfg);
            influx.post("DROP DATABASE recreated");
            w.accept(List.of(Point.builder("m").field("f", 2L).time(2000).build()));
            Drain.flush(metrics, clock2, cfg);
        }
        assertThat(count(influx, "recreated", "m", "f")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(2);
        assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
    }

    @Test
    void writesPendingWhileInfluxdIsDownArriveAfterItRestarts() throws Exception {
        try (InfluxdFixture own = InfluxdFixture.launch()) {
            Metrics metrics = new Metrics();
            InfluxConfig cfg = TestConfigs.v1(own.url(), "outage",
                    "batch-size = 10\nflush-interval = 50ms\nretry { initial-backoff = 100ms, max-backoff = 400ms }");
            MovableClock clock3 = new MovableClock();
            try (InfluxWriter w = new InfluxWriter(cfg, metrics, clock3)) {
                w.start();
                w.accept(points("before", 10));
                Drain.flush(metrics, clock3, cfg);

                own.kill();
                w.accept(points("during", 30));
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (metrics.value(WriterMetrics.ERRORS, "status", "network") == 0 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(metrics.value(WriterMetrics.ERRORS, "status", "network")).isPositive();
                assertThat(metrics.value(WriterMetrics.QUEUE)).as("nothing lost while down").isEqualTo(30);

                own.start(); // same data dir and ports
                Drain.flush(metrics, clock3, cfg);
            }
            assertThat(count(own, "outage", "before", "f")).isEqualTo(10);
            assertThat(count(own, "outage", "during", "f")).isEqualTo(30);
            assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(40);
            assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
            assertThat(metrics.value(WriterMetrics.RETRIES)).isPositive();
        }
    }

    private static List<Point> points(String measurement, int n) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Point.builder(measurement).tag("i", Integer.toString(i)).field("f", (long) i).time(1000 + i).build());
        }
        return out;
    }
}
