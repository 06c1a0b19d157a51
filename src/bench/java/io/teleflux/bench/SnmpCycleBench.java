package io.teleflux.bench;

import io.teleflux.Components;
import io.teleflux.snmp.SnmpConfig;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.snmp.SnmpTarget;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.snmp.PollResult;
import io.teleflux.snmp.SnmpPoller;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One full SNMP poll cycle of N simulated agents x 48 interfaces by Teleflux's poller, against the
 * naive way simple monitoring scripts do it: sequential {@code snmpbulkwalk} of ifTable and
 * ifXTable per device (net-snmp defaults), in the same run against the same agents.
 */
final class SnmpCycleBench {
    private SnmpCycleBench() {
    }

    static void run(int agents, int baselineDevices) throws Exception {
        CounterModel model = new CounterModel(20261127L, 48, "sim-");
        try (SnmpAgentSimulator agent = new SnmpAgentSimulator(model, agents, "127.0.0.1", 0, List.of())) {
            agent.start();
            StringBuilder targets = new StringBuilder();
            for (int d = 0; d < agents; d++) {
                targets.append("{ address = \"127.0.0.1:").append(agent.port()).append("\", community = \"")
                        .append(model.deviceName(d)).append("\" }\n");
            }
            TelefluxConfig cfg = Components.fromConfig(ConfigFactory.parseString("""
                    teleflux.influx { api = v1, spool.enabled = false }
                    teleflux.snmp { interval = 60s, timeout = 5s, retries = 1, max-concurrent = 64, targets = [
                    %s] }
                    """.formatted(targets)), Map.of());
            AtomicLong points = new AtomicLong();
            PointSink count = p -> points.addAndGet(p.size());
            System.out.printf("snmp: one poll cycle, %d simulated agents x 48 interfaces on one UDP endpoint (same JVM), "
                    + "%d cores%n", agents, Runtime.getRuntime().availableProcessors());
            double teleflux;
            Map<PollResult, Integer> results = new EnumMap<>(PollResult.class);
            try (SnmpPoller poller = new SnmpPoller(cfg.get(SnmpConfig.SECTION), count, new Metrics())) {
                System.out.println("  warm-up cycle ...");
                poller.pollAllOnce();
                points.set(0);
                System.out.println("  measured cycle ...");
                long t0 = System.nanoTime();
                Map<SnmpTarget, PollResult> r = poller.pollAllOnce();
                teleflux = (System.nanoTime() - t0) / 1e9;
                r.values().forEach(v -> results.merge(v, 1, Integer::sum));
            }
            System.out.printf("  teleflux: %.2f s for %d agents, %,d points, results %s%n", teleflux, agents, points.get(), results);

            int k = Math.min(baselineDevices, agents);
            System.out.printf("  baseline: sequential snmpbulkwalk (ifTable + ifXTable) of %d devices ...%n", k);
            long b0 = System.nanoTime();
            long lines = 0;
            for (int d = 0; d < k; d++) {
                for (String table : List.of("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1")) {
                    lines += walk(model.deviceName(d), agent.port(), table);
                }
                if (d % 100 == 99) {
                    System.out.printf("    %d/%d devices, %.1f s%n", d + 1, k, (System.nanoTime() - b0) / 1e9);
                }
            }
            double baselineMeasured = (System.nanoTime() - b0) / 1e9;
            double baselineCycle = baselineMeasured / k * agents;
            System.out.printf("  baseline: %.2f s for %d devices (%,d varbinds printed)%s%n", baselineMeasured, k, lines,
                    k < agents ? String.format(", %.1f s extrapolated to %d", baselineCycle, agents) : "");
            System.out.printf("%ncycle of %d agents x 48 interfaces: teleflux %.2f s, sequential snmpbulkwalk %.1f s%n",
                    agents, teleflux, baselineCycle);
            System.out.printf("ratio sequential / teleflux = %.0fx (goal >= 50x; cycle goal < 15 s for 1,000 agents)%n",
                    baselineCycle / teleflux);
        }
    }

    private static long walk(String community, int port, String oid) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/snmpbulkwalk", "-v2c", "-c", community, "-On", "-m", "", "-M",
                "/dev/null", "127.0.0.1:" + port, oid));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long n = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().count();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("snmpbulkwalk failed for " + community);
        }
        return n;
    }
}
