package io.teleflux.bench;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.ProcessStats;
import io.teleflux.testsupport.TempDirs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet at its real pace: N simulated devices × 48 interfaces dialling out every 5 s on the
 * wall clock (all sensor paths; state tables every 6th sample) to the collector in its own process
 * with the reference configuration (spool and self-monitoring on), writing to a real influxd, held
 * for a number of minutes. Measures latency from device timestamp to queryable ({@link LatencyProbe}),
 * the collector's resident set and heap, everyone's CPU, and loss: what influxd holds per device
 * against what the simulator logged as sent, plus every drop and error counter on both sides.
 */
final class ScaleBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final String DB = "telemetry";
    static final long PROGRESS_EVERY_MS = 10_000;
    static final int PROBED_DEVICES = 20;
    static final long PROBE_MS = 100;

    private ScaleBench() {
    }

    /**
     * @param ceilingSamples samples per device of the fleet's statistics line protocol posted directly
     *                       into a fresh influxd first: what influxd alone ingests of this fleet's data
     * @param drain          how long to wait after the hold for the collector to write what it still holds
     */
    static void run(int devices, Duration hold, int ceilingSamples, Duration drain, List<String> jvmOptions)
            throws Exception {
        CounterModel model = new CounterModel(SEED, INTERFACES, "sim-");
        double expectedRate = devices * INTERFACES / 5.0;
        System.out.printf("scale: %d devices x %d interfaces every 5 s (about %,.0f interface points/s), all sensor paths,"
                + " seed %d, held %d s; collector JVM options %s%n", devices, INTERFACES, expectedRate, SEED,
                hold.toSeconds(), jvmOptions.isEmpty() ? "none" : String.join(" ", jvmOptions));
        System.out.println("load before: " + CpuSnapshot.loadAverage());
        double ceiling = ceiling(model, devices, ceilingSamples);
        System.out.printf("influxd alone: %,.0f points/s of this fleet's statistics line protocol (%d samples per device,"
                + " posted directly into a fresh influxd); fleet / influxd alone = %.2f%n", ceiling, ceilingSamples,
                expectedRate / ceiling);
        Path dir = TempDirs.create("teleflux-scale-");
        try (InfluxdFixture influx = InfluxdFixture.launch();
             CollectorProcess c = CollectorProcess.start(dir, influx.url(), DB, "", jvmOptions)) {
            DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", c.grpcPort()), devices);
            Map<String, String> probed = new LinkedHashMap<>();
            for (int d = 0; d < devices; d += Math.max(1, devices / PROBED_DEVICES)) {
                probed.put(model.deviceName(d), model.iface(d, 0).name());
            }
            Stats stats = new Stats(c.pid());
            DialoutStats simEnd;
            SentLog sent;
            LatencyProbe probe;
            CpuSnapshot cpu0;
            CpuSnapshot cpu1;
            try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
                sent = sim.recordSent();
                long t0 = System.nanoTime();
                sim.start();
                if (!sim.awaitConnected(devices, Duration.ofMinutes(5))) {
                    throw new IllegalStateException("only " + sim.connectedDevices() + " of " + devices
                            + " devices connected; collector log:\n" + c.tail());
                }
                System.out.printf("%d devices connected in %.1f s%n", devices, (System.nanoTime() - t0) / 1e9);
                probe = new LatencyProbe(influx, DB, probed, PROBE_MS);
                sim.startClock();
                cpu0 = CpuSnapshot.take(c.pid(), influx.pid());
                long start = System.nanoTime();
                long end = start + hold.toNanos();
                DialoutStats lastSim = sim.stats();
                double lastWritten = 0;
                CpuSnapshot lastCpu = cpu0;
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.min(PROGRESS_EVERY_MS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    if (!c.isAlive()) {
                        throw new IllegalStateException("the collector died; its log:\n" + c.tail());
                    }
                    DialoutStats s = sim.stats();
                    Map<String, Double> m = c.metrics();
                    CpuSnapshot cpu = CpuSnapshot.take(c.pid(), influx.pid());
                    CpuSnapshot.Delta d = cpu.since(lastCpu);
                    stats.sample();
                    double written = m.getOrDefault("teleflux_points_written_total", 0.0);
                    System.out.printf("  [%3.0f s] sim %,.0f points/s (%d/%d connected, dropped %d, skipped %d), written"
                                    + " %,.0f points/s, queue %,.0f points, spool %,.0f; latency %s; collector RSS %d MiB, heap"
                                    + " %d MiB; CPU cores: collector %.2f, influxd %.2f, sim+driver %.2f, others %.2f%n",
                            (System.nanoTime() - start) / 1e9,
                            (s.pointsSent() - lastSim.pointsSent()) / d.wallSeconds(), s.connected(), devices,
                            s.messagesDropped(), s.samplesSkipped(), (written - lastWritten) / d.wallSeconds(),
                            m.getOrDefault("teleflux_queue_points", 0.0), m.getOrDefault("teleflux_spool_points", 0.0),
                            probe.percentiles(), stats.lastRssKb >> 10, stats.lastHeapKb >> 10,
                            d.collector() / d.wallSeconds(), d.influxd() / d.wallSeconds(),
                            d.driver() / d.wallSeconds(), d.others() / d.wallSeconds());
                    lastSim = s;
                    lastWritten = written;
                    lastCpu = cpu;
                }
                cpu1 = CpuSnapshot.take(c.pid(), influx.pid());
                probe.close();
                simEnd = sim.stats();
            } // close(): every device half-closes its stream after its last message
            Map<String, Double> atHoldEnd = c.metrics();
            Map<String, Double> m = drained(c, drain);
            Loss loss = loss(influx, model, devices, sent, m);
            long liveKb = ProcessStats.liveHeapKb(c.pid());
            long[] rss = ProcessStats.rssKb(c.pid());
            report(devices, simEnd, atHoldEnd, m, loss, probe, stats, liveKb, rss, cpu1.since(cpu0), sent, ceiling);
        } finally {
            System.out.println("load after: " + CpuSnapshot.loadAverage());
            TempDirs.delete(dir);
        }
    }

    /** The collector's resident set and heap, sampled with the progress line. */
    private static final class Stats {
        private final long pid;
        long lastRssKb;
        long maxRssKb;
        long lastHeapKb;
        long maxHeapKb;
        int heapSamples;

        Stats(long pid) {
            this.pid = pid;
        }

        void sample() {
            lastRssKb = ProcessStats.rssKb(pid)[0];
            maxRssKb = Math.max(maxRssKb, lastRssKb);
            long heap = ProcessStats.heapUsedKb(pid);
            if (heap >= 0) {
                lastHeapKb = heap;
                maxHeapKb = Math.max(maxHeapKb, heap);
                heapSamples++;
            }
        }
    }

    /** What the collector holds and has not written yet: memory queue, spool, undecoded messages aside. */
    private static double pending(Map<String, Double> m) {
        return m.getOrDefault("teleflux_queue_points", 0.0) + m.getOrDefault("teleflux_spool_points", 0.0);
    }

    /**
     * Waits until the collector has written everything it holds (nothing pending and the written count
     * steady), or {@code drain} has passed; prints the drain's progress.
     */
    private static Map<String, Double> drained(CollectorProcess c, Duration drain) throws Exception {
        long start = System.nanoTime();
        long deadline = start + drain.toNanos();
        double before = -1;
        long lastPrint = start;
        while (true) {
            Map<String, Double> m = c.metrics();
            double written = m.getOrDefault("teleflux_points_written_total", 0.0);
            boolean empty = pending(m) == 0 && m.getOrDefault("teleflux_dialout_queue_bytes", 0.0) == 0;
            if ((empty && written == before) || System.nanoTime() > deadline) {
                System.out.printf("drain: %.0f s after the hold, %,.0f points still pending in the collector%n",
                        (System.nanoTime() - start) / 1e9, pending(m));
                return m;
            }
            if (System.nanoTime() - lastPrint > PROGRESS_EVERY_MS * 1_000_000) {
                System.out.printf("  [drain %3.0f s] written %,.0f, pending %,.0f (queue + spool)%n",
                        (System.nanoTime() - start) / 1e9, written, pending(m));
                lastPrint = System.nanoTime();
            }
            before = written;
            Thread.sleep(2_000);
        }
    }

    /** influxd alone: the fleet's statistics line protocol, made by the collector's code, posted directly. */
    private static double ceiling(CounterModel model, int devices, int samples) throws Exception {
        int batchSize = io.teleflux.config.ConfigLoader.reference().getInt("teleflux.influx.batch-size");
        int writers = io.teleflux.config.ConfigLoader.reference().getInt("teleflux.influx.writers");
        DirectWrites direct = DirectWrites.generate(model, devices, samples, EndToEndBench.T0, 5_000, batchSize);
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            influx.createDatabase(DB);
            AtomicLong acked = new AtomicLong();
            long t0 = System.nanoTime();
            try (Meter meter = new Meter("influxd alone", acked::get, -1, influx.pid(), direct.lines())) {
                direct.post(influx.url(), DB, writers, acked);
            }
            return direct.lines() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * @param pending points the collector still held when the drain ended (not lost: still to be written)
     * @param dropped points the collector counted as dropped, any reason
     */
    record Loss(long sentPoints, long storedPoints, long pending, long dropped, int devicesShort, int devicesOver) {
        long unaccounted() {
            return sentPoints - storedPoints;
        }
    }

    /** Per device: {@code count(in_octets)} in influxd against the statistics samples the simulator sent × 48. */
    private static Loss loss(InfluxdFixture influx, CounterModel model, int devices, SentLog sent, Map<String, Double> m) {
        Map<String, Long> stored = new HashMap<>();
        InfluxQueryResult r = influx.query(DB,
                "SELECT count(in_octets) FROM interface WHERE source = 'telemetry' GROUP BY device");
        for (InfluxQueryResult.Series s : r.series()) {
            stored.put(s.tags().get("device"), ((Number) s.value(0, "count")).longValue());
        }
        long sentPoints = 0;
        long storedPoints = 0;
        int shortDevices = 0;
        int overDevices = 0;
        for (int d = 0; d < devices; d++) {
            long expected = (long) sent.times(d).length * INTERFACES;
            long got = stored.getOrDefault(model.deviceName(d), 0L);
            sentPoints += expected;
            storedPoints += got;
            if (got < expected) {
                shortDevices++;
            } else if (got > expected) {
                overDevices++;
            }
        }
        return new Loss(sentPoints, storedPoints, (long) pending(m),
                m.getOrDefault("teleflux_points_dropped_total", 0.0).longValue(), shortDevices, overDevices);
    }

    private static void report(int devices, DialoutStats sim, Map<String, Double> atHoldEnd, Map<String, Double> m,
                               Loss loss, LatencyProbe probe, Stats stats, long liveKb, long[] rss, CpuSnapshot.Delta cpu,
                               SentLog sent, double ceiling) {
        double seconds = cpu.wallSeconds();
        LatencyProbe.Percentiles p = probe.percentiles();
        double written = atHoldEnd.getOrDefault("teleflux_points_written_total", 0.0);
        System.out.println();
        System.out.printf("devices                     %,d x %d interfaces, 5 s interval, %.0f s%n", devices, INTERFACES,
                seconds);
        System.out.printf("simulator                   %,d messages, %,d points (%,.0f points/s; %,d statistics points"
                        + " logged), dropped %d, stream failures %d, samples skipped %d%n", sim.messagesSent(),
                sim.pointsSent(), sim.pointsSent() / seconds, sent.points(), sim.messagesDropped(), sim.streamFailures(),
                sim.samplesSkipped());
        System.out.printf("written during the hold      %,.0f points (%,.0f points/s; ratio to what the simulator sent %.2f;"
                        + " influxd alone %,.0f points/s); pending at the end of the hold %,.0f%n", written,
                written / seconds, written / Math.max(1, sim.pointsSent()), ceiling, pending(atHoldEnd));
        System.out.printf("latency device -> queryable %s; probe every %d ms (%d devices, one interface each), query"
                        + " %.0f ms on average; probe errors %s%n", p, PROBE_MS, probe.devices(), probe.meanQueryMs(),
                probe.errors());
        System.out.printf("ratio p99 / goal (2,000 ms) = %.2f%n", p.p99() / 2000.0);
        System.out.printf("loss                        influxd holds %,d of %,d interface statistics points sent (ratio"
                        + " %.4f); the collector still holds %,d, counted %,d as dropped %s; devices short %d, over %d%n",
                loss.storedPoints, loss.sentPoints,
                loss.sentPoints == 0 ? Double.NaN : (double) loss.storedPoints / loss.sentPoints, loss.pending,
                loss.dropped, dropReasons(m), loss.devicesShort, loss.devicesOver);
        System.out.printf("collector counters          written %,.0f, write errors %,.0f, decode errors %,.0f, rejected"
                        + " %,.0f, streams closed %,.0f%n",
                m.getOrDefault("teleflux_points_written_total", 0.0), m.getOrDefault("teleflux_write_errors_total", 0.0),
                m.getOrDefault("teleflux_decode_errors_total", 0.0), m.getOrDefault("teleflux_dialout_rejected_total", 0.0),
                m.getOrDefault("teleflux_dialout_streams_closed_total", 0.0));
        System.out.printf("collector memory            RSS max %d MiB sampled, peak (VmHWM) %d MiB, now %d MiB (goal < 1,024"
                        + " MiB; ratio %.2f); heap in use max %d MiB (%d samples), live after full GC %d MiB%n",
                stats.maxRssKb >> 10, rss[1] >> 10, rss[0] >> 10, (rss[1] >> 10) / 1024.0, stats.maxHeapKb >> 10,
                stats.heapSamples, liveKb >> 10);
        System.out.printf("CPU cores (average)         collector %.2f, influxd %.2f, simulator+driver %.2f, others %.2f;"
                        + " collector CPU s per 100k points received %.2f%n", cpu.collector() / seconds,
                cpu.influxd() / seconds, cpu.driver() / seconds, cpu.others() / seconds,
                cpu.collector() * 100_000 / Math.max(1, atHoldEnd.getOrDefault("teleflux_points_received_total", 0.0)));
    }

    /** The collector's dropped counters by reason, e.g. {@code (spool_full 1234)}; empty when none. */
    private static String dropReasons(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (k.startsWith("teleflux_points_dropped_total{") && v > 0) {
                sb.append(sb.isEmpty() ? "(" : ", ").append(k, k.indexOf('{') + 1, k.length() - 1).append(' ')
                        .append(String.format("%,.0f", v));
            }
        });
        return sb.isEmpty() ? "" : sb.append(')').toString();
    }
}
