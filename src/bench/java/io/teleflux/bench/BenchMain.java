package io.teleflux.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar target/teleflux-bench.jar decode [--smoke]}: runs a benchmark and prints its
 * figures with the ratios that matter, measured side by side in the same run (the machine is
 * shared, so only ratios are comparable between runs).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("""
                    usage: java -jar target/teleflux-bench.jar <benchmark> [--smoke]
                      decode   48-interface statistics, per vendor (h3c, h3cv3, huawei, cisco, gnmi): Teleflux decode+encode vs the raw\n                               parse of the same bytes, interleaved [--only VENDOR] [--rounds N] [--round-ms MS] [--warmup N]
                      compress the writer's gzip levels and strategies on real 5,000-line batches, interleaved
                      kafka-compress  the Kafka output's codecs (lz4, zstd, snappy, gzip) on real records, interleaved
                      kafka    N devices x 48 interfaces every 5 s: A = 2 collectors -> Kafka -> relay -> influxd against
                               B = 1 collector -> influxd, interleaved rounds: points/s, latency, CPU per point per tier,
                               bytes to Kafka [--devices N] [--rounds R] [--warmup W] [--hold-seconds S] [--drain-seconds D]
                      snmpsim  the simulated SNMP agent (1,000 devices x 48 interfaces): GETBULK responses/s, varbinds/s per request shape,\n                               interleaved [--warmup N] [--rounds N] [--round-ms MS]
                      snmp     poll cycles of N agents x 48 interfaces vs sequential snmpbulkwalk, interleaved [--agents N] [--warmup N]\n                               [--rounds N] [--round-ms MS]
                      python   the same dial-out stream into Teleflux and into a minimal Python grpcio collector: messages/s, CPU/msg
                               [--devices N] [--samples K] [--warmup S] [--rounds N] [--round-seconds S], interleaved;
                               the collectors run with the image's JVM options (JDK_JAVA_OPTIONS in the Dockerfile);
                               [--compare-jar JAR]: another build's collector (defaults) as one more server, for a before/after;
                               [--compare-jvm "OPTIONS"]: that server's JVM options instead ("" = none; without --compare-jar:
                               this build's collector); [--compare-conf "HOCON"]: configuration over that server's defaults
                      e2e      simulator -> collector -> influxd vs the same line protocol posted directly, interleaved [--devices N]\n                               [--samples K] [--warmup N] [--rounds N] [--round-seconds S]
                      scale    N devices x 48 interfaces every 5 s into influxd: latency, RSS, loss [--devices N] [--minutes M]
                               [--ceiling-samples K] [--drain-minutes D]
                      live     N devices x 48 interfaces every 5 s: collector CPU per point with 10 SSE clients of /live vs none,
                               interleaved rounds [--devices N] [--pairs P] [--round-seconds S]
                      e2e and scale take --collector-xmx SIZE (the collector JVM's -Xmx) and --collector-jvm "OPTIONS" (default: the JVM's choices)
                      --smoke  one short iteration, to prove the benchmark runs (CI), figures meaningless
                    """);
            return;
        }
        boolean smoke = java.util.Arrays.asList(args).contains("--smoke");
        switch (args[0]) {
            case "decode" -> decode(args, smoke);
            case "compress" -> CompressBench.run(args, smoke);
            case "kafka-compress" -> KafkaCompressBench.run(smoke);
            case "kafka" -> KafkaBench.run(smoke, smoke ? 4 : intArg(args, "--devices", 2000), smoke ? 1 : intArg(args, "--rounds", 3),
                    smoke ? 0 : intArg(args, "--warmup", 1), Duration.ofSeconds(smoke ? 5 : intArg(args, "--hold-seconds", 60)),
                    Duration.ofSeconds(smoke ? 20 : intArg(args, "--drain-seconds", 300)));
            case "snmpsim" -> SnmpSimLoad.run(smoke, smoke ? 0 : intArg(args, "--warmup", 2), smoke ? 1 : intArg(args, "--rounds", 10),
                    smoke ? 150 : intArg(args, "--round-ms", 1000));
            case "snmp" -> SnmpCycleBench.run(smoke, smoke ? 20 : intArg(args, "--agents", 1000), smoke ? 0 : intArg(args, "--warmup", 1),
                    smoke ? 1 : intArg(args, "--rounds", 10), smoke ? 300 : intArg(args, "--round-ms", 3000));
            case "python" -> PythonBaselineBench.run(smoke, smoke ? 2 : intArg(args, "--devices", 8),
                    smoke ? 4 : intArg(args, "--samples", 500), smoke ? 1 : intArg(args, "--warmup", 10),
                    smoke ? 1 : intArg(args, "--rounds", 10), smoke ? 1 : intArg(args, "--round-seconds", 3),
                    compareJar(args), compareJvm(args), stringArg(args, "--compare-conf", null));
            case "e2e" -> EndToEndBench.run(smoke, smoke ? 3 : intArg(args, "--devices", 100), smoke ? 10 : intArg(args, "--samples", 200),
                    smoke ? 0 : intArg(args, "--warmup", 1), smoke ? 1 : intArg(args, "--rounds", 16),
                    smoke ? 2 : intArg(args, "--round-seconds", 5), collectorJvm(args));
            case "scale" -> ScaleBench.run(smoke ? 5 : intArg(args, "--devices", 2000), smoke ? Duration.ofSeconds(20)
                    : Duration.ofMinutes(intArg(args, "--minutes", 10)), smoke ? 2 : intArg(args, "--ceiling-samples", 6),
                    Duration.ofMinutes(smoke ? 1 : intArg(args, "--drain-minutes", 5)), collectorJvm(args));
            case "live" -> LiveBench.run(smoke, smoke ? 20 : intArg(args, "--devices", 2000), smoke ? 1 : intArg(args, "--pairs", 4),
                    Duration.ofSeconds(smoke ? 10 : intArg(args, "--round-seconds", 60)), Duration.ofSeconds(smoke ? 6 : 30));
            default -> {
                System.err.println("unknown benchmark '" + args[0] + "' (try --help)");
                System.exit(2);
            }
        }
    }

    /**
     * {@code --compare-jar PATH}: another build's jar (e.g. main's, for a before/after), run with the
     * defaults as one more interleaved server; null when not given.
     */
    private static java.nio.file.Path compareJar(String[] args) {
        String given = stringArg(args, "--compare-jar", null);
        if (given == null) {
            return null;
        }
        java.nio.file.Path jar = java.nio.file.Path.of(given).toAbsolutePath();
        if (!java.nio.file.Files.isRegularFile(jar)) {
            System.err.println("--compare-jar: no such file: " + jar);
            System.exit(2);
        }
        return jar;
    }

    /**
     * {@code --compare-jvm "OPTIONS"}: the JVM options of the python benchmark's other collector, split
     * at spaces, instead of the image's ("" = none, the JVM's own defaults); null when not given.
     */
    private static List<String> compareJvm(String[] args) {
        String o = stringArg(args, "--compare-jvm", null);
        if (o == null) {
            return null;
        }
        return o.isBlank() ? List.of() : List.of(o.strip().split("\\s+"));
    }

    /**
     * {@code --collector-jvm "OPTIONS"} (split at spaces) and {@code --collector-xmx SIZE}: the
     * collector JVM's options (default: none, the JVM's own choices).
     */
    private static List<String> collectorJvm(String[] args) {
        List<String> options = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--collector-jvm") && !args[i + 1].isBlank()) {
                options.addAll(List.of(args[i + 1].strip().split("\\s+")));
            }
            if (args[i].equals("--collector-xmx")) {
                options.add("-Xmx" + args[i + 1]);
            }
        }
        return options;
    }

    private static int intArg(String[] args, String name, int dflt) {
        String v = stringArg(args, name, null);
        return v == null ? dflt : Integer.parseInt(v);
    }

    /** One decode comparison: the raw parse of a vendor's bytes (the reference) and what Teleflux does with them. */
    private record Group(String name, String input, String reference, Map<String, Interleaved.Op> ops) {
    }

    private static void decode(String[] args, boolean smoke) throws Exception {
        DecodeBench b = new DecodeBench();
        b.check();
        int roundMs = smoke ? 20 : intArg(args, "--round-ms", 100);
        int rounds = smoke ? 1 : intArg(args, "--rounds", 40);
        int warmup = smoke ? 0 : intArg(args, "--warmup", 10);
        String only = stringArg(args, "--only", "");
        int gnmiBytes = b.gnmi.stream().mapToInt(x -> x.length).sum();
        List<Group> groups = List.of(
                new Group("h3c", "H3C classic Ifmgr/Statistics jsonData, " + b.json.length + " bytes", "jacksonCeiling",
                        ops(op("jacksonCeiling", b::jacksonCeiling), op("teleflux", b::teleflux), op("decodeOnly", b::decodeOnly),
                                op("collectorPath", b::collectorPath))),
                new Group("h3cv3", "H3C v3 DialoutV3Args (Telemetry, JSON data_str), " + b.v3.length + " bytes", "raw",
                        ops(op("raw", b::v3Raw), op("teleflux", b::v3Teleflux), op("decodeOnly", b::v3Decode))),
                new Group("huawei", "Huawei serviceArgs (Telemetry, 48 GPB ifStatistics rows), " + b.huawei.length + " bytes",
                        "raw", ops(op("raw", b::huaweiRaw), op("teleflux", b::huaweiTeleflux), op("decodeOnly", b::huaweiDecode))),
                new Group("cisco", "Cisco MdtDialoutArgs (Telemetry, 48 GPB-KV rows), " + b.cisco.length + " bytes", "raw",
                        ops(op("raw", b::ciscoRaw), op("teleflux", b::ciscoTeleflux), op("decodeOnly", b::ciscoDecode))),
                new Group("gnmi", "gNMI 48 SubscribeResponses (one per interface, PROTO values), " + gnmiBytes + " bytes",
                        "raw", ops(op("raw", b::gnmiRaw), op("teleflux", b::gnmiTeleflux), op("decodeOnly", b::gnmiDecode))));
        System.out.printf("decode: one 48-interface statistics sample per call; rounds of %d ms interleaved (%d warm-up + %d"
                + " measured per side), Java %s, %d cores, load %s%n", roundMs, warmup, rounds, Runtime.version(),
                Runtime.getRuntime().availableProcessors(), PythonBaselineBench.loadAverage());
        for (Group g : groups) {
            if (!only.isEmpty() && !only.equals(g.name())) {
                continue;
            }
            Interleaved il = new Interleaved(g.reference());
            g.ops().forEach((name, op) -> il.add(name, Interleaved.timed(op, roundMs)));
            Map<String, Interleaved.Result> r = il.run(warmup, rounds, null);
            System.out.printf("%n%s: %s%n", g.name(), g.input());
            System.out.printf("  %-16s %12s %12s %14s %12s   %s%n", "side", "messages/s", "us/message", "CPU us/message",
                    "bytes alloc", "ratio to " + g.reference() + ": median (spread of the per-round ratios)");
            for (Interleaved.Result x : r.values()) {
                double[] cost = threadCost(g.ops().get(x.name()), smoke ? 10 : 2_000);
                System.out.printf("  %-16s %,12.0f %12.1f %14.1f %,12.0f   %s%n", x.name(), x.medianRate(), 1e6 / x.medianRate(),
                        cost[0], cost[1], x.name().equals(g.reference()) ? "1" : x.ratioSpread());
            }
            System.out.printf("ratio %s teleflux / %s = %.2f%s%n", g.name(), g.reference(), r.get("teleflux").medianRatio(),
                    g.name().equals("h3c") ? " (goal >= 0.60)" : "");
        }
        if (smoke) {
            System.out.println("(smoke run: the figures mean nothing)");
        }
    }

    /**
     * {@code [thread CPU µs, bytes allocated]} per call over {@code calls} calls on this thread: unlike
     * messages/s, neither moves when the machine's other work takes the CPU away, so a change's
     * effect shows in them when the interleaved ratios' spread hides it.
     */
    private static double[] threadCost(Interleaved.Op op, int calls) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long acc = 0;
        long cpu0 = mx.getCurrentThreadCpuTime();
        long a0 = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            acc += op.run();
        }
        long a1 = mx.getThreadAllocatedBytes(id);
        long cpu1 = mx.getCurrentThreadCpuTime();
        if (acc == Long.MIN_VALUE) {
            System.out.print(""); // keeps the results alive
        }
        return new double[] {(cpu1 - cpu0) / 1e3 / calls, (double) (a1 - a0) / calls};
    }

    private static Map.Entry<String, Interleaved.Op> op(String name, Interleaved.Op op) {
        return Map.entry(name, op);
    }

    @SafeVarargs
    private static Map<String, Interleaved.Op> ops(Map.Entry<String, Interleaved.Op>... named) {
        Map<String, Interleaved.Op> m = new LinkedHashMap<>();
        for (Map.Entry<String, Interleaved.Op> e : named) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /** The value after {@code name}, or {@code dflt} when it is not given. */
    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}
