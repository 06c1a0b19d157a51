package io.teleflux.bench;

import io.teleflux.config.HostPort;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.influx.WriterMetrics;
import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.ProcessStats;
import io.teleflux.testsupport.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench kafka}: the same fleet through the scaled shape and the direct one, in one run.
 *
 * <ul>
 *   <li><b>A (kafka)</b>: half the devices dial collector A1, half collector A2; both write only to
 *   a real KRaft broker ({@link KafkaFixture}, a JVM of its own from this jar); one
 *   {@code teleflux relay} reads the topic and writes to influxd.</li>
 *   <li><b>B (direct)</b>: the same two halves dial one collector B writing to the same influxd.</li>
 * </ul>
 *
 * <p>Every process (influxd, broker, three collectors, relay) stays up for the whole run, and the
 * generator is switched: each round opens the devices' streams to its shape's collector(s), samples
 * on the wall clock for the round's hold (every device every 5 s at its own phase, all sensor paths,
 * as {@link ScaleBench}), half-closes the streams and waits until the shape has written everything
 * into influxd. Tearing the stacks down per round instead would measure cold JVMs (JIT compiles,
 * heap growth, the broker's start) in every round and need rounds of minutes to hide it; kept up,
 * each round measures warm processes, and the idle stack's own CPU (heartbeats, polls) is measured
 * and shown beside. Shapes alternate A, B, then B, A, ... ({@link Interleaved}) with equal holds,
 * so both see nearly the same machine; each shape writes into a database of its own on one influxd.
 *
 * <p>Per round: points delivered into influxd (the relay's or collector B's written counter; during
 * the hold, and over the whole round with its drain), latency from device timestamp to queryable
 * ({@link LatencyProbe} on 20 devices), CPU per delivered point of each tier from {@code /proc}, and
 * the bytes the collectors' producers appended to the topic (the broker's log sizes, as the
 * compressed record batches arrive on the wire less the produce request framing).
 */
final class KafkaBench {
    static final int INTERFACES = 48;
    static final long SEED = 20261127L;
    static final String TOPIC = "teleflux-lines";
    static final int PARTITIONS = 4;
    static final String GROUP = "bench-relay";
    static final int PROBED_DEVICES = 20;
    static final double SUSTAINED_SHARE = 0.9;
    static final int SUSTAINED_DRAIN_S = 20;
    /** The InfluxDB writer's written counter (package-private in its catalogue): the collector's or the relay's. */
    static final String WRITTEN = "teleflux_points_written_total";
    static final long PROBE_MS = 100;
    /** As Kafka's own kafka-server-start.sh runs a broker (heap and GC), not the tests' C1-only JVM. */
    static final List<String> BROKER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35");

    private KafkaBench() {
    }

    /** CPU seconds of every process of the run at one instant, plus the driver's and the machine's. */
    private record Snap(long nanos, Map<String, Double> cpu, double driver, double busy) {
    }

    /** One shape's round: its figures. */
    private record Round(String shape, double hold, double window, double drain, boolean drained, long deliveredInHold,
                         long delivered, Map<String, Double> tierCpu, double driver, double idleStack, double others,
                         long topicBytes, long[] latencies, DialoutStats sim) {
        double cpuPerPointUs() {
            return tierCpu.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / delivered;
        }

        double p99() {
            return percentile(latencies, 0.99);
        }
    }

    /** One of the two shapes: the collectors the halves dial, its tiers' processes, what it delivered. */
    private static final class Shape {
        final String name;
        final String db;
        final CollectorProcess[] targets;
        /** tier name → process names (keys of {@link Snap#cpu}) */
        final Map<String, List<String>> tiers;
        final List<String> idle;
        final CollectorProcess writer;
        final List<CollectorProcess> collectors;
        final List<Round> rounds = new ArrayList<>();
        final List<SentLog> sent = new ArrayList<>();

        Shape(String name, String db, CollectorProcess[] targets, Map<String, List<String>> tiers, List<String> idle,
              CollectorProcess writer, List<CollectorProcess> collectors) {
            this.name = name;
            this.db = db;
            this.targets = targets;
            this.tiers = tiers;
            this.idle = idle;
            this.writer = writer;
            this.collectors = collectors;
        }

        long delivered() throws Exception {
            return writer.metrics().getOrDefault(WRITTEN, 0.0).longValue();
        }
    }

    static void run(boolean smoke, int devices, int pairs, int warmupPairs, Duration hold, Duration drainLimit)
            throws Exception {
        int[] half = {devices / 2, devices - devices / 2};
        if (half[0] == 0) {
            throw new IllegalArgumentException("--devices must be at least 2 (one per collector of shape A)");
        }
        CounterModel[] models = {new CounterModel(SEED, INTERFACES, "sim-a-"), new CounterModel(SEED + 1, INTERFACES, "sim-b-")};
        System.out.printf("kafka: %,d devices x %d interfaces every 5 s (about %,.0f interface points/s), all sensor paths;"
                        + " A = 2 collectors -> Kafka (KRaft, 1 broker, %d partitions) -> 1 relay -> influxd, B = 1 collector ->"
                        + " influxd; %d warm-up + %d measured rounds per shape of %d s hold, interleaved%s%n", devices,
                INTERFACES, devices * INTERFACES / 5.0, PARTITIONS, warmupPairs, pairs, hold.toSeconds(),
                smoke ? " (smoke: figures meaningless)" : "");
        System.out.printf("Java %s, %d cores; %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                CpuSnapshot.loadAverage());
        Path dir = TempDirs.create("teleflux-bench-kafka-");
        List<String> loads = new ArrayList<>();
        long start = System.nanoTime();
        try (InfluxdFixture influx = InfluxdFixture.launch();
             KafkaFixture kafka = KafkaFixture.launchWithJvm(BROKER_JVM)) {
            kafka.createTopic(TOPIC, PARTITIONS);
            influx.createDatabase("via_kafka");
            influx.createDatabase("direct");
            String common = "teleflux.selfmon.enabled = false\n";
            String toKafka = common + """
                    teleflux.influx.enabled = false
                    teleflux.kafka { enabled = true, bootstrap-servers = "%s", topic = "%s", spool.dir = "%s" }
                    """;
            CollectorProcess a1 = null;
            CollectorProcess a2 = null;
            CollectorProcess relay = null;
            CollectorProcess b = null;
            try (Admin admin = kafka.admin()) {
                a1 = CollectorProcess.start(sub(dir, "a1"), influx.url(), "via_kafka", "teleflux.instance = bench-a1\n"
                        + toKafka.formatted(kafka.bootstrap(), TOPIC, dir.resolve("a1/spool-kafka")), List.of());
                a2 = CollectorProcess.start(sub(dir, "a2"), influx.url(), "via_kafka", "teleflux.instance = bench-a2\n"
                        + toKafka.formatted(kafka.bootstrap(), TOPIC, dir.resolve("a2/spool-kafka")), List.of());
                relay = CollectorProcess.startRelay(sub(dir, "relay"), influx.url(), "via_kafka", kafka.bootstrap(), TOPIC,
                        GROUP, common);
                b = CollectorProcess.start(sub(dir, "b"), influx.url(), "direct", "teleflux.instance = bench-b\n" + common,
                        List.of());
                awaitPartitions(relay);
                System.out.printf("up in %.0f s: influxd, broker, collectors A1, A2, B, relay (holding %d partitions)%n",
                        (System.nanoTime() - start) / 1e9, PARTITIONS);
                Map<String, Long> pids = new LinkedHashMap<>();
                pids.put("a1", a1.pid());
                pids.put("a2", a2.pid());
                pids.put("broker", kafka.pid());
                pids.put("relay", relay.pid());
                pids.put("b", b.pid());
                pids.put("influxd", influx.pid());
                Map<String, List<String>> tiersA = new LinkedHashMap<>();
                tiersA.put("collectors", List.of("a1", "a2"));
                tiersA.put("broker", List.of("broker"));
                tiersA.put("relay", List.of("relay"));
                tiersA.put("influxd", List.of("influxd"));
                Map<String, List<String>> tiersB = new LinkedHashMap<>();
                tiersB.put("collectors", List.of("b"));
                tiersB.put("influxd", List.of("influxd"));
                Shape shapeA = new Shape("kafka", "via_kafka", new CollectorProcess[] {a1, a2}, tiersA, List.of("b"), relay,
                        List.of(a1, a2));
                Shape shapeB = new Shape("direct", "direct", new CollectorProcess[] {b, b}, tiersB,
                        List.of("a1", "a2", "broker", "relay"), b, List.of(b));
                Map<String, String> probed = new LinkedHashMap<>();
                for (int h = 0; h < 2; h++) {
                    for (int d = 0; d < half[h]; d += Math.max(1, half[h] / (PROBED_DEVICES / 2))) {
                        probed.put(models[h].deviceName(d), models[h].iface(d, 0).name());
                    }
                }
                Runner runner = new Runner(models, half, pids, influx, admin, probed, hold, drainLimit, loads, relay);
                Interleaved il = new Interleaved("direct")
                        .add("kafka", () -> runner.round(shapeA).cpuPerPointUs())
                        .add("direct", () -> runner.round(shapeB).cpuPerPointUs());
                Map<String, Interleaved.Result> r = il.run(warmupPairs, pairs, null);
                report(shapeA, shapeB, r, pairs, influx, relay);
            } finally {
                for (CollectorProcess c : new CollectorProcess[] {a1, a2, b, relay}) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        } finally {
            TempDirs.delete(dir);
            System.out.printf("load during the rounds: %s%n", String.join("; ", loads));
            System.out.printf("%s; run took %.0f s%n", CpuSnapshot.loadAverage(), (System.nanoTime() - start) / 1e9);
            if (smoke) {
                System.out.println("(smoke run: the figures mean nothing)");
            }
        }
    }

    private static Path sub(Path dir, String name) throws java.io.IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    private static void awaitPartitions(CollectorProcess relay) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (relay.metrics().getOrDefault(KafkaMetrics.RELAY_PARTITIONS, 0.0) < PARTITIONS) {
            if (System.nanoTime() > deadline || !relay.isAlive()) {
                throw new IllegalStateException("the relay holds no partitions after 60 s; its log:\n" + relay.tail());
            }
            Thread.sleep(100);
        }
    }

    /** Runs the rounds: the generator switched to one shape's collectors, measured until drained. */
    private record Runner(CounterModel[] models, int[] half, Map<String, Long> pids, InfluxdFixture influx, Admin admin,
                          Map<String, String> probed, Duration hold, Duration drainLimit, List<String> loads,
                          CollectorProcess relay) {

        Snap snap() {
            Map<String, Double> cpu = new LinkedHashMap<>();
            pids.forEach((name, pid) -> cpu.put(name, ProcessStats.cpuSeconds(pid)));
            return new Snap(System.nanoTime(), cpu, ProcessStats.cpuSeconds(ProcessHandle.current().pid()),
                    CpuSnapshot.machineBusySeconds());
        }

        Round round(Shape s) throws Exception {
            List<DialoutSimulator> sims = new ArrayList<>();
            try {
                for (int h = 0; h < 2; h++) {
                    DialoutSimulator sim = new DialoutSimulator(models[h],
                            DialoutSettings.defaults(new HostPort("127.0.0.1", s.targets[h].grpcPort()), half[h]));
                    s.sent.add(sim.recordSent());
                    sims.add(sim);
                    sim.start();
                }
                for (int h = 0; h < 2; h++) {
                    if (!sims.get(h).awaitConnected(half[h], Duration.ofMinutes(3))) {
                        throw new IllegalStateException("only " + sims.get(h).connectedDevices() + " of " + half[h]
                                + " devices connected to " + s.name + "; collector log:\n" + s.targets[h].tail());
                    }
                }
                LatencyProbe probe = new LatencyProbe(influx, s.db, probed, PROBE_MS);
                Snap c0 = snap();
                long d0 = s.delivered();
                long bytes0 = topicBytes();
                for (DialoutSimulator sim : sims) {
                    sim.startClock();
                }
                long end = c0.nanos() + hold.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    alive(s);
                }
                long dHold = s.delivered() - d0;
                Snap atHold = snap();
                DialoutStats st0 = sims.get(0).stats();
                DialoutStats st1 = sims.get(1).stats();
                for (DialoutSimulator sim : sims) {
                    sim.close(); // streams half-closed: every sample handed to gRPC reaches the collector
                }
                sims.clear();
                boolean drained = drain(s, c0.nanos() + hold.toNanos() + drainLimit.toNanos());
                Snap c1 = snap();
                long delivered = s.delivered() - d0;
                long bytes = topicBytes() - bytes0;
                probe.close();
                Map<String, Double> tierCpu = new LinkedHashMap<>();
                s.tiers.forEach((tier, procs) -> tierCpu.put(tier,
                        procs.stream().mapToDouble(p -> c1.cpu().get(p) - c0.cpu().get(p)).sum()));
                double idle = s.idle.stream().mapToDouble(p -> c1.cpu().get(p) - c0.cpu().get(p)).sum();
                double all = c1.cpu().keySet().stream().mapToDouble(p -> c1.cpu().get(p) - c0.cpu().get(p)).sum();
                double driver = c1.driver() - c0.driver();
                double window = (c1.nanos() - c0.nanos()) / 1e9;
                double holdSeconds = (atHold.nanos() - c0.nanos()) / 1e9;
                DialoutStats sim = sum(st0, st1);
                Round r = new Round(s.name, holdSeconds, window, window - holdSeconds, drained, dHold, delivered, tierCpu,
                        driver, idle, Math.max(0, c1.busy() - c0.busy() - all - driver), bytes, probe.latencies(), sim);
                s.rounds.add(r);
                String load = CpuSnapshot.loadAverage().replace("load average ", "");
                loads.add(load.substring(0, load.indexOf(' ', load.indexOf(' ', load.indexOf(' ') + 1) + 1)));
                System.out.printf("  %-6s round %d: %,.0f points/s delivered in the hold (%,.0f sent), %s in %.1f s;"
                                + " %.2f us CPU/point (%s); latency p50 %s p99 %s ms; %s; others %.2f cores; load %s%n",
                        s.name, s.rounds.size(), dHold / holdSeconds, sim.pointsSent() / holdSeconds,
                        drained ? "drained" : "NOT drained (limit reached)", r.drain(), r.cpuPerPointUs(), tiers(r), fmt(percentile(
                                r.latencies(), 0.5)), fmt(r.p99()), s.name.equals("kafka") ? String.format(
                                "topic +%,d bytes (%.1f bytes/point)", bytes, (double) bytes / delivered) : "",
                        r.others() / window, loads.get(loads.size() - 1));
                if (sim.messagesDropped() > 0 || sim.streamFailures() > 0) {
                    System.out.printf("    simulator: %d messages dropped, %d stream failures, %d samples skipped%n",
                            sim.messagesDropped(), sim.streamFailures(), sim.samplesSkipped());
                }
                return r;
            } finally {
                for (DialoutSimulator sim : sims) {
                    sim.close();
                }
            }
        }

        private void alive(Shape s) {
            for (CollectorProcess c : s.collectors) {
                if (!c.isAlive()) {
                    throw new IllegalStateException("a collector of " + s.name + " died; its log:\n" + c.tail());
                }
            }
            if (s.name.equals("kafka") && !relay.isAlive()) {
                throw new IllegalStateException("the relay died; its log:\n" + relay.tail());
            }
        }

        /**
         * Waits until the shape holds nothing unwritten: its collectors' queues, spools and dial-out
         * queues empty, and (A) the relay has written at least every point the collectors' producers
         * had acknowledged; then the written counter steady for a second. False at the deadline.
         */
        private boolean drain(Shape s, long deadline) throws Exception {
            long before = -1;
            while (System.nanoTime() < deadline) {
                alive(s);
                double pending = 0;
                double toKafka = 0;
                for (CollectorProcess c : s.collectors) {
                    Map<String, Double> m = c.metrics();
                    pending += m.getOrDefault(WriterMetrics.QUEUE, 0.0) + m.getOrDefault(WriterMetrics.SPOOL_POINTS, 0.0)
                            + m.getOrDefault(KafkaMetrics.QUEUE, 0.0) + m.getOrDefault(KafkaMetrics.SPOOL_POINTS, 0.0)
                            + m.getOrDefault(DialoutMetrics.DIALOUT_QUEUE_BYTES, 0.0);
                    toKafka += m.getOrDefault(KafkaMetrics.WRITTEN, 0.0);
                }
                long written = s.delivered();
                boolean caughtUp = pending == 0 && (!s.name.equals("kafka") || written >= toKafka);
                if (caughtUp && written == before) {
                    return true;
                }
                before = caughtUp ? written : -1;
                Thread.sleep(caughtUp ? 1_000 : 200);
            }
            return false;
        }

        /** Bytes of the topic's partitions in the broker's log dirs: the record batches the producers sent. */
        long topicBytes() throws Exception {
            long sum = 0;
            Map<Integer, Map<String, LogDirDescription>> all = admin.describeLogDirs(List.of(1)).allDescriptions()
                    .get(10, TimeUnit.SECONDS);
            for (Map<String, LogDirDescription> dirs : all.values()) {
                for (LogDirDescription d : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                        if (e.getKey().topic().equals(TOPIC)) {
                            sum += e.getValue().size();
                        }
                    }
                }
            }
            return sum;
        }
    }

    private static DialoutStats sum(DialoutStats a, DialoutStats b) {
        return new DialoutStats(a.devices() + b.devices(), a.connected() + b.connected(), a.messagesSent() + b.messagesSent(),
                a.pointsSent() + b.pointsSent(), a.bytesSent() + b.bytesSent(), a.messagesDropped() + b.messagesDropped(),
                a.reconnects() + b.reconnects(), a.streamFailures() + b.streamFailures(),
                a.samplesSkipped() + b.samplesSkipped());
    }

    private static String tiers(Round r) {
        StringBuilder sb = new StringBuilder();
        r.tierCpu().forEach((t, cpu) -> sb.append(sb.isEmpty() ? "" : ", ").append(t).append(' ')
                .append(String.format("%.2f", cpu * 1e6 / r.delivered())));
        return sb.toString();
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "-" : String.format("%,.0f", ms);
    }

    static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] s = values.clone();
        Arrays.sort(s);
        return LatencyProbe.at(s, q);
    }

    private static void report(Shape a, Shape b, Map<String, Interleaved.Result> r, int pairs, InfluxdFixture influx,
                               CollectorProcess relay) throws Exception {
        List<Round> ma = a.rounds.subList(a.rounds.size() - pairs, a.rounds.size());
        List<Round> mb = b.rounds.subList(b.rounds.size() - pairs, b.rounds.size());
        System.out.println();
        System.out.printf("measured rounds (%d per shape), medians over rounds; CPU in us per point delivered into influxd%n",
                pairs);
        System.out.printf("%-8s %11s %11s %8s %8s %8s %10s %8s %8s %8s %8s %8s %9s %9s%n", "shape", "delivered/s",
                "sent/s", "drain s", "p50 ms", "p99 ms", "collectors", "broker", "relay", "influxd", "total", "driver",
                "idle stk", "others");
        System.out.printf("%-8s %11s %11s %8s %8s %8s %10s %8s %8s %8s %8s %8s %9s %9s%n", "", "(hold)", "(hold)", "", "(pooled)",
                "(pooled)", "us/pt", "us/pt", "us/pt", "us/pt", "us/pt", "us/pt", "cores", "cores");
        for (List<Round> rs : List.of(ma, mb)) {
            long[] lat = rs.stream().flatMapToLong(x -> Arrays.stream(x.latencies())).toArray();
            System.out.printf("%-8s %,11.0f %,11.0f %8.1f %8s %8s %10.2f %8s %8s %8.2f %8.2f %8.2f %9.2f %9.2f%n",
                    rs.get(0).shape(), med(rs, x -> x.deliveredInHold() / x.hold()), med(rs, x -> x.sim().pointsSent() / x.hold()),
                    med(rs, Round::drain), fmt(percentile(lat, 0.5)), fmt(percentile(lat, 0.99)), tierMed(rs, "collectors"),
                    rs.get(0).tierCpu().containsKey("broker") ? String.format("%.2f", tierMed(rs, "broker")) : "-",
                    rs.get(0).tierCpu().containsKey("relay") ? String.format("%.2f", tierMed(rs, "relay")) : "-",
                    tierMed(rs, "influxd"), med(rs, Round::cpuPerPointUs), med(rs, x -> x.driver() * 1e6 / x.delivered()),
                    med(rs, x -> x.idleStack() / x.window()), med(rs, x -> x.others() / x.window()));
        }
        double bytesPerPoint = med(ma, x -> (double) x.topicBytes() / x.delivered());
        System.out.printf("%nbytes on the wire to Kafka (record batches appended to the topic, zstd): %.1f bytes per point"
                        + " (median), %.2f MB/s over a round; the relay fetches the same bytes back%n", bytesPerPoint,
                med(ma, x -> x.topicBytes() / x.window() / 1e6));
        double[] p99 = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            p99[i] = ma.get(i).p99() / mb.get(i).p99();
        }
        Interleaved.Result cpu = r.get("kafka");
        System.out.printf("ratio CPU per point kafka / direct = %s%n", cpu.ratioSpread());
        System.out.printf("ratio p99 latency kafka / direct = %.2f (IQR %.2f-%.2f, min-max %.2f-%.2f, %d rounds)%n",
                Interleaved.quantile(p99, 0.5), Interleaved.quantile(p99, 0.25), Interleaved.quantile(p99, 0.75),
                Interleaved.min(p99), Interleaved.max(p99), pairs);
        for (List<Round> rs : List.of(ma, mb)) {
            boolean kept = rs.stream().allMatch(KafkaBench::sustained);
            System.out.printf("%-7s fleet sustained: %s (every measured round delivered >= %.0f %% of the points sent during its"
                            + " hold and drained within %d s: delivered/sent in the hold %s; drain %s s)%n", rs.get(0).shape(),
                    kept ? "yes" : "NO", SUSTAINED_SHARE * 100, SUSTAINED_DRAIN_S,
                    rs.stream().map(x -> String.format("%.2f", (double) x.deliveredInHold() / x.sim().pointsSent())).toList(),
                    rs.stream().map(x -> String.format("%.0f", x.drain())).toList());
        }
        // every statistics sample the simulators handed to a stream, against what each database holds
        List<String> wrong = new ArrayList<>();
        for (Shape s : List.of(a, b)) {
            long sent = s.sent.stream().mapToLong(SentLog::points).sum();
            InfluxQueryResult q = influx.query(s.db, "SELECT count(in_octets) FROM interface");
            long stored = q.isEmpty() ? 0 : ((Number) q.single().value(0, "count")).longValue();
            System.out.printf("%-7s influxd holds %,d of %,d interface statistics points sent (all rounds)%s%n", s.name,
                    stored, sent, stored == sent ? ": none lost, none doubled" : stored < sent ? ": SHORT" : ": MORE");
            if (stored != sent) {
                wrong.add(s.name + " holds " + stored + " of " + sent);
            }
        }
        Map<String, Double> m = relay.metrics();
        System.out.printf("relay: %,.0f records, %,.0f lines consumed, %,.0f commits, lag %,.0f, write failures %,.0f%n",
                m.getOrDefault(KafkaMetrics.RELAY_RECORDS, 0.0), m.getOrDefault(KafkaMetrics.RELAY_LINES, 0.0),
                m.getOrDefault(KafkaMetrics.RELAY_COMMITS, 0.0), m.getOrDefault(KafkaMetrics.RELAY_LAG, 0.0),
                m.getOrDefault(KafkaMetrics.RELAY_FAILURES, 0.0));
        if (!wrong.isEmpty()) {
            // the figures above stand, but a path that loses or invents points is a defect, not a benchmark result (CI's smoke fails)
            throw new IllegalStateException("influxd does not hold exactly the points sent: " + String.join("; ", wrong));
        }
    }

    /**
     * The shape kept up with the fleet in this round: it wrote nearly what the devices sent while they
     * sent it, and what was left at the end of the hold (points waiting for a batch, in the topic, in
     * influxd's queue) was written within a few flush intervals. A shape that falls behind builds a
     * backlog that only the drain writes, and its latency grows with the hold.
     */
    private static boolean sustained(Round r) {
        return r.drained() && r.deliveredInHold() >= SUSTAINED_SHARE * r.sim().pointsSent() && r.drain() <= SUSTAINED_DRAIN_S;
    }

    private static double tierMed(List<Round> rs, String tier) {
        return med(rs, x -> x.tierCpu().get(tier) * 1e6 / x.delivered());
    }

    private static double med(List<Round> rs, java.util.function.ToDoubleFunction<Round> f) {
        return Interleaved.quantile(rs.stream().mapToDouble(f).toArray(), 0.5);
    }
}
