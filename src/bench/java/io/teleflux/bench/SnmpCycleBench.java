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
 * Teleflux's poller against the naive way simple monitoring scripts poll: sequential
 * {@code snmpbulkwalk} of ifTable and ifXTable per device (net-snmp defaults), against the same N
 * simulated agents x 48 interfaces. The two are interleaved ({@link Interleaved}): in each round of
 * equal length the poller runs whole cycles over all agents and the walker walks devices one after
 * the other (going on from the device where its last round stopped); each side's rate is devices
 * polled per second, so their ratio is the ratio of the cycle times.
 */
final class SnmpCycleBench {
    private SnmpCycleBench() {
    }

    static void run(boolean smoke, int agents, int warmup, int rounds, int roundMs) throws Exception {
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
            System.out.printf("snmp: %d simulated agents x 48 interfaces on one UDP endpoint (same JVM); Teleflux's poll"
                    + " cycles vs sequential snmpbulkwalk (ifTable + ifXTable), rounds of %d ms interleaved (%d warm-up +"
                    + " %d measured per side), %d cores, load %s%n", agents, roundMs, warmup, rounds,
                    Runtime.getRuntime().availableProcessors(), CpuSnapshot.loadAverage());
            Map<PollResult, Integer> results = new EnumMap<>(PollResult.class);
            long[] cycles = new long[1];
            long[] walked = new long[2]; // devices, varbinds printed
            int[] next = new int[1];
            try (SnmpPoller poller = new SnmpPoller(cfg.get(SnmpConfig.SECTION), count, new Metrics())) {
                long nanos = roundMs * 1_000_000L;
                Interleaved il = new Interleaved("snmpbulkwalk")
                        .add("teleflux", () -> {
                            long t0 = System.nanoTime();
                            long polled = 0;
                            do {
                                Map<SnmpTarget, PollResult> r = poller.pollAllOnce();
                                r.values().forEach(v -> results.merge(v, 1, Integer::sum));
                                polled += r.size();
                                cycles[0]++;
                            } while (System.nanoTime() - t0 < nanos);
                            return polled * 1e9 / (System.nanoTime() - t0);
                        })
                        .add("snmpbulkwalk", () -> {
                            long t0 = System.nanoTime();
                            long devices = 0;
                            do {
                                String name = model.deviceName(next[0]);
                                next[0] = (next[0] + 1) % agents;
                                for (String table : List.of("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1")) {
                                    walked[1] += walk(name, agent.port(), table);
                                }
                                devices++;
                            } while (System.nanoTime() - t0 < nanos);
                            walked[0] += devices;
                            return devices * 1e9 / (System.nanoTime() - t0);
                        });
                Map<String, Interleaved.Result> r = il.run(warmup, rounds, null);
                double teleflux = r.get("teleflux").medianRate();
                double baseline = r.get("snmpbulkwalk").medianRate();
                System.out.printf("  teleflux: %d cycles, %,d points, results %s%n", cycles[0], points.get(), results);
                System.out.printf("  snmpbulkwalk: %,d devices walked, %,d varbinds printed%n", walked[0], walked[1]);
                System.out.printf("%ncycle of %d agents x 48 interfaces (median devices/s over the rounds): teleflux %.2f s"
                        + " (%,.0f devices/s), sequential snmpbulkwalk %.1f s (%,.1f devices/s)%n", agents, agents / teleflux,
                        teleflux, agents / baseline, baseline);
                System.out.printf("ratio teleflux / sequential = %s (goal >= 50x; cycle goal < 15 s for 1,000 agents)%n",
                        r.get("teleflux").ratioSpread());
            }
            if (smoke) {
                System.out.println("(smoke run: the figures mean nothing)");
            }
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
