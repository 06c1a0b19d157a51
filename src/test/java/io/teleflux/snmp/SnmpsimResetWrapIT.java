package io.teleflux.snmp;

import io.teleflux.influx.Drain;
import io.teleflux.point.Point;
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
 * A Counter32-only switch whose octet counters wrap every few seconds, and a 64-bit one; then
 * snmpsimd restarts (counters back to their initial values, sysUpTime back to 0). Rates must stay
 * right across every wrap, and the restart must give no rate at all (neither negative nor a
 * "wrap" of the size of the counter) until the series has a new baseline.
 */
class SnmpsimResetWrapIT {
    static final long TWO_POW_32_MINUS_1 = 4_294_967_295L;
    static final long PAUSE_MS = 1_500;
    static final int BEFORE = 6;
    static final int AFTER = 2;
    static final String C32 = "sim-c32";
    static final String HC = "sim-hc";
    /** 8 Gbit/s on 10G (wraps every 4.3 s), 2.4 Gbit/s wrapping 4 s after boot, 80 Mbit/s on 1G wrapping at 5 s, a trickle. */
    static final List<IfMibAgent.Port> PORTS = List.of(
            new IfMibAgent.Port(1, "Ten-GigabitEthernet1/0/1", 10_000, 1_000_000_000L, 0, 500_000_000L, 7),
            new IfMibAgent.Port(2, "Ten-GigabitEthernet1/0/2", 10_000, 300_000_000L, TWO_POW_32_MINUS_1 - 1_200_000_000L,
                    300_000_000L, TWO_POW_32_MINUS_1 - 1_500_000_000L),
            new IfMibAgent.Port(3, "GigabitEthernet1/0/3", 1_000, 10_000_000L, TWO_POW_32_MINUS_1 - 50_000_000L,
                    10_000_000L, 0),
            new IfMibAgent.Port(4, "GigabitEthernet1/0/4", 1_000, 1_000L, 5, 1_000L, 5));
    static IfMibAgent c32 = IfMibAgent.of(C32, PORTS).counter32Only();
    static IfMibAgent hc = IfMibAgent.of(HC, 4);
    static InfluxdFixture influx;
    static SnmpsimFixture sim;
    static SnmpPipeline pipe;
    static LogCapture logs;
    static List<Long> startedMs = new ArrayList<>();

    @BeforeAll
    static void pollAcrossWrapsAndARestart() throws Exception {
        influx = InfluxdFixture.launch();
        sim = SnmpsimFixture.builder().addresses(2).agent("c32", c32.snmprec()).agent("hc", hc.snmprec()).launch();
        logs = LogCapture.of("io.teleflux.snmp");
        pipe = new SnmpPipeline(influx, """
                interval = 60s, timeout = 2s, retries = 1
                targets = [
                  { address = "%s", community = c32 }
                  { address = "%s", community = hc }
                ]
                """.formatted(sim.address(1), sim.address(2)), Map.of());
        for (int i = 0; i < BEFORE + AFTER; i++) {
            if (i == BEFORE) {
                sim.restart();
            } else if (i > 0) {
                Thread.sleep(PAUSE_MS);
            }
            startedMs.add(System.currentTimeMillis());
            assertThat(pipe.poller.pollAllOnce().values()).containsOnly(PollResult.OK);
        }
        Drain.await(pipe.metrics);
    }

    @AfterAll
    static void stop() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (pipe != null) {
            pipe.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    /** Bounds of rate/configured between polls i-1 and i: reads happened between each poll's start and its timestamp. */
    static double[] ratio(List<Point> s, int i) {
        double dt = s.get(i).timeMs() - s.get(i - 1).timeMs();
        return new double[]{(startedMs.get(i) - s.get(i - 1).timeMs()) / dt - 1e-6,
                (s.get(i).timeMs() - startedMs.get(i - 1)) / dt + 1e-6};
    }

    @Test
    void counter32RatesStayRightAcrossEveryWrap() {
        int wraps = 0;
        for (IfMibAgent.Port port : PORTS) {
            List<Point> s = pipe.series(C32, port.name());
            assertThat(s).hasSize(BEFORE + AFTER);
            assertThat(s).allMatch(p -> p.hasHint(Point.HINT_COUNTER32));
            for (int i = 1; i < BEFORE; i++) {
                long prev = (Long) s.get(i - 1).field("in_octets");
                long now = (Long) s.get(i).field("in_octets");
                if (now < prev) {
                    wraps++;
                }
                double[] r = ratio(s, i);
                assertThat((Double) s.get(i).field("in_bps") / (8.0 * port.inRate()))
                        .as("%s in, poll %d (%d -> %d)", port.name(), i, prev, now).isBetween(r[0], r[1]);
                assertThat((Double) s.get(i).field("out_bps") / (8.0 * port.outRate()))
                        .as("%s out, poll %d", port.name(), i).isBetween(r[0], r[1]);
            }
        }
        // the 8 Gbit/s port alone wraps every 4.3 s, the 2.4 Gbit/s one 4 s after boot, the 1G one at 5 s
        assertThat(wraps).as("wraps seen in the raw counters").isGreaterThanOrEqualTo(3);
        assertThat(pipe.metrics.value("teleflux_rate_counter32_wraps_total")).isGreaterThanOrEqualTo(wraps);
        assertThat(pipe.metrics.value("teleflux_snmp_warnings_total", "device", C32, "reason", "counter32_only")).isPositive();
        assertThat(logs.containing(C32 + ": some interfaces have no 64-bit counters")).hasSize(1);
    }

    @Test
    void aRestartGivesNoRateThenTheSeriesRebaselines() {
        for (String device : List.of(C32, HC)) {
            List<Point> ifaces = pipe.points(p -> p.measurement().equals("interface") && device.equals(p.tag("device")));
            assertThat(ifaces).hasSize(4 * (BEFORE + AFTER));
            for (String name : ifaces.stream().map(p -> p.tag("interface")).distinct().toList()) {
                List<Point> s = pipe.series(device, name);
                Point afterRestart = s.get(BEFORE);
                assertThat(afterRestart.hasHint(Point.HINT_RESET)).isTrue();
                assertThat(s.get(BEFORE - 1).hasHint(Point.HINT_RESET)).isFalse();
                assertThat(afterRestart.field("in_bps")).as("%s %s: no rate right after the restart", device, name).isNull();
                assertThat(afterRestart.field("out_bps")).isNull();
                assertThat(afterRestart.field("in_pps")).isNull();
                Point next = s.get(BEFORE + 1);
                assertThat(next.field("in_bps")).as("%s %s: a rate again on the next poll", device, name).isNotNull();
                assertThat(next.hasHint(Point.HINT_RESET)).isFalse();
            }
        }
        for (IfMibAgent.Port port : PORTS) {
            List<Point> s = pipe.series(C32, port.name());
            double[] r = ratio(s, BEFORE + 1);
            assertThat((Double) s.get(BEFORE + 1).field("in_bps") / (8.0 * port.inRate())).isBetween(r[0], r[1]);
        }
        for (IfMibAgent.Port port : hc.ports()) {
            List<Point> s = pipe.series(HC, port.name());
            assertThat((Long) s.get(BEFORE).field("in_octets")).as("back near the initial value")
                    .isLessThan((Long) s.get(BEFORE - 1).field("in_octets"));
        }
        assertThat(pipe.metrics.value("teleflux_snmp_warnings_total", "device", C32, "reason", "agent_restart")).isEqualTo(1);
        assertThat(logs.containing(HC + ": the agent restarted")).hasSize(1);
    }

    @Test
    void noRateIsEverNegativeOrAboveTheInterfaceSpeed() {
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_bps, out_bps, speed_bps FROM interface WHERE source = 'snmp'");
        List<Map<String, Object>> rows = r.single().rows();
        assertThat(rows).hasSize(8 * (BEFORE + AFTER));
        long withRate = 0;
        for (Map<String, Object> row : rows) {
            double speed = ((Number) row.get("speed_bps")).doubleValue();
            for (String f : List.of("in_bps", "out_bps")) {
                if (row.get(f) != null) {
                    withRate++;
                    assertThat(((Number) row.get(f)).doubleValue()).as(f).isBetween(0.0, speed);
                }
            }
        }
        // every poll but the first and the one after the restart, both directions
        assertThat(withRate).isEqualTo(8L * 2 * (BEFORE + AFTER - 2));
    }
}
