package io.teleflux;

import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.ManagedProcess;
import io.teleflux.testsupport.TempDirs;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collector → Kafka → two relays → InfluxDB, with real parts: a KRaft broker (KafkaFixture), influxd,
 * the collector in this JVM writing only to Kafka, and the relays as separate processes
 * ({@code java -jar target/teleflux.jar relay}). One broker and one influxd serve four phases in turn,
 * each checked before the next: steady flow; a relay SIGKILLed while records flow (the other takes
 * its partitions); InfluxDB down for 60 s (the relay stops committing, gives its writes up and reads the records
 * again, then delivers); Kafka down for 60 s under load
 * (the collector spools to disk, then delivers). At the end every series holds exactly the samples
 * the simulator sent, at exactly their timestamps: none lost, none doubled.
 */
class KafkaRelayIT {
    static final String TOPIC = "teleflux-lines";
    static final String GROUP = "relays";
    static final int SAMPLES = SpoolCrashIT.SAMPLES;
    static final int DEVICES = SpoolCrashIT.DEVICES;
    /** How long InfluxDB and then Kafka are down (the 60 s: several give-up and rewind cycles of a relay). */
    static final long OUTAGE_MS = 60_000;

    @Test
    void everyPointArrivesOnceThroughRelayDeathInfluxOutageAndKafkaOutage() throws Exception {
        Path dir = TempDirs.create("teleflux-kafka-it-");
        try (KafkaFixture kafka = KafkaFixture.launch(); InfluxdFixture influx = InfluxdFixture.launch()) {
            kafka.createTopic(TOPIC, 4);
            List<Relay> relays = List.of(new Relay("relay-a", dir, kafka, influx), new Relay("relay-b", dir, kafka, influx));
            Collector collector = TestCollector.start("""
                    teleflux {
                      instance = kafka-it
                      selfmon.enabled = false
                      influx.enabled = false
                      kafka {
                        enabled = true, bootstrap-servers = "%s", topic = %s, flush-interval = 100ms, batch-size = 1000
                        timeout = 3s, retry { initial-backoff = 200ms, max-backoff = 1s }
                        spool.dir = "%s"
                      }
                    }
                    """.formatted(kafka.bootstrap(), TOPIC, dir.resolve("kafka-spool")));
            try {
                for (Relay r : relays) {
                    r.start();
                }
                // /health answers before a relay has joined the group: wait for the first rebalance to settle
                assertThat(TestCollector.await(60, () -> relays.get(0).metric(KafkaMetrics.RELAY_PARTITIONS) > 0
                        && relays.get(1).metric(KafkaMetrics.RELAY_PARTITIONS) > 0
                        && relays.get(0).metric(KafkaMetrics.RELAY_PARTITIONS)
                        + relays.get(1).metric(KafkaMetrics.RELAY_PARTITIONS) == 4)).as("two relays share 4 partitions").isTrue();
                CounterModel model = new CounterModel(DEVICES, 48, "kafka-");
                long t0 = (System.currentTimeMillis() / 1000) * 1000 - 3_600_000;
                int grpc = collector.dialoutPort();
                List<SentLog> sent = new ArrayList<>();

                // 1. steady flow: both relays share the four partitions
                sent.add(SpoolCrashIT.send(model, grpc, t0));
                awaitAll(influx, 1, collector);
                assertThat(relays).allSatisfy(r -> assertThat(r.metric(KafkaMetrics.RELAY_COMMITS)).isPositive());

                // 2. SIGKILL relay-a while the next samples flow: relay-b takes its partitions
                Relay a = relays.get(0);
                Relay b = relays.get(1);
                double consumed = a.metric(KafkaMetrics.RELAY_RECORDS);
                CompletableFuture<SentLog> flowing = CompletableFuture.supplyAsync(() -> {
                    try {
                        return SpoolCrashIT.send(model, grpc, t0 + 100_000);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                TestCollector.await(60, () -> a.metric(KafkaMetrics.RELAY_RECORDS) > consumed || flowing.isDone());
                a.process.kill();
                sent.add(flowing.get(120, TimeUnit.SECONDS));
                awaitAll(influx, 2, collector);
                // relay-a may have written all of it before the kill landed; then InfluxDB holds it all before
                // the session timeout hands relay-b the partitions
                assertThat(TestCollector.await(60, () -> b.metric(KafkaMetrics.RELAY_PARTITIONS) == 4))
                        .as("relay-b took every partition").isTrue();
                assertThat(b.metric(KafkaMetrics.RELAY_REBALANCES)).isGreaterThanOrEqualTo(2);

                // 3. InfluxDB down for 60 s: relay-b reads but commits nothing, gives up and rewinds; back up, it delivers everything
                long influxDown = System.nanoTime();
                influx.kill();
                Map<TopicPartition, Long> before = kafka.committed(GROUP);
                double commits = b.metric(KafkaMetrics.RELAY_COMMITS);
                double lines = b.metric(KafkaMetrics.RELAY_LINES);
                sent.add(SpoolCrashIT.send(model, grpc, t0 + 200_000));
                assertThat(TestCollector.await(60, () -> b.metric(KafkaMetrics.RELAY_LINES) > lines
                        && b.metric("teleflux_write_errors_total") > 0)).as("relay-b reads and fails to write").isTrue();
                // down longer than a write is retried (half of max-poll-interval): relay-b gives up and rewinds
                long outage = System.nanoTime();
                assertThat(TestCollector.await(60, () -> b.metric(KafkaMetrics.RELAY_FAILURES) > 0))
                        .as("relay-b gives its writes up and reads the records again").isTrue();
                System.out.printf("KafkaRelayIT: relay-b gave up after %d ms of InfluxDB down; %.0f records to read again%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outage), b.metric(KafkaMetrics.RELAY_FAILURES));
                assertThat(b.metric(KafkaMetrics.RELAY_COMMITS)).as("no commit while InfluxDB is down").isEqualTo(commits);
                assertThat(kafka.committed(GROUP)).isEqualTo(before);
                assertThat(b.metric(KafkaMetrics.RELAY_LAG)).as("lag while InfluxDB is down").isPositive();
                Thread.sleep(Math.max(0, OUTAGE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - influxDown)));
                assertThat(b.metric(KafkaMetrics.RELAY_COMMITS)).as("still no commit at the end of the outage").isEqualTo(commits);
                assertThat(kafka.committed(GROUP)).isEqualTo(before);
                System.out.printf("KafkaRelayIT: InfluxDB down %d s, relay-b gave up %.0f records' writes in all%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - influxDown), b.metric(KafkaMetrics.RELAY_FAILURES));
                influx.start();
                awaitAll(influx, 3, collector);

                // 4. Kafka down under load for 60 s: the collector spools, then delivers everything
                long down = System.nanoTime();
                kafka.stop();
                sent.add(SpoolCrashIT.send(model, grpc, t0 + 300_000));
                assertThat(TestCollector.await(60, () -> collector.metrics().value(KafkaMetrics.SPOOL_POINTS) > 0
                        && collector.metrics().value(KafkaMetrics.QUEUE) == 0)).as("the collector spooled").isTrue();
                long spooled = (long) collector.metrics().value(KafkaMetrics.SPOOL_POINTS);
                Thread.sleep(Math.max(0, OUTAGE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down)));
                kafka.start();
                awaitAll(influx, 4, collector);
                assertThat(collector.metrics().value(KafkaMetrics.SPOOL_POINTS)).isZero();
                System.out.printf("KafkaRelayIT: %d points spooled during the Kafka outage, all delivered%n", spooled);

                // every series: exactly the sent timestamps, once
                assertThat(collector.metrics().sum(KafkaMetrics.DROPPED)).isZero();
                assertExactly(influx, model, sent);
                assertThat(b.metric(KafkaMetrics.RELAY_SKIPPED)).isZero();
            } finally {
                collector.close();
                for (Relay r : relays) {
                    r.process.stop(Duration.ofSeconds(20));
                }
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Waits until InfluxDB holds {@code phases} × every series' samples (and the collector holds nothing back). */
    static void awaitAll(InfluxdFixture influx, int phases, Collector collector) throws InterruptedException {
        long want = (long) phases * SAMPLES * DEVICES * 48;
        boolean all = TestCollector.await(150, () -> {
            try {
                return SpoolCrashIT.total(influx) >= want;
            } catch (RuntimeException e) {
                return false; // influxd restarting
            }
        });
        assertThat(all).as("InfluxDB holds %d points after phase %d (has %d; Kafka spool %s)", want, phases,
                safeTotal(influx), collector.metrics().value(KafkaMetrics.SPOOL_POINTS)).isTrue();
        assertThat(SpoolCrashIT.total(influx)).as("no more than sent").isEqualTo(want);
    }

    static long safeTotal(InfluxdFixture influx) {
        try {
            return SpoolCrashIT.total(influx);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static void assertExactly(InfluxdFixture influx, CounterModel model, List<SentLog> sent) {
        for (int d = 0; d < DEVICES; d++) {
            TreeSet<Long> want = new TreeSet<>();
            for (SentLog s : sent) {
                for (long t : s.times(d)) {
                    want.add(t);
                }
            }
            assertThat(want).hasSize(sent.size() * SAMPLES);
            InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = '"
                    + model.deviceName(d) + "' GROUP BY interface");
            assertThat(r.series()).hasSize(48);
            for (InfluxQueryResult.Series s : r.series()) {
                List<Long> times = s.column("time").stream().map(o -> ((Number) o).longValue()).toList();
                assertThat(times).as("device %d %s", d, s.tags()).hasSize(want.size());
                assertThat(new TreeSet<>(times)).isEqualTo(want);
            }
        }
    }

    /** A relay as a process of its own. */
    static final class Relay {
        final ManagedProcess process;
        final int http;

        Relay(String name, Path dir, KafkaFixture kafka, InfluxdFixture influx) throws Exception {
            http = FreePorts.next();
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = %s
                      http.listen = "127.0.0.1:%d"
                      influx {
                        api = v1, url = "%s", database = telemetry, timeout = 3s, spool.enabled = false
                        retry { initial-backoff = 100ms, max-backoff = 1s }
                      }
                      kafka { bootstrap-servers = "%s", topic = %s }
                      relay { group-id = %s, session-timeout = 6s, max-poll-interval = 20s, max-poll-records = 200 }
                    }
                    """.formatted(name, http, influx.url(), kafka.bootstrap(), TOPIC, GROUP));
            process = new ManagedProcess(name, List.of(SpoolCrashIT.JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                    CliIT.JAR.toAbsolutePath().toString(), "relay", "--config", conf.toString()), dir,
                    dir.resolve(name + ".log"));
        }

        void start() throws InterruptedException {
            process.start();
            process.awaitReady(Duration.ofSeconds(60), "/health 200",
                    () -> CliIT.status(SpoolCrashIT.HTTP, "http://127.0.0.1:" + http + "/health") == 200);
        }

        double metric(String name) {
            return SpoolCrashIT.metric(http, name);
        }
    }
}
