package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.ManagedProcess;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector as a separate process ({@code java -jar target/teleflux.jar run}) is SIGKILLed with a
 * spooled backlog while InfluxDB is down; started again with InfluxDB up, it replays every spooled
 * point. Then the same with the spool's files damaged by hand: a torn last record, and a flipped
 * byte: the records before the damage arrive, and the log names the file and the offset.
 */
class SpoolCrashIT {
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final int DEVICES = 5;
    static final int SAMPLES = 20;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One record of a segment file, read with the layout docs/durability.md documents (independently of the code). */
    record Rec(long offset, int length, int points, long seq) {
    }

    /** magic, header CRC, length, points, seq, appended-ms, payload CRC. */
    static final int HEADER = 36;

    static List<Rec> records(Path segment) throws Exception {
        List<Rec> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "r")) {
            byte[] magic = new byte[8];
            f.readFully(magic);
            assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("TFSPOOL1");
            long off = 8;
            while (off + HEADER <= f.length()) {
                f.seek(off);
                byte[] h = new byte[HEADER];
                f.readFully(h);
                ByteBuffer b = ByteBuffer.wrap(h);
                assertThat(b.getInt(0)).isEqualTo(0x54465232); // "TFR2"
                int len = b.getInt(8);
                out.add(new Rec(off, len, b.getInt(12), b.getLong(16)));
                off += HEADER + len;
            }
        }
        return out;
    }

    static double metric(int httpPort, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0; // over every label set
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    static long total(InfluxdFixture influx) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_octets) FROM interface");
        return r.isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
    }

    /** Sends {@code SAMPLES} statistics samples of every device from {@code t0}, 1 s apart; returns the sent-log. */
    static SentLog send(CounterModel model, int grpcPort, long t0) throws Exception {
        DialoutSettings s = DialoutSettings.defaults(new HostPort("127.0.0.1", grpcPort), DEVICES)
                .withPaths(Set.of(SensorPath.IFMGR_STATISTICS)).withBacklogMessages(SAMPLES);
        try (DialoutSimulator sim = new DialoutSimulator(model, s)) {
            SentLog sent = sim.recordSent();
            sim.start();
            assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();
            for (int i = 0; i < SAMPLES; i++) {
                sim.sendSample(t0 + i * 1000L).get(60, TimeUnit.SECONDS);
            }
            assertThat(sim.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(sent.points()).isEqualTo((long) SAMPLES * DEVICES * 48);
            assertThat(sim.stats().streamFailures()).isZero();
            return sent;
        }
    }

    /** {@code points} statistics rows plus the one {@code device} point (peer address) each stream starts with. */
    static void awaitSpooled(ManagedProcess collector, int http, long statistics, Path log) throws Exception {
        long points = statistics + DEVICES;
        boolean spooled = TestCollector.await(120, () -> metric(http, "teleflux_spool_points") == points
                && metric(http, "teleflux_queue_points") == 0);
        assertThat(spooled).as("all %d points spooled (spool %s); collector log:%n%s", points,
                metric(http, "teleflux_spool_points"), CliIT.read(log)).isTrue();
    }

    static void startCollector(ManagedProcess collector, int http) throws InterruptedException {
        collector.start();
        collector.awaitReady(Duration.ofSeconds(60), "/health 200",
                () -> CliIT.status(HTTP, "http://127.0.0.1:" + http + "/health") == 200);
    }

    static List<Path> segments(Path spool) throws Exception {
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(p -> p.toString().endsWith(".tfs")).sorted().toList();
        }
    }

    @Test
    void aKilledCollectorReplaysItsSpoolAndSkipsDamagedRecordsWithAWarning() throws Exception {
        Path dir = TempDirs.create("teleflux-crash-");
        int grpc = FreePorts.next();
        int http = FreePorts.next();
        Path spool = dir.resolve("spool");
        Path log = dir.resolve("collector.log");
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            influx.kill(); // down from the start: everything goes to the spool
            Path conf = dir.resolve("teleflux.conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = crash-it
                      dialout.listen = "127.0.0.1:%d"
                      http.listen = "127.0.0.1:%d"
                      selfmon.enabled = false
                      influx {
                        api = v1, url = "%s", database = telemetry, flush-interval = 100ms, batch-size = 200
                        retry { initial-backoff = 100ms, max-backoff = 1s }
                        spool { dir = "%s", segment-size = 256 KiB }
                      }
                    }
                    """.formatted(grpc, http, influx.url(), spool));
            ManagedProcess collector = new ManagedProcess("collector",
                    List.of(JAVA, "-jar", CliIT.JAR.toAbsolutePath().toString(), "run", "--config", conf.toString()), dir, log);
            try {
                CounterModel model = new CounterModel(5, 48, "crash-");
                long t0 = (System.currentTimeMillis() / 1000) * 1000 - 600_000;

                // 1. a backlog, then SIGKILL; started again with InfluxDB up, every spooled point arrives
                startCollector(collector, http);
                SentLog first = send(model, grpc, t0);
                awaitSpooled(collector, http, first.points(), log);
                long killedPid = collector.pid();
                collector.kill();
                assertThat(segments(spool)).isNotEmpty();
                influx.start();
                startCollector(collector, http);
                assertThat(collector.pid()).isNotEqualTo(killedPid);
                assertThat(TestCollector.await(120, () -> total(influx) == first.points()
                        && metric(http, "teleflux_spool_points") == 0)).as("replayed; log:%n%s", CliIT.read(log)).isTrue();
                for (int d = 0; d < DEVICES; d++) {
                    InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = '"
                            + model.deviceName(d) + "' GROUP BY interface");
                    assertThat(r.series()).hasSize(48);
                    TreeSet<Long> want = new TreeSet<>();
                    for (long t : first.times(d)) {
                        want.add(t);
                    }
                    for (InfluxQueryResult.Series s : r.series()) {
                        assertThat(new TreeSet<>(s.column("time").stream().map(o -> ((Number) o).longValue()).toList()))
                                .isEqualTo(want);
                    }
                }
                assertThat(CliIT.read(log)).contains("from an earlier run; they are replayed first");
                assertThat(metric(http, "teleflux_points_dropped_total")).isZero();

                // 2. again, and this time the spool is damaged while the collector is dead
                influx.kill();
                SentLog second = send(model, grpc, t0 + 100_000);
                awaitSpooled(collector, http, second.points(), log);
                collector.kill();
                List<Path> segs = segments(spool);
                assertThat(segs).as("several segments").hasSizeGreaterThan(2);
                Path last = segs.get(segs.size() - 1);
                Rec torn = records(last).getLast();
                try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
                    f.setLength(torn.offset() + HEADER + torn.length() / 2); // a crash in the middle of the write
                }
                Path before = segs.get(segs.size() - 2);
                Rec flipped = records(before).getLast();
                try (RandomAccessFile f = new RandomAccessFile(before.toFile(), "rw")) {
                    long at = flipped.offset() + HEADER + flipped.length() / 3;
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x04);
                }
                long damaged = torn.points() + flipped.points();
                long expected = first.points() + second.points() - damaged;

                influx.start();
                startCollector(collector, http);
                assertThat(TestCollector.await(120, () -> total(influx) == expected
                        && metric(http, "teleflux_spool_points") == 0))
                        .as("stored %d, expected %d; log:%n%s", total(influx), expected, CliIT.read(log)).isTrue();
                String out = CliIT.read(log);
                assertThat(out).contains("Spool segment " + last + ": torn or corrupt record at offset " + torn.offset());
                assertThat(out).contains("Spool segment " + before + ": torn or corrupt record at offset "
                        + flipped.offset() + " (CRC mismatch)");
                assertThat(metric(http, "teleflux_spool_records_corrupt_total")).isEqualTo(2);
                assertThat(metric(http, "teleflux_points_dropped_total{reason=\"spool_corrupt\"}"))
                        .as("every point of the damaged records, from their intact headers").isEqualTo(damaged);
                System.out.printf("[spool-crash] SIGKILL with %d points spooled: all %d replayed after restart; "
                                + "second backlog of %d points in %d segments, damaged records held %d + %d points: "
                                + "%d of %d stored, the rest of the spool intact%n", first.points(), first.points(),
                        second.points(), segs.size(), torn.points(), flipped.points(), total(influx) - first.points(),
                        second.points());
            } finally {
                collector.stop(Duration.ofSeconds(30));
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
