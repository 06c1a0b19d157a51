package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * InfluxDB outages with the durable spool, end to end: simulated devices stream steadily into a
 * real collector, which writes to a real influxd; influxd is killed and restarted on the same data
 * dir. The collector stays up the whole time, so every message the simulator handed to a stream
 * was received: its sent-log is exactly what InfluxDB must hold (or what the collector counted as
 * dropped). Only wall-clock pauses make the outage; nothing asserts how fast anything is.
 */
class SpoolOutageIT {
    static final String DB = "telemetry";

    /** Samples the collector's spool size while a test runs, for the peak. */
    static final class Peak implements AutoCloseable {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong points = new AtomicLong();
        private final Thread t;
        private volatile boolean stop;

        Peak(Metrics m) {
            t = Thread.ofPlatform().daemon().name("spool-peak").start(() -> {
                while (!stop) {
                    bytes.accumulateAndGet((long) m.value("teleflux_spool_bytes"), Math::max);
                    points.accumulateAndGet((long) m.value("teleflux_spool_points"), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            t.join();
        }
    }

    static DialoutSimulator simulator(Collector c, String prefix, int devices, Set<SensorPath> paths) {
        CounterModel model = new CounterModel(7, 48, prefix);
        DialoutSettings s = DialoutSettings.defaults(new HostPort("127.0.0.1", c.dialoutPort()), devices)
                .withInterval(Duration.ofSeconds(1)).withPaths(paths);
        return new DialoutSimulator(model, s);
    }

    static long total(InfluxdFixture influx, String prefix) {
        InfluxQueryResult r = influx.query(DB, "SELECT count(in_octets) FROM interface WHERE device =~ /^" + prefix + "/");
        return r.isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
    }

    /**
     * Waits (bounded) until InfluxDB holds points of every one of the simulator's devices: the flow
     * before an outage is established and written, which a fixed pause used to wait for.
     */
    static void awaitEveryDeviceWritten(InfluxdFixture influx, String prefix, int devices) throws InterruptedException {
        String q = "SELECT count(in_octets) FROM interface WHERE device =~ /^" + prefix + "/ GROUP BY device";
        assertThat(TestCollector.await(60, () -> influx.query(DB, q).series().size() == devices))
                .as("points of all %d devices in InfluxDB before the outage", devices).isTrue();
    }

    /** count(in_octets) per series of the simulator's devices. */
    static Map<SentLog.Series, Long> countsPerSeries(InfluxdFixture influx, String prefix) {
        Map<SentLog.Series, Long> out = new HashMap<>();
        InfluxQueryResult r = influx.query(DB, "SELECT count(in_octets) FROM interface WHERE device =~ /^" + prefix
                + "/ AND source = 'telemetry' GROUP BY device, interface");
        for (InfluxQueryResult.Series s : r.series()) {
            out.put(new SentLog.Series(s.tags().get("device"), s.tags().get("interface")),
                    ((Number) s.value(0, "count")).longValue());
        }
        return out;
    }

    /** Timestamps of every in_octets point of one device, per interface. */
    static Map<String, TreeSet<Long>> timesOfDevice(InfluxdFixture influx, String device) {
        Map<String, TreeSet<Long>> out = new HashMap<>();
        InfluxQueryResult r = influx.query(DB, "SELECT in_octets FROM interface WHERE device = '" + device
                + "' AND source = 'telemetry' GROUP BY interface");
        for (InfluxQueryResult.Series s : r.series()) {
            TreeSet<Long> t = new TreeSet<>();
            for (Object o : s.column("time")) {
                t.add(((Number) o).longValue());
            }
            out.put(s.tags().get("interface"), t);
        }
        return out;
    }

    static TreeSet<Long> set(long[] a) {
        TreeSet<Long> t = new TreeSet<>();
        for (long x : a) {
            t.add(x);
        }
        return t;
    }

    static String collectorConfig(InfluxdFixture influx, String extra) {
        return TestCollector.v1(influx.url()) + """
                teleflux.influx { retry { initial-backoff = 100ms, max-backoff = 1s }, timeout = 5s }
                """ + extra;
    }

    /**
     * Waits (bounded) until the collector holds nothing any more: nothing to decode, nothing in the
     * writer's memory, nothing in the spool. Everything it received is then written or counted.
     */
    static void awaitIdle(Collector c) throws InterruptedException {
        Metrics m = c.metrics();
        boolean idle = TestCollector.await(240, () -> m.value("teleflux_dialout_queue_bytes") == 0
                && m.value("teleflux_queue_points") == 0 && m.value("teleflux_spool_points") == 0);
        assertThat(idle).as("collector idle: decode queue %s bytes, writer queue %s, spool %s points",
                m.value("teleflux_dialout_queue_bytes"), m.value("teleflux_queue_points"),
                m.value("teleflux_spool_points")).isTrue();
    }

    @Test
    void everyPointSentDuringASixtySecondOutageArrivesExactlyOnce() throws Exception {
        String prefix = "out-";
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            // no self-monitoring: then points written - points received = points written twice
            Collector c = TestCollector.start(collectorConfig(influx, "teleflux.selfmon.enabled = false\n"));
            DialoutSimulator sim = simulator(c, prefix, 50, SensorPath.all());
            try (c; sim; Peak peak = new Peak(c.metrics())) {
                SentLog sent = sim.recordSent();
                sim.startClock();
                assertThat(sim.awaitConnected(50, Duration.ofSeconds(60))).isTrue();
                awaitEveryDeviceWritten(influx, prefix, 50);
                long sentBefore = sent.points();

                influx.kill();
                Thread.sleep(60_000);
                long sentDuring = sent.points() - sentBefore;
                long restartNanos = System.nanoTime();
                influx.start();
                Thread.sleep(8_000);
                sim.close();
                DialoutStats st = sim.stats();
                assertThat(st.streamFailures()).as("the collector stayed up: no stream failed").isZero();
                assertThat(st.messagesDropped()).as("nothing was dropped on the device side").isZero();

                long expected = sent.points();
                awaitIdle(c);
                assertThat(total(influx, prefix)).isEqualTo(expected);
                long replayMs = (System.nanoTime() - restartNanos) / 1_000_000;

                Map<SentLog.Series, long[]> bySeries = sent.series();
                Map<SentLog.Series, Long> stored = countsPerSeries(influx, prefix);
                assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(bySeries.keySet());
                for (Map.Entry<SentLog.Series, long[]> e : bySeries.entrySet()) {
                    assertThat(stored.get(e.getKey())).as("points of %s", e.getKey()).isEqualTo(e.getValue().length);
                }
                // timestamps, exactly, for every interface of a sample of devices
                for (int d : new int[] {0, 17, 49}) {
                    String device = sim.model().deviceName(d);
                    Map<String, TreeSet<Long>> times = timesOfDevice(influx, device);
                    assertThat(times).hasSize(48);
                    TreeSet<Long> want = set(sent.times(d));
                    for (TreeSet<Long> got : times.values()) {
                        assertThat(got).isEqualTo(want);
                    }
                }
                Metrics m = c.metrics();
                assertThat(m.sum("teleflux_points_dropped_total")).isZero();
                assertThat(m.value("teleflux_spool_records_written_total")).isPositive();
                assertThat(m.value("teleflux_spool_bytes")).as("the spool is empty again: no files").isZero();
                assertThat(peak.points.get()).as("the outage was spooled").isPositive();
                long written = (long) m.value("teleflux_points_written_total");
                long received = (long) m.sum("teleflux_points_received_total");
                // more only where InfluxDB stored a batch but its answer was lost (the kill): sent again, harmlessly
                assertThat(written).isGreaterThanOrEqualTo(received);
                System.out.printf("[spool-outage] %d interface points sent by %d devices x 48 interfaces (%d during the "
                                + "60 s outage); peak spool %d bytes / %d points; %d records spooled; InfluxDB back "
                                + "to everything stored and spool empty: %d ms; points written %d, received %d "
                                + "(written twice: %d)%n",
                        expected, 50, sentDuring, peak.bytes.get(), peak.points.get(),
                        (long) m.value("teleflux_spool_records_written_total"), replayMs,
                        written, received, written - received);
            }
        }
    }

    @Test
    void aSpoolTooSmallForTheOutageDropsTheOldestAndCountsEveryPoint() throws Exception {
        String prefix = "cap-";
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            // only statistics samples and no self-monitoring: every point through the writer is in the sent-log
            Collector c = TestCollector.start(collectorConfig(influx, """
                    teleflux.selfmon.enabled = false
                    teleflux.influx.spool { max-bytes = 4 MiB, segment-size = 256 KiB }
                    """));
            DialoutSimulator sim = simulator(c, prefix, 50, Set.of(SensorPath.IFMGR_STATISTICS));
            try (c; sim; Peak peak = new Peak(c.metrics())) {
                SentLog sent = sim.recordSent();
                sim.startClock();
                assertThat(sim.awaitConnected(50, Duration.ofSeconds(60))).isTrue();
                awaitEveryDeviceWritten(influx, prefix, 50);
                long killedAt = System.currentTimeMillis();
                influx.kill();
                // the 4 MiB spool holds about 3 s of this flow: 10 s down overflows it by far (some 30 segments
                // evicted), with the last seconds of the outage kept
                Thread.sleep(10_000);
                long restartedAt = System.currentTimeMillis();
                influx.start();
                Thread.sleep(2_000); // two more samples of every series, sent after the restart
                sim.close();
                assertThat(sim.stats().streamFailures()).isZero();
                Metrics m = c.metrics();
                awaitIdle(c);
                long dropped = (long) m.value("teleflux_points_dropped_total", "reason", "spool_full");
                assertThat(dropped).as("the spool overflowed").isPositive();
                assertThat(total(influx, prefix)).isEqualTo(sent.points() - dropped);
                assertThat(m.sum("teleflux_points_dropped_total")).as("no other reason").isEqualTo(dropped);

                long missingTotal = 0;
                int maxInside = 0;
                long earliestMissing = Long.MAX_VALUE;
                long latestMissing = Long.MIN_VALUE;
                for (int d = 0; d < 50; d++) {
                    long[] times = sent.times(d);
                    Arrays.sort(times);
                    Map<String, TreeSet<Long>> stored = timesOfDevice(influx, sim.model().deviceName(d));
                    for (int p = 0; p < 48; p++) {
                        String iface = sim.model().iface(d, p).name();
                        TreeSet<Long> got = stored.getOrDefault(iface, new TreeSet<>());
                        assertThat(set(times)).as("nothing stored that was not sent").containsAll(got);
                        List<Integer> missing = new ArrayList<>();
                        for (int i = 0; i < times.length; i++) {
                            if (!got.contains(times[i])) {
                                missing.add(i);
                            }
                        }
                        assertThat(missing).as("%s %s lost its oldest spooled points", sim.model().deviceName(d), iface)
                                .isNotEmpty();
                        missingTotal += missing.size();
                        int first = missing.get(0);
                        int last = missing.get(missing.size() - 1);
                        // one run of missing points: what was sent after the run all arrived, and inside it only
                        // batches a sender was holding when their segment was evicted may have survived
                        int inside = (last - first + 1) - missing.size();
                        maxInside = Math.max(maxInside, inside);
                        assertThat(inside).as("present points inside the missing run of %s %s", sim.model().deviceName(d),
                                iface).isLessThanOrEqualTo(2);
                        assertThat(times[last]).as("nothing sent after the restart is lost").isLessThan(restartedAt);
                        assertThat(times[first]).as("nothing from well before the outage is lost")
                                .isGreaterThan(killedAt - 30_000);
                        earliestMissing = Math.min(earliestMissing, times[first]);
                        latestMissing = Math.max(latestMissing, times[last]);
                    }
                }
                assertThat(missingTotal).as("the drop counter is exactly what is missing").isEqualTo(dropped);
                System.out.printf("[spool-cap] %d points sent; spool max 4 MiB (peak %d bytes); %d dropped as spool_full = "
                                + "%d missing; missing device times from kill%+d ms to kill%+d ms (outage %d ms); at most "
                                + "%d survivors inside a series' gap%n", sent.points(), peak.bytes.get(), dropped,
                        missingTotal, earliestMissing - killedAt, latestMissing - killedAt, restartedAt - killedAt,
                        maxInside);
            }
        }
    }

    @Test
    void onFullBlockPausesTheStreamsAndDropsNothing() throws Exception {
        String prefix = "blk-";
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector c = TestCollector.start(collectorConfig(influx, """
                    teleflux.selfmon.enabled = false
                    teleflux.dialout.queue-max-bytes = 64 KiB
                    teleflux.influx { queue-max-points = 2000, batch-size = 1000, spool { max-bytes = 256 KiB, on-full = block } }
                    """));
            CounterModel model = new CounterModel(7, 48, prefix);
            DialoutSimulator sim = new DialoutSimulator(model, DialoutSettings.defaults(
                    new HostPort("127.0.0.1", c.dialoutPort()), 20).withInterval(Duration.ofSeconds(1))
                    .withPaths(Set.of(SensorPath.IFMGR_STATISTICS)).withBacklogMessages(2));
            try (c; sim; Peak peak = new Peak(c.metrics())) {
                SentLog sent = sim.recordSent();
                sim.startClock();
                assertThat(sim.awaitConnected(20, Duration.ofSeconds(60))).isTrue();
                awaitEveryDeviceWritten(influx, prefix, 20);
                long t0 = System.nanoTime();
                influx.kill();
                Metrics m = c.metrics();
                boolean paused = TestCollector.await(120, () -> m.value("teleflux_queue_points") >= 2000 - 48
                        && m.value("teleflux_dialout_streams_waiting") > 0);
                assertThat(paused).as("memory full, accept() blocked, streams paused (queue %s, waiting streams %s)",
                        m.value("teleflux_queue_points"), m.value("teleflux_dialout_streams_waiting")).isTrue();
                // a paused stream stops being writable: the devices' own small backlogs overflow
                long pausedMs = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(3_000);
                assertThat(m.value("teleflux_queue_points")).as("still full: accept() stays blocked")
                        .isGreaterThanOrEqualTo(2000 - 48);
                assertThat(m.value("teleflux_dialout_streams_waiting")).as("streams stay paused").isPositive();
                assertThat(m.value("teleflux_spool_bytes")).isLessThanOrEqualTo(256 * 1024);
                assertThat(m.value("teleflux_dialout_flow_paused_total")).isPositive();
                assertThat(m.sum("teleflux_points_dropped_total")).as("the collector drops nothing").isZero();

                influx.start();
                // instead of a fixed 3 s: until the writer took from memory again and no stream waits any more
                assertThat(TestCollector.await(60, () -> m.value("teleflux_dialout_streams_waiting") == 0
                        && m.value("teleflux_queue_points") < 2000 - 48)).as("streams read again after the restart (queue %s, "
                        + "waiting streams %s)", m.value("teleflux_queue_points"), m.value("teleflux_dialout_streams_waiting")).isTrue();
                long closeAt = System.nanoTime();
                sim.close();
                long closeMs = (System.nanoTime() - closeAt) / 1_000_000;
                assertThat(sim.stats().streamFailures()).isZero();
                awaitIdle(c);
                long idleMs = (System.nanoTime() - closeAt) / 1_000_000;
                System.out.printf("[spool-block] paused %d ms after the kill; after the restart, the simulator closed in "
                        + "%d ms and the collector was idle %d ms after that%n", pausedMs, closeMs, idleMs);
                assertThat(total(influx, prefix)).isEqualTo(sent.points());
                Map<SentLog.Series, long[]> bySeries = sent.series();
                Map<SentLog.Series, Long> stored = countsPerSeries(influx, prefix);
                for (Map.Entry<SentLog.Series, long[]> e : bySeries.entrySet()) {
                    assertThat(stored.get(e.getKey())).as("points of %s", e.getKey()).isEqualTo(e.getValue().length);
                }
                assertThat(m.sum("teleflux_points_dropped_total")).isZero();
                System.out.printf("[spool-block] %d points sent and stored, 0 dropped by the collector; spool peak %d "
                                + "bytes of 262144; %d messages dropped on the device side (never sent); flow pauses %d%n",
                        sent.points(),
                        peak.bytes.get(), sim.stats().messagesDropped(),
                        (long) m.value("teleflux_dialout_flow_paused_total"));
            }
        }
    }
}
