package io.teleflux.snmp;

import io.teleflux.influx.Drain;
import io.teleflux.snmp.SnmpTarget;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.IfMibAgent;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.SnmpsimFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad devices next to healthy ones: a dead address (a loopback port where nothing listens), a
 * wrong community, and a slow agent whose walk outlasts the per-device deadline. The healthy
 * devices must finish in the time they take without the bad ones, each bad one must be counted
 * with its result and logged once (and once more when it recovers), and a device still being
 * polled when its next cycle is due must skip that cycle rather than stack a second poll.
 */
class SnmpIsolationIT {
    static final int HEALTHY = 4;
    static final int ROUNDS = 3;
    static InfluxdFixture influx;
    static SnmpsimFixture healthy;
    static SnmpsimFixture slow;
    static int deadPort;
    static LogCapture logs;
    static final List<Double> baseline = new ArrayList<>();
    static final List<Map<String, Double>> withBad = new ArrayList<>();
    static final List<Map<SnmpTarget, PollResult>> results = new ArrayList<>();
    static SnmpPipeline bad;
    /** Poll counts right after the rounds, by "device/result" (the recovery test adds to them later). */
    static final Map<String, Double> counted = new java.util.HashMap<>();

    static String healthyTargets() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= HEALTHY; i++) {
            b.append("{ address = \"").append(healthy.address(i)).append("\", community = h").append(i).append(" }\n");
        }
        return b.toString();
    }

    static String settings() {
        // a request may take 2 s; a whole poll 2.5 s
        return "interval = 60s, timeout = 2s, retries = 0, deadline = 2500ms\n";
    }

    @BeforeAll
    static void pollWithAndWithoutBadDevices() throws Exception {
        influx = InfluxdFixture.launch();
        SnmpsimFixture.Builder hb = SnmpsimFixture.builder().addresses(HEALTHY + 1);
        for (int i = 1; i <= HEALTHY; i++) {
            hb.agent("h" + i, IfMibAgent.of("sim-h" + i, 8).snmprec());
        }
        healthy = hb.launch();
        // 8 ports, each ifSpeed answered after 400 ms: about 3 s for the walk, each request well within 2 s
        slow = SnmpsimFixture.builder().agent("slow", IfMibAgent.of("sim-slow", 8).slowTable(400).snmprec()).launch();
        deadPort = FreePorts.nextUdp();
        logs = LogCapture.of("io.teleflux.snmp");

        try (SnmpPipeline only = new SnmpPipeline(influx, settings() + "targets = [\n" + healthyTargets() + "]", Map.of())) {
            for (int r = 0; r < 2; r++) {
                assertThat(only.poller.pollAllOnce().values()).containsOnly(PollResult.OK);
                for (int i = 1; i <= HEALTHY; i++) {
                    baseline.add(only.metrics.value("teleflux_snmp_poll_seconds", "device", "sim-h" + i));
                }
            }
        }
        bad = new SnmpPipeline(influx, settings() + "targets = [\n" + healthyTargets()
                + "{ address = \"127.0.0.1:" + deadPort + "\", name = dead, community = revived }\n"
                + "{ address = \"" + healthy.address(HEALTHY + 1) + "\", name = wrong-community, community = nope }\n"
                + "{ address = \"" + slow.address() + "\", name = slow, community = slow }\n"
                + "]", Map.of());
        for (int r = 0; r < ROUNDS; r++) {
            results.add(bad.poller.pollAllOnce());
            Map<String, Double> seconds = new java.util.HashMap<>();
            for (String d : List.of("sim-h1", "sim-h2", "sim-h3", "sim-h4", "dead", "wrong-community", "slow")) {
                seconds.put(d, bad.metrics.value("teleflux_snmp_poll_seconds", "device", d));
            }
            withBad.add(seconds);
        }
        for (String d : List.of("dead", "wrong-community", "slow", "sim-h3")) {
            for (String r : List.of("ok", "partial", "timeout")) {
                counted.put(d + "/" + r, bad.metrics.value("teleflux_snmp_polls_total", "device", d, "result", r));
            }
        }
        Drain.await(bad.metrics);
    }

    @AfterAll
    static void stop() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (bad != null) {
            bad.close();
        }
        for (AutoCloseable c : new AutoCloseable[]{healthy, slow, influx}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void eachBadDeviceIsCountedWithItsResult() {
        for (Map<SnmpTarget, PollResult> r : results) {
            for (int i = 0; i < HEALTHY; i++) {
                assertThat(r.get(bad.target(i))).isEqualTo(PollResult.OK);
            }
            assertThat(r.get(bad.target(HEALTHY))).as("dead").isEqualTo(PollResult.TIMEOUT);
            assertThat(r.get(bad.target(HEALTHY + 1))).as("wrong community").isEqualTo(PollResult.TIMEOUT);
            // cut by the deadline, its interfaces walked by then are written (SnmpPartialWalkIT)
            assertThat(r.get(bad.target(HEALTHY + 2))).as("slow").isIn(PollResult.PARTIAL, PollResult.TIMEOUT);
        }
        assertThat(counted.get("slow/partial") + counted.get("slow/timeout")).as("slow").isEqualTo(ROUNDS);
        assertThat(counted.get("slow/ok")).as("slow").isZero();
        for (String d : List.of("dead", "wrong-community")) {
            assertThat(counted.get(d + "/timeout")).as(d).isEqualTo(ROUNDS);
            assertThat(counted.get(d + "/ok")).as(d).isZero();
        }
        assertThat(counted.get("sim-h3/ok")).isEqualTo(ROUNDS);
        assertThat(counted.get("sim-h3/timeout")).isZero();
        // the slow agent did answer, just not in time: it was cut by the deadline, not a request timeout
        assertThat(withBad.get(0).get("slow")).isGreaterThanOrEqualTo(2.5);
    }

    @Test
    void healthyDevicesTakeTheirUsualTimeAndFinishBeforeAnyBadOne() {
        double usual = baseline.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        for (Map<String, Double> round : withBad) {
            double slowestHealthy = round.entrySet().stream().filter(e -> e.getKey().startsWith("sim-h"))
                    .mapToDouble(Map.Entry::getValue).max().orElseThrow();
            double fastestBad = round.entrySet().stream().filter(e -> !e.getKey().startsWith("sim-h"))
                    .mapToDouble(Map.Entry::getValue).min().orElseThrow();
            System.out.printf("SnmpIsolationIT: healthy alone <= %.3f s; with bad devices <= %.3f s; bad ones >= %.3f s%n",
                    usual, slowestHealthy, fastestBad);
            // nothing waited for a bad device: every healthy poll ended before the first bad one could
            assertThat(slowestHealthy).isLessThan(fastestBad);
            // and within the noise of its own usual time (a generous factor: the machine is shared)
            assertThat(slowestHealthy).isLessThanOrEqualTo(4 * usual + 0.25);
        }
        assertThat(bad.points(p -> p.measurement().equals("interface") && p.tag("device").startsWith("sim-h")))
                .hasSize(HEALTHY * 8 * ROUNDS);
        InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_bps) FROM interface WHERE device = 'sim-h2'");
        assertThat(((Number) r.single().value(0, "count")).longValue()).as("rates in influxd").isPositive();
    }

    @Test
    void stateChangesAreLoggedOnceAndARecoveryOnceMore() throws Exception {
        assertThat(logs.containing("dead: polls failing (timeout)")).hasSize(1)
                .allMatch(m -> m.contains("no answer from 127.0.0.1:" + deadPort));
        assertThat(logs.containing("wrong-community: polls failing (timeout)")).hasSize(1)
                .allMatch(m -> m.contains("a wrong community looks the same"));
        // named like its community, the slow target is logged by its address (the name would be redacted)
        String slowTarget = "target " + slow.address() + ": ";
        assertThat(logs.containing(slowTarget + "polls failing (timeout)").size()
                + logs.containing(slowTarget + "the interface table could not be walked within the poll's deadline").size())
                .as("the slow device's deadline, said once").isEqualTo(1);
        assertThat(logs.containing("sim-h")).isEmpty();

        try (SnmpsimFixture revived = SnmpsimFixture.builder().port(deadPort)
                .agent("revived", IfMibAgent.of("sim-revived", 2).snmprec()).launch()) {
            SnmpTarget dead = bad.target(HEALTHY);
            assertThat(bad.poller.pollOnce(dead)).isEqualTo(PollResult.OK);
            assertThat(bad.poller.pollOnce(dead)).isEqualTo(PollResult.OK);
            assertThat(logs.containing("dead: polls succeed again (after " + ROUNDS + " failed)")).hasSize(1);
            assertThat(logs.containing("dead: polls")).hasSize(2);
            assertThat(bad.series("dead", "Ten-GigabitEthernet1/0/1")).hasSize(2);
        }
    }

    @Test
    void aDeviceStillBeingPolledSkipsItsNextCycleAndOthersCarryOn() throws Exception {
        int stillDead = FreePorts.nextUdp();
        // every second; a dead device's poll takes the 2 s request timeout, so it overlaps its next cycle
        try (SnmpPipeline p = new SnmpPipeline(influx, """
                interval = 1s, timeout = 2s, retries = 0, deadline = 2500ms
                targets = [
                  { address = "%s", community = h1 }
                  { address = "127.0.0.1:%d", name = still-dead, community = x }
                ]
                """.formatted(healthy.address(1), stillDead), Map.of())) {
            p.poller.start();
            Thread.sleep(5_500);
            p.poller.close();
            double skippedDead = p.metrics.value("teleflux_snmp_polls_skipped_total", "device", "still-dead");
            double polledDead = p.metrics.value("teleflux_snmp_polls_total", "device", "still-dead", "result", "timeout");
            double okHealthy = p.metrics.value("teleflux_snmp_polls_total", "device", "sim-h1", "result", "ok");
            System.out.printf("SnmpIsolationIT: in 5.5 s at 1 s: healthy ok %.0f, dead polled %.0f and skipped %.0f%n",
                    okHealthy, polledDead, skippedDead);
            assertThat(skippedDead).isGreaterThanOrEqualTo(1);
            assertThat(polledDead).isGreaterThanOrEqualTo(1).isLessThan(okHealthy);
            assertThat(okHealthy).isGreaterThanOrEqualTo(3);
            assertThat(p.metrics.value("teleflux_snmp_polls_skipped_total", "device", "sim-h1")).isZero();
            assertThat(logs.containing("still-dead: polls failing (timeout)")).hasSize(1);
        }
    }
}
