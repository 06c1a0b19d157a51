package io.teleflux.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.time.Duration;
import java.util.Collection;
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
                      decode   48-interface Ifmgr/Statistics: Teleflux decode+encode vs a bare Jackson token walk
                      snmpsim  the simulated SNMP agent (1,000 devices x 48 interfaces): GETBULK responses/s, varbinds/s
                      snmp     one poll cycle of N agents x 48 interfaces vs sequential snmpbulkwalk [--agents N] [--baseline-devices K]
                      python   the same dial-out stream into Teleflux and into a minimal Python grpcio collector: messages/s, CPU/msg
                               [--devices N] [--samples K] [--warmup S] [--seconds S]
                      e2e      simulator -> collector -> influxd vs the same line protocol posted directly [--devices N] [--samples K] [--rounds R]
                      scale    N devices x 48 interfaces every 5 s into influxd: latency, RSS, loss [--devices N] [--minutes M]
                               [--ceiling-samples K] [--drain-minutes D]
                      live     N devices x 48 interfaces every 5 s: collector CPU per point with 10 SSE clients of /live vs none,
                               interleaved rounds [--devices N] [--pairs P] [--round-seconds S]
                      e2e and scale take --collector-xmx SIZE: the collector JVM's -Xmx (default: the JVM's choice)
                      --smoke  one short iteration, to prove the benchmark runs (CI), figures meaningless
                    """);
            return;
        }
        boolean smoke = java.util.Arrays.asList(args).contains("--smoke");
        switch (args[0]) {
            case "decode" -> decode(smoke);
            case "snmpsim" -> SnmpSimLoad.run(smoke);
            case "snmp" -> SnmpCycleBench.run(smoke ? 20 : intArg(args, "--agents", 1000), smoke ? 5 : intArg(args, "--baseline-devices", 1000));
            case "python" -> PythonBaselineBench.run(smoke, smoke ? 2 : intArg(args, "--devices", 8),
                    smoke ? 4 : intArg(args, "--samples", 500), smoke ? 1 : intArg(args, "--warmup", 10),
                    smoke ? 2 : intArg(args, "--seconds", 20));
            case "e2e" -> EndToEndBench.run(smoke ? 3 : intArg(args, "--devices", 100), smoke ? 10 : intArg(args, "--samples", 200),
                    smoke ? 1 : intArg(args, "--rounds", 2), collectorJvm(args));
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

    /** {@code --collector-xmx SIZE}: the collector JVM's -Xmx (default: none, the JVM's own choice). */
    private static List<String> collectorJvm(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--collector-xmx")) {
                return List.of("-Xmx" + args[i + 1]);
            }
        }
        return List.of();
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }

    private static void decode(boolean smoke) throws RunnerException {
        int bytes = DecodeBench.input().length;
        System.out.printf("decode: one 48-interface Ifmgr/Statistics message, %d bytes of jsonData%n", bytes);
        Map<String, Double> ops = jmh(DecodeBench.class.getName(), smoke);
        double teleflux = ops.get("teleflux");
        double ceiling = ops.get("jacksonCeiling");
        System.out.println();
        System.out.printf("%-34s %14s %14s %12s%n", "benchmark", "messages/s", "points/s", "MB/s");
        for (Map.Entry<String, Double> e : ops.entrySet()) {
            System.out.printf("%-34s %,14.0f %,14.0f %12.1f%n", e.getKey(), e.getValue(), e.getValue() * 48,
                    e.getValue() * bytes / 1e6);
        }
        System.out.printf("%nratio teleflux / jacksonCeiling = %.2f (goal >= 0.60)%n", teleflux / ceiling);
        System.out.printf("ratio decodeOnly / jacksonCeiling = %.2f%n", ops.get("decodeOnly") / ceiling);
    }

    /** Runs the JMH benchmarks of {@code className} and returns the score (ops/s) per method name. */
    static Map<String, Double> jmh(String className, boolean smoke) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder().include(className.replace("$", "\\$") + "\\.");
        if (smoke) {
            o.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
            // JMH's machine-wide lock keeps two measurements apart; a smoke run measures nothing, and must
            // not fail because a real benchmark is running on the same machine
            System.setProperty("jmh.ignoreLock", "true");
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, Double> ops = new LinkedHashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            ops.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        return ops;
    }
}
