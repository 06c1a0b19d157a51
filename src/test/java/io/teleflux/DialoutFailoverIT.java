package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.HaproxyFixture;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.ManagedProcess;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dial-out across collectors behind HAProxy, with real parts as separate processes: a KRaft broker,
 * influxd 1.6.7, HAProxy with the shipped tuning, three collectors ({@code teleflux run}, writing only
 * to Kafka) and two relays ({@code teleflux relay}). HAProxy sends PROXY v2 headers from 127.0.0.2, which
 * the collectors trust, as the shipped configuration does. 30 simulated devices × 8 interfaces dial HAProxy
 * and send a sample every second.
 *
 * <ol>
 *   <li>Steady flow: every point the simulator sent is in InfluxDB exactly once, per series.</li>
 *   <li>One collector is SIGKILLed right after a sample was handed to its streams. Its devices redial
 *       through HAProxy and land on the other two.</li>
 * </ol>
 *
 * <p><b>What a device can know.</b> H3C dial-out is a client-streaming call: the collector answers
 * only when the stream ends, so a device learns nothing about any single message. What it handed to
 * its stream before the stream broke is either in Kafka or lost with the killed process (in the TCP
 * path, in the decode queue, or in the Kafka output's batch not yet acknowledged). So the test
 * asserts exactly this, per series:
 * <ul>
 *   <li>a device that was not on the killed collector lost nothing;</li>
 *   <li>a device that was: what it sent on its later streams all arrived; of what it handed to the
 *       dead stream, the points that arrived are a prefix (one stream's messages are decoded in order
 *       and written in order: a hole would be a loss inside the pipeline), and the missing suffix
 *       was handed over no earlier than {@link #IN_FLIGHT} before the kill: a point stays in a
 *       collector's memory at most the Kafka output's flush-interval plus its timeout (after which
 *       it is spooled on disk), plus transit and decoding (1 s, generous on 2 shared cores);</li>
 *   <li>samples taken while a device had no stream were never sent (not in the sent-log) and are
 *       not expected;</li>
 *   <li>nothing doubled: each series holds each sent timestamp at most once and no other.</li>
 * </ul>
 */
class DialoutFailoverIT {
    static final int DEVICES = 30;
    static final int INTERFACES = 8;
    static final Duration FLUSH = Duration.ofMillis(100);
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);
    /** The longest a received point can sit in a collector's memory: see the class comment. */
    static final Duration IN_FLIGHT = FLUSH.plus(KAFKA_TIMEOUT).plusSeconds(1);
    static final Duration REDIAL = Duration.ofSeconds(1);
    /**
     * A device of the killed collector is connected again within this: HAProxy closes the device's
     * side as soon as the dead process's kernel resets the other side (milliseconds), the device waits
     * its first redial delay (1 s), and HAProxy hands the new connection to a live collector at once
     * (a connect refused by the dead port is redispatched); plus 2 s for a shared 2-core machine.
     */
    static final Duration RECONNECT_BOUND = REDIAL.plusSeconds(2);

    /** A collector as a process of its own. */
    static final class Collector {
        final String name;
        final int grpc = FreePorts.next();
        final int http = FreePorts.next();
        final ManagedProcess process;

        Collector(String name, Path dir, KafkaFixture kafka) throws Exception {
            this.name = name;
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = %s
                      dialout.listen = "127.0.0.1:%d"
                      # HAProxy connects from 127.0.0.2 with a PROXY v2 header, as the shipped file's servers
                      dialout.proxy-protocol.trusted = ["127.0.0.2"]
                      http.listen = "127.0.0.1:%d"
                      selfmon.enabled = false
                      influx.enabled = false
                      kafka {
                        enabled = true, bootstrap-servers = "%s", topic = %s, flush-interval = %dms, batch-size = 1000
                        timeout = %ds, retry { initial-backoff = 200ms, max-backoff = 1s }
                        spool.dir = "%s"
                      }
                    }
                    """.formatted(name, grpc, http, kafka.bootstrap(), KafkaRelayIT.TOPIC, FLUSH.toMillis(),
                    KAFKA_TIMEOUT.toSeconds(), dir.resolve(name + "-spool")));
            process = new ManagedProcess(name, List.of(SpoolCrashIT.JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                    CliIT.JAR.toAbsolutePath().toString(), "run", "--config", conf.toString()), dir, dir.resolve(name + ".log"));
        }

        HaproxyFixture.Backend backend() {
            return new HaproxyFixture.Backend(name, grpc, http);
        }

        void awaitHealthy() throws InterruptedException {
            process.awaitReady(Duration.ofSeconds(90), "/health 200",
                    () -> CliIT.status(SpoolCrashIT.HTTP, "http://127.0.0.1:" + http + "/health") == 200);
        }

        double metric(String metric) {
            return SpoolCrashIT.metric(http, metric);
        }
    }

    @Test
    void devicesOfAKilledCollectorRedialThroughHaproxyAndOnlyTheKilledProcessInFlightPointsAreMissing() throws Exception {
        Path dir = TempDirs.create("teleflux-failover-it-");
        List<Collector> collectors = new ArrayList<>();
        List<KafkaRelayIT.Relay> relays = new ArrayList<>();
        try (KafkaFixture kafka = KafkaFixture.launch(); InfluxdFixture influx = InfluxdFixture.launch()) {
            kafka.createTopic(KafkaRelayIT.TOPIC, 6);
            for (String n : List.of("c1", "c2", "c3")) {
                collectors.add(new Collector(n, dir, kafka));
            }
            relays.add(new KafkaRelayIT.Relay("relay-a", dir, kafka, influx));
            relays.add(new KafkaRelayIT.Relay("relay-b", dir, kafka, influx));
            // five JVMs start side by side; then each is waited for
            collectors.forEach(c -> c.process.start());
            for (KafkaRelayIT.Relay r : relays) {
                r.start();
            }
            for (Collector c : collectors) {
                c.awaitHealthy();
            }
            try (HaproxyFixture lb = HaproxyFixture.launch(collectors.stream().map(Collector::backend).toList(),
                    new HaproxyFixture.Options(true, "127.0.0.2"))) {
                for (Collector c : collectors) {
                    assertThat(lb.awaitStatus(c.name, "UP", Duration.ofSeconds(10))).as(c.name + " UP").isTrue();
                }
                CounterModel model = new CounterModel(DEVICES, INTERFACES, "lb-");
                DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", lb.port()), DEVICES)
                        .withPaths(Set.of(SensorPath.IFMGR_STATISTICS)).withRedial(REDIAL, Duration.ofSeconds(4));
                try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
                    SentLog sent = sim.recordSent();
                    sim.start();
                    assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();
                    Map<String, HaproxyFixture.ServerState> spread = lb.servers();
                    // leastconn spreads the devices (10 each when they connect one by one; HAProxy's two
                    // threads may place concurrent connects one off)
                    assertThat(spread.values().stream().mapToInt(HaproxyFixture.ServerState::currentSessions).sum())
                            .isEqualTo(DEVICES);
                    assertThat(spread.values()).allSatisfy(s -> assertThat(s.currentSessions()).isBetween(DEVICES / 3 - 2,
                            DEVICES / 3 + 2));

                    // 1. steady flow
                    long start = System.currentTimeMillis() + 500;
                    int i = 0;
                    for (; i < 8; i++) {
                        sample(sim, start, i);
                    }
                    awaitSettled(influx, relays, sent.points());
                    assertExactlyOnce(influx, model, sent, Set.of());
                    for (Collector c : collectors) {
                        // every HAProxy connection came with a valid PROXY header: nothing refused
                        assertThat(c.metric("teleflux_dialout_rejected_total")).as(c.name).isZero();
                    }
                    System.out.printf("DialoutFailoverIT: steady flow through %s: %d points, each in InfluxDB once%n",
                            spread, sent.points());

                    // 2. SIGKILL c1 right after a sample was handed to its streams
                    Collector killed = collectors.get(0);
                    int onKilled = lb.servers().get(killed.name).currentSessions();
                    start = System.currentTimeMillis() + 500 - i * 1000L;
                    sample(sim, start, i++);
                    long killMs = System.currentTimeMillis();
                    killed.process.kill();
                    long[] reconnectedAt = new long[DEVICES];
                    for (; i < 20; i++) {
                        long due = start + i * 1000L;
                        while (System.currentTimeMillis() < due) {
                            for (int d = 0; d < DEVICES; d++) {
                                if (reconnectedAt[d] == 0 && sim.deviceStats(d).connections() > 1) {
                                    reconnectedAt[d] = System.currentTimeMillis();
                                }
                            }
                            Thread.sleep(10);
                        }
                        sample(sim, start, i);
                    }
                    assertThat(lb.awaitStatus(killed.name, "DOWN", Duration.ofSeconds(10))).isTrue();

                    Set<Integer> moved = new java.util.TreeSet<>();
                    long slowest = 0;
                    for (int d = 0; d < DEVICES; d++) {
                        if (sim.deviceStats(d).connections() > 1) {
                            moved.add(d);
                            assertThat(reconnectedAt[d]).as("device %d reconnected", d).isPositive();
                            slowest = Math.max(slowest, reconnectedAt[d] - killMs);
                        }
                        assertThat(sim.deviceStats(d).connected()).as("device %d connected", d).isTrue();
                    }
                    assertThat(moved).as("exactly the devices that were on %s redialled", killed.name).hasSize(onKilled);
                    assertThat(slowest).as("slowest reconnect after the kill, ms").isLessThanOrEqualTo(RECONNECT_BOUND.toMillis());
                    Map<String, HaproxyFixture.ServerState> after = lb.servers();
                    assertThat(after.get(killed.name).currentSessions()).isZero();
                    assertThat(after.get("c2").currentSessions() + after.get("c3").currentSessions()).isEqualTo(DEVICES);
                    // every moved device sent again on its new stream (the samples after its reconnect)
                    for (int d : moved) {
                        int[] conn = sent.connections(d);
                        assertThat(conn[conn.length - 1]).as("device %d's last sample went on a new stream", d).isEqualTo(2);
                    }

                    long lossBound = (long) onKilled * INTERFACES * (IN_FLIGHT.toMillis() / 1000 + 1);
                    awaitSettled(influx, relays, sent.points() - lossBound);
                    Loss loss = assertExactlyOnce(influx, model, sent, moved, killMs);
                    for (Collector c : collectors.subList(1, 3)) {
                        assertThat(c.metric(KafkaMetrics.DROPPED)).isZero();
                        assertThat(c.metric(KafkaMetrics.SPOOL_POINTS)).isZero();
                    }
                    System.out.printf("DialoutFailoverIT: %s SIGKILLed with %d devices; all redialled through haproxy "
                                    + "within %d ms (bound %d ms); %d of %d sent points missing, all from the killed "
                                    + "process's last %d ms (bound %d ms); %d samples not sent while disconnected%n",
                            killed.name, onKilled, slowest, RECONNECT_BOUND.toMillis(), loss.points, sent.points(),
                            loss.oldestBeforeKillMs, IN_FLIGHT.toMillis(), sim.stats().messagesDropped());
                }
            }
        } finally {
            for (Collector c : collectors) {
                c.process.stop(Duration.ofSeconds(20));
            }
            for (KafkaRelayIT.Relay r : relays) {
                r.process.stop(Duration.ofSeconds(20));
            }
            TempDirs.delete(dir);
        }
    }

    /** Sample {@code i} at its wall-clock instant, waiting until every device handed it over (or dropped it). */
    static void sample(DialoutSimulator sim, long start, int i) throws Exception {
        long due = start + i * 1000L;
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        sim.sendSample(due).get(30, TimeUnit.SECONDS);
    }

    /**
     * Waits until InfluxDB holds at least {@code atLeast} points, the relays have no lag and the count has
     * stayed put for a second (read every 200 ms, so that it ends within 200 ms of that second).
     */
    static void awaitSettled(InfluxdFixture influx, List<KafkaRelayIT.Relay> relays, long atLeast) throws Exception {
        long last = -1;
        long since = System.nanoTime();
        boolean settled = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!settled && System.nanoTime() < deadline) {
            long now = SpoolCrashIT.total(influx);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
            settled = now >= atLeast && System.nanoTime() - since >= TimeUnit.SECONDS.toNanos(1)
                    && relays.stream().allMatch(r -> r.metric(KafkaMetrics.RELAY_LAG) == 0);
            if (!settled) {
                Thread.sleep(200);
            }
        }
        assertThat(settled).as("InfluxDB holds at least %d points and stops growing (has %d)", atLeast,
                SpoolCrashIT.total(influx)).isTrue();
    }

    record Loss(long points, long oldestBeforeKillMs) {
    }

    static void assertExactlyOnce(InfluxdFixture influx, CounterModel model, SentLog sent, Set<Integer> moved) {
        assertExactlyOnce(influx, model, sent, moved, Long.MAX_VALUE);
    }

    /** The per-series assertions of the class comment; returns what the moved devices lost. */
    static Loss assertExactlyOnce(InfluxdFixture influx, CounterModel model, SentLog sent, Set<Integer> moved,
                                  long killMs) {
        long lostPoints = 0;
        long oldest = 0;
        for (int d = 0; d < DEVICES; d++) {
            long[] times = sent.times(d);
            int[] conn = sent.connections(d);
            InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = '"
                    + model.deviceName(d) + "' GROUP BY interface");
            assertThat(r.series()).as("device %d's series", d).hasSize(INTERFACES);
            Map<String, List<Long>> stored = new HashMap<>();
            for (InfluxQueryResult.Series s : r.series()) {
                stored.put(s.tags().toString(), s.column("time").stream().map(o -> ((Number) o).longValue()).toList());
            }
            for (Map.Entry<String, List<Long>> e : stored.entrySet()) {
                List<Long> got = e.getValue();
                TreeSet<Long> gotSet = new TreeSet<>(got);
                assertThat(got).as("device %d %s: no timestamp twice", d, e.getKey()).hasSameSizeAs(gotSet);
                TreeSet<Long> sentSet = new TreeSet<>();
                for (long t : times) {
                    sentSet.add(t);
                }
                assertThat(sentSet).as("device %d %s: nothing that was not sent", d, e.getKey()).containsAll(gotSet);
                if (!moved.contains(d)) {
                    assertThat(gotSet).as("device %d %s: every sample", d, e.getKey()).isEqualTo(sentSet);
                    continue;
                }
                boolean missingSeen = false;
                for (int k = 0; k < times.length; k++) {
                    boolean present = gotSet.contains(times[k]);
                    if (conn[k] > 1) {
                        assertThat(present).as("device %d %s: sample %d on its new stream", d, e.getKey(), times[k]).isTrue();
                    } else if (!present) {
                        missingSeen = true;
                        assertThat(times[k]).as("device %d %s: a missing sample was handed to the dead stream within %s "
                                + "of the kill at %d", d, e.getKey(), IN_FLIGHT, killMs)
                                .isGreaterThanOrEqualTo(killMs - IN_FLIGHT.toMillis());
                        lostPoints++;
                        oldest = Math.max(oldest, killMs - times[k]);
                    } else {
                        assertThat(missingSeen).as("device %d %s: sample %d arrived after an earlier one of the same "
                                + "stream was lost (a hole, not a tail)", d, e.getKey(), times[k]).isFalse();
                    }
                }
            }
        }
        return new Loss(lostPoints, oldest);
    }
}
