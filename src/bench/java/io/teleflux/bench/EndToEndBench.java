package io.teleflux.bench;

import io.teleflux.config.ConfigLoader;
import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SampleReport;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.TempDirs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End to end into a real influxd 1.6.7: simulator → collector (its own process, v1 API) → influxd,
 * against influxd's own ingest ceiling measured in the same run on the same influxd: the same line
 * protocol, made beforehand with the collector's code, posted directly in the collector's batch
 * size by as many threads as it has writers. Order: direct, collector, direct again (each into a
 * fresh database), so that a change in the machine's load during the run shows as a difference
 * between the two direct figures.
 *
 * <p>The simulator sends sample after sample as fast as the collector takes them, but never more than
 * {@link #AHEAD} samples ahead of what the collector has decoded: as on a real fleet, where each
 * device sends one sample per interval, a batch then holds about one point per series, with the
 * devices interleaved. (Left to gRPC's per-stream buffering, a saturated stream delivers dozens of
 * its samples in a burst; the batches then hold some 26 samples of each of a few devices, a shape
 * influxd 1.6 ingests at about a third of the CPU per point, which would flatter the collector.)
 * The writer's queue downstream of decoding still holds up to {@code queue-max-points}, so influxd
 * never waits for the collector. The collector's spool is off: with it, a collector fed faster than
 * InfluxDB writes would spill the excess to disk instead of slowing the devices, and the figure
 * would be one of spooling. Self-monitoring is off so that every written point is a data point.
 */
final class EndToEndBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final long T0 = DecodeBench.T;
    static final long INTERVAL_MS = 5_000;
    /** The rate of a phase is measured from 10% to 95% of its points: without start-up and drain. */
    static final double FROM = 0.10;
    static final double TO = 0.95;
    /** How many samples the simulator may be ahead of the collector's decoded points. */
    static final int AHEAD = 2;

    private EndToEndBench() {
    }

    /** One phase: into its own fresh database, directly or through the collector. */
    record Phase(String db, boolean viaCollector, Meter.Window window) {
    }

    /**
     * @param rounds direct and collector phases alternate, starting and ending with a direct one:
     *               {@code rounds} collector phases and {@code rounds + 1} direct ones
     */
    static void run(int devices, int samples, int rounds, List<String> jvmOptions) throws Exception {
        int batchSize = ConfigLoader.reference().getInt("teleflux.influx.batch-size");
        int writers = ConfigLoader.reference().getInt("teleflux.influx.writers");
        CounterModel model = new CounterModel(SEED, INTERFACES, "sim-");
        long total = (long) devices * INTERFACES * samples;
        System.out.printf("e2e: %d devices x %d interfaces x %d samples = %,d points (Ifmgr/Statistics, seed %d);"
                + " batch %d, %d writers, gzip; collector JVM options %s%n", devices, INTERFACES, samples, total, SEED,
                batchSize, writers, jvmOptions.isEmpty() ? "none" : String.join(" ", jvmOptions));
        System.out.println("load before: " + CpuSnapshot.loadAverage());
        long g0 = System.nanoTime();
        DirectWrites direct = DirectWrites.generate(model, devices, samples, T0, INTERVAL_MS, batchSize);
        System.out.printf("pre-generated %,d lines in %d batches (%,.1f MB gzipped) in %.1f s%n", direct.lines(),
                (direct.lines() + batchSize - 1) / batchSize, direct.gzipBytes() / 1e6, (System.nanoTime() - g0) / 1e9);
        if (direct.lines() != total) {
            throw new IllegalStateException("pre-generated " + direct.lines() + " lines, expected " + total);
        }
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            List<Phase> phases = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                phases.add(direct(influx, direct, "direct_" + r, writers));
                phases.add(collector(influx, model, devices, samples, total, "collector_" + r, jvmOptions));
            }
            phases.add(direct(influx, direct, "direct_" + (rounds + 1), writers));
            for (Phase p : phases) {
                long stored = count(influx, p.db);
                if (stored != total) {
                    throw new IllegalStateException("database " + p.db + " holds " + stored + " points, expected " + total);
                }
            }
            System.out.printf("queryable (SELECT count(in_octets) FROM interface): %,d points in each of the %d databases%n",
                    total, phases.size());
            report(phases);
        } finally {
            System.out.println("load after: " + CpuSnapshot.loadAverage());
        }
    }

    private static Phase direct(InfluxdFixture influx, DirectWrites direct, String db, int writers) throws Exception {
        influx.createDatabase(db);
        AtomicLong acked = new AtomicLong();
        Meter meter = new Meter(db, acked::get, -1, influx.pid(), direct.lines());
        try {
            direct.post(influx.url(), db, writers, acked);
        } finally {
            meter.close();
        }
        return new Phase(db, false, meter.window(FROM, TO));
    }

    private static Phase collector(InfluxdFixture influx, CounterModel model, int devices, int samples, long total,
                                   String db, List<String> jvmOptions) throws Exception {
        Path dir = TempDirs.create("teleflux-e2e-");
        try (CollectorProcess c = CollectorProcess.start(dir, influx.url(), db,
                "teleflux.selfmon.enabled = false\nteleflux.influx.spool.enabled = false", jvmOptions)) {
            DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", c.grpcPort()), devices)
                    .withPaths(Set.of(SensorPath.IFMGR_STATISTICS));
            Meter meter;
            try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
                sim.start();
                if (!sim.awaitConnected(devices, Duration.ofMinutes(2))) {
                    throw new IllegalStateException("only " + sim.connectedDevices() + " of " + devices
                            + " devices connected; collector log:\n" + c.tail());
                }
                // points written include one `device` point per stream (its address): count only data points
                long extra = devices;
                meter = new Meter(db, () -> Math.max(0, written(c) - extra), c.pid(), influx.pid(), total);
                try {
                    long perSample = (long) devices * INTERFACES;
                    for (int k = 0; k < samples; k++) {
                        while (k >= AHEAD && received(c) < (k - AHEAD + 1) * perSample) {
                            Thread.sleep(20);
                        }
                        SampleReport r = sim.sendSample(T0 + k * INTERVAL_MS, Set.of(SensorPath.IFMGR_STATISTICS)).get();
                        if (r.dropped() > 0) {
                            throw new IllegalStateException("the simulator dropped " + r.dropped() + " messages");
                        }
                        if (r.queued() > 0 && !sim.awaitDrained(Duration.ofMinutes(5))) {
                            throw new IllegalStateException("devices could not send for 5 minutes; collector log:\n"
                                    + c.tail());
                        }
                    }
                    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (meter.lastPoints() < total) {
                        if (System.nanoTime() > deadline || !c.isAlive()) {
                            throw new IllegalStateException("the collector wrote " + meter.lastPoints() + " of " + total
                                    + " points (" + meter.failure() + "); its log:\n" + c.tail());
                        }
                        Thread.sleep(100);
                    }
                } finally {
                    meter.close();
                }
                DialoutStats s = sim.stats();
                if (s.messagesDropped() > 0 || s.streamFailures() > 0) {
                    throw new IllegalStateException("simulator: " + s);
                }
            }
            return new Phase(db, true, meter.window(FROM, TO));
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static long received(CollectorProcess c) throws Exception {
        return c.metrics().getOrDefault("teleflux_points_received_total", 0.0).longValue();
    }

    private static long written(CollectorProcess c) throws Exception {
        return c.metrics().getOrDefault("teleflux_points_written_total", 0.0).longValue();
    }

    static long count(InfluxdFixture influx, String db) {
        InfluxQueryResult r = influx.query(db, "SELECT count(in_octets) FROM interface");
        return r.isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
    }

    private static void report(List<Phase> phases) {
        System.out.println();
        System.out.printf("%-14s %-34s %10s %8s %9s %9s %9s %8s%n", "database", "path (10%..95% of the points)",
                "points/s", "seconds", "collector", "influxd", "sim+drv", "others");
        System.out.printf("%-14s %-34s %10s %8s %9s %9s %9s %8s%n", "", "", "", "", "CPU s", "CPU s", "CPU s", "CPU s");
        for (Phase p : phases) {
            CpuSnapshot.Delta d = p.window.cpu();
            System.out.printf("%-14s %-34s %,10.0f %8.1f %9.1f %9.1f %9.1f %8.1f%n", p.db,
                    p.viaCollector ? "simulator -> collector -> influxd" : "pre-generated -> influxd",
                    p.window.pointsPerSecond(), d.wallSeconds(), d.collector(), d.influxd(), d.driver(), d.others());
        }
        Totals direct = Totals.of(phases, false);
        Totals via = Totals.of(phases, true);
        System.out.println();
        System.out.printf("ratio collector / direct = %.2f (mean %,.0f vs %,.0f points/s; goal >= 0.85)%n",
                via.meanRate / direct.meanRate, via.meanRate, direct.meanRate);
        System.out.printf("collector CPU share = %.0f%% of collector + influxd + simulator CPU (%.1f of %.1f CPU s)%n",
                100 * via.collector / via.ours(), via.collector, via.ours());
        System.out.printf("CPU s per 100k points: via the collector: collector %.2f + influxd %.2f + simulator %.2f = %.2f;"
                        + " direct: influxd %.2f + poster %.2f = %.2f%n", via.per100k(via.collector),
                via.per100k(via.influxd), via.per100k(via.driver), via.per100k(via.ours()), direct.per100k(direct.influxd),
                direct.per100k(direct.driver), direct.per100k(direct.ours()));
        System.out.printf("ratio by CPU per point (direct / via the collector, what the ratio would be with the cores"
                + " to ourselves) = %.2f%n", direct.per100k(direct.ours()) / via.per100k(via.ours()));
        System.out.printf("other work on the machine during the windows: %.2f cores (direct), %.2f cores (collector)%n",
                direct.others / direct.seconds, via.others / via.seconds);
    }

    /** The phases of one kind added up. */
    private record Totals(double meanRate, long points, double seconds, double collector, double influxd, double driver,
                          double others) {
        static Totals of(List<Phase> phases, boolean viaCollector) {
            double rates = 0;
            int n = 0;
            long points = 0;
            double seconds = 0;
            double collector = 0;
            double influxd = 0;
            double driver = 0;
            double others = 0;
            for (Phase p : phases) {
                if (p.viaCollector != viaCollector) {
                    continue;
                }
                CpuSnapshot.Delta d = p.window.cpu();
                rates += p.window.pointsPerSecond();
                n++;
                points += p.window.points();
                seconds += d.wallSeconds();
                collector += d.collector();
                influxd += d.influxd();
                driver += d.driver();
                others += d.others();
            }
            return new Totals(rates / n, points, seconds, collector, influxd, driver, others);
        }

        double ours() {
            return collector + influxd + driver;
        }

        double per100k(double cpuSeconds) {
            return cpuSeconds * 100_000 / points;
        }
    }
}
