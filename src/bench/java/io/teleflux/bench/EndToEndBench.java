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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End to end into a real influxd 1.6.7: simulator → collector (its own process, v1 API) → influxd,
 * against influxd's own ingest ceiling for the same data on the same influxd: the same line
 * protocol, made beforehand with the collector's code, posted directly in the collector's batch
 * size by as many threads as it has writers. The two are interleaved ({@link Interleaved}): influxd,
 * the collector and the connected simulator stay up for the whole run, and in rounds of equal
 * length the direct poster and the simulator take turns (rotating order), each into its own
 * database. A side's rate counts the points its round made queryable-to-be (answered by influxd),
 * including the tail: the collector's round ends when it has written every point of the samples
 * sent in it, so each round starts from an idle pipeline; to keep that tail short, the simulator is
 * also held back when more samples than the writers' batches in flight and as many again queued are
 * not yet written.
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
 * When the direct side has posted all pre-generated batches it starts over into a fresh database.
 */
final class EndToEndBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final long T0 = DecodeBench.T;
    static final long INTERVAL_MS = 5_000;
    /** How many samples the simulator may be ahead of the collector's decoded points. */
    static final int AHEAD = 2;
    /** The database the collector writes into. */
    static final String VIA_DB = "via_collector";

    private EndToEndBench() {
    }

    /** CPU seconds and points of one side over its measured rounds. */
    private static final class Totals {
        long points;
        double seconds;
        double collector;
        double influxd;
        double driver;
        double others;

        void add(long pts, CpuSnapshot.Delta d) {
            points += pts;
            seconds += d.wallSeconds();
            collector += d.collector();
            influxd += d.influxd();
            driver += d.driver();
            others += d.others();
        }

        double ours() {
            return collector + influxd + driver;
        }

        double per100k(double cpuSeconds) {
            return cpuSeconds * 100_000 / points;
        }
    }

    /**
     * @param samples pre-generated samples per device for the direct side (it starts over into a new
     *                database when they are used up)
     */
    static void run(boolean smoke, int devices, int samples, int warmup, int rounds, int roundSeconds,
                    List<String> jvmOptions) throws Exception {
        int batchSize = ConfigLoader.reference().getInt("teleflux.influx.batch-size");
        int writers = ConfigLoader.reference().getInt("teleflux.influx.writers");
        CounterModel model = new CounterModel(SEED, INTERFACES, "sim-");
        long perSample = (long) devices * INTERFACES;
        System.out.printf("e2e: %d devices x %d interfaces (Ifmgr/Statistics, seed %d); batch %d, %d writers (direct: gzip level 1);"
                + " rounds of %d s interleaved (%d warm-up + %d measured per side); collector JVM options %s%n", devices,
                INTERFACES, SEED, batchSize, writers, roundSeconds, warmup, rounds,
                jvmOptions.isEmpty() ? "none" : String.join(" ", jvmOptions));
        System.out.println("load before: " + CpuSnapshot.loadAverage());
        long g0 = System.nanoTime();
        DirectWrites direct = DirectWrites.generate(model, devices, samples, T0, INTERVAL_MS, batchSize);
        System.out.printf("pre-generated %,d lines in %d batches (%,.1f MB gzipped) in %.1f s%n", direct.lines(),
                direct.bodies(), direct.gzipBytes() / 1e6, (System.nanoTime() - g0) / 1e9);
        if (direct.lines() != perSample * samples) {
            throw new IllegalStateException("pre-generated " + direct.lines() + " lines, expected " + perSample * samples);
        }
        long roundNanos = roundSeconds * 1_000_000_000L;
        // samples sent but not yet written, at most: enough for the writers' batches in flight and as many
        // again queued (so influxd never waits), few enough that a round's tail is short and rounds stay equal
        long queued = Math.max(AHEAD + 1, (2L * batchSize * writers + perSample - 1) / perSample);
        Path dir = TempDirs.create("teleflux-e2e-");
        try (InfluxdFixture influx = InfluxdFixture.launch();
             CollectorProcess c = startCollector(influx, dir, jvmOptions)) {
            Totals directTotals = new Totals();
            Totals viaTotals = new Totals();
            // direct side: the database it writes into, the next body, and the lines each database got
            Map<String, Long> directDbs = new LinkedHashMap<>();
            int[] next = {0};
            long[] sent = {0}; // samples the simulator has sent
            // every round's points and CPU, warm-up included: each side runs once per round
            List<Object[]> directRounds = new java.util.ArrayList<>();
            List<Object[]> viaRounds = new java.util.ArrayList<>();
            DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", c.grpcPort()), devices)
                    .withPaths(Set.of(SensorPath.IFMGR_STATISTICS));
            try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
                sim.start();
                if (!sim.awaitConnected(devices, Duration.ofMinutes(2))) {
                    throw new IllegalStateException("only " + sim.connectedDevices() + " of " + devices
                            + " devices connected; collector log:\n" + c.tail());
                }
                // one `device` point per stream (its address) is written with its first message: not a data point
                long extra = devices;
                Interleaved il = new Interleaved("direct")
                        .add("direct", () -> {
                            if (next[0] == direct.bodies() || directDbs.isEmpty()) {
                                String db = "direct_" + (directDbs.size() + 1);
                                influx.createDatabase(db);
                                directDbs.put(db, 0L);
                                next[0] = 0;
                            }
                            String db = directDbs.keySet().stream().reduce((a, b) -> b).orElseThrow();
                            AtomicLong acked = new AtomicLong();
                            CpuSnapshot c0 = CpuSnapshot.take(c.pid(), influx.pid());
                            next[0] = direct.post(influx.url(), db, writers, next[0], c0.nanos() + roundNanos, acked);
                            CpuSnapshot.Delta d = CpuSnapshot.take(c.pid(), influx.pid()).since(c0);
                            directDbs.merge(db, acked.get(), Long::sum);
                            directRounds.add(new Object[] {acked.get(), d});
                            return acked.get() / d.wallSeconds();
                        })
                        .add("collector", () -> {
                            long s0 = sent[0];
                            CpuSnapshot c0 = CpuSnapshot.take(c.pid(), influx.pid());
                            do {
                                long k = sent[0];
                                while (k >= AHEAD && received(c) < (k - AHEAD + 1) * perSample
                                        || k >= queued && written(c) - extra < (k - queued + 1) * perSample) {
                                    Thread.sleep(5);
                                }
                                SampleReport r = sim.sendSample(T0 + k * INTERVAL_MS, Set.of(SensorPath.IFMGR_STATISTICS))
                                        .get();
                                if (r.dropped() > 0) {
                                    throw new IllegalStateException("the simulator dropped " + r.dropped() + " messages");
                                }
                                if (r.queued() > 0 && !sim.awaitDrained(Duration.ofMinutes(5))) {
                                    throw new IllegalStateException("devices could not send for 5 minutes; collector"
                                            + " log:\n" + c.tail());
                                }
                                sent[0]++;
                            } while (System.nanoTime() - c0.nanos() < roundNanos);
                            awaitWritten(c, extra, sent[0] * perSample);
                            CpuSnapshot.Delta d = CpuSnapshot.take(c.pid(), influx.pid()).since(c0);
                            long pts = (sent[0] - s0) * perSample; // all written: awaited above
                            viaRounds.add(new Object[] {pts, d});
                            return pts / d.wallSeconds();
                        });
                Map<String, Interleaved.Result> r = il.run(warmup, rounds, (i, rates) -> System.out.printf(
                        "  round %d: direct %,.0f, collector %,.0f points/s%n", i + 1, rates.get("direct"),
                        rates.get("collector")));
                for (int i = warmup; i < directRounds.size(); i++) {
                    directTotals.add((Long) directRounds.get(i)[0], (CpuSnapshot.Delta) directRounds.get(i)[1]);
                    viaTotals.add((Long) viaRounds.get(i)[0], (CpuSnapshot.Delta) viaRounds.get(i)[1]);
                }
                DialoutStats s = sim.stats();
                if (s.messagesDropped() > 0 || s.streamFailures() > 0) {
                    throw new IllegalStateException("simulator: " + s);
                }
                long stored = count(influx, VIA_DB);
                if (stored != sent[0] * perSample) {
                    throw new IllegalStateException("the collector's database holds " + stored + " points, expected "
                            + sent[0] * perSample);
                }
                for (Map.Entry<String, Long> e : directDbs.entrySet()) {
                    if (count(influx, e.getKey()) != e.getValue()) {
                        throw new IllegalStateException("database " + e.getKey() + " holds " + count(influx, e.getKey())
                                + " points, influxd acknowledged " + e.getValue());
                    }
                }
                System.out.printf("queryable (SELECT count(in_octets) FROM interface): %,d points via the collector (%d"
                        + " samples), %,d posted directly into %d database(s): every acknowledged point%n", stored, sent[0],
                        directDbs.values().stream().mapToLong(Long::longValue).sum(), directDbs.size());
                report(r, directTotals, viaTotals);
            }
        } finally {
            TempDirs.delete(dir);
            System.out.println("load after: " + CpuSnapshot.loadAverage());
            if (smoke) {
                System.out.println("(smoke run: the figures mean nothing)");
            }
        }
    }

    private static CollectorProcess startCollector(InfluxdFixture influx, Path dir, List<String> jvmOptions)
            throws Exception {
        influx.createDatabase(VIA_DB);
        return CollectorProcess.start(dir, influx.url(), VIA_DB,
                "teleflux.selfmon.enabled = false\nteleflux.influx.spool.enabled = false", jvmOptions);
    }

    /** Waits until the collector has written {@code extra + points} points (5 minutes at most). */
    private static void awaitWritten(CollectorProcess c, long extra, long points) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long w;
        while ((w = written(c)) < extra + points) {
            if (System.nanoTime() > deadline || !c.isAlive()) {
                throw new IllegalStateException("the collector wrote " + (w - extra) + " of " + points
                        + " points; its log:\n" + c.tail());
            }
            Thread.sleep(10);
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

    private static void report(Map<String, Interleaved.Result> r, Totals direct, Totals via) {
        System.out.println();
        System.out.printf("%-10s %10s %9s %9s %9s %9s %8s%n", "side", "points/s", "seconds", "collector", "influxd",
                "sim+drv", "others");
        System.out.printf("%-10s %10s %9s %9s %9s %9s %8s%n", "", "(median)", "", "CPU s", "CPU s", "CPU s", "CPU s");
        for (Map.Entry<String, Totals> e : Map.of("direct", direct, "collector", via).entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())).toList()) {
            Totals t = e.getValue();
            System.out.printf("%-10s %,10.0f %9.1f %9.1f %9.1f %9.1f %8.1f%n", e.getKey(), r.get(e.getKey()).medianRate(),
                    t.seconds, t.collector, t.influxd, t.driver, t.others);
        }
        System.out.println();
        System.out.printf("ratio collector / direct = %s (goal >= 0.85)%n", r.get("collector").ratioSpread());
        System.out.printf("collector CPU share = %.0f%% of collector + influxd + simulator CPU (%.1f of %.1f CPU s)%n",
                100 * via.collector / via.ours(), via.collector, via.ours());
        System.out.printf("CPU s per 100k points: via the collector: collector %.2f + influxd %.2f + simulator %.2f = %.2f;"
                        + " direct: influxd %.2f + poster %.2f = %.2f%n", via.per100k(via.collector),
                via.per100k(via.influxd), via.per100k(via.driver), via.per100k(via.ours()), direct.per100k(direct.influxd),
                direct.per100k(direct.driver), direct.per100k(direct.ours()));
        System.out.printf("ratio by CPU per point (direct / via the collector, what the ratio would be with the cores"
                + " to ourselves) = %.2f%n", direct.per100k(direct.ours()) / via.per100k(via.ours()));
        System.out.printf("other work on the machine during the rounds: %.2f cores (direct), %.2f cores (collector)%n",
                direct.others / direct.seconds, via.others / via.seconds);
    }
}
