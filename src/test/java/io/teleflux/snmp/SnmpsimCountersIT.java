package io.teleflux.snmp;

import io.teleflux.influx.Drain;
import io.teleflux.point.Point;
import io.teleflux.testsupport.IfMibAgent;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.SnmpsimFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Simulated switches with 48 and 96 interfaces whose counters grow at known rates from known
 * values (snmpsim's {@code numeric} variation): the points must carry exactly what the agents
 * answered and the rates exactly what they were configured with.
 *
 * <p>"Exactly" has a precise meaning here. snmpsim answers {@code initial + rate * (now - boot)}
 * at the moment it reads each object, which lies somewhere between the start of our poll and the
 * arrival of its last answer (the point's timestamp); the boot moment is known within a round
 * trip (from sysUpTime, {@link SnmpsimFixture#bootWindow}). So each value must lie in the interval
 * those moments give, and each rate {@code 8 * rate * (read2 - read1) / (T2 - T1)} in the interval
 * they give for it. Nothing else is tolerated.
 */
class SnmpsimCountersIT {
    static final int POLLS = 3;
    static final long PAUSE_MS = 3_000;
    static InfluxdFixture influx;
    static SnmpsimFixture sim;
    static SnmpPipeline pipe;
    static IfMibAgent sw48 = IfMibAgent.of("sim-sw48", 48);
    static IfMibAgent sw96 = IfMibAgent.of("sim-sw96", 96);
    static SnmpsimFixture.BootWindow boot;
    /** Wall clock just before each poll started. */
    static List<Long> startedMs = new ArrayList<>();
    static List<Map<io.teleflux.snmp.SnmpTarget, PollResult>> results = new ArrayList<>();

    @BeforeAll
    static void poll() throws Exception {
        influx = InfluxdFixture.launch();
        sim = SnmpsimFixture.builder().addresses(2).agent("sw48", sw48.snmprec()).agent("sw96", sw96.snmprec()).launch();
        boot = sim.bootWindow("sw48");
        pipe = new SnmpPipeline(influx, """
                interval = 60s, timeout = 2s, retries = 1
                targets = [
                  { address = "%s", community = sw48 }
                  { address = "%s", community = sw96 }
                ]
                """.formatted(sim.address(1), sim.address(2)), Map.of());
        for (int i = 0; i < POLLS; i++) {
            if (i > 0) {
                Thread.sleep(PAUSE_MS);
            }
            startedMs.add(System.currentTimeMillis());
            results.add(pipe.poller.pollAllOnce());
        }
        Drain.await(pipe.metrics);
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.printf("SnmpsimCountersIT: worst |rate/configured - 1| = %.4f over %d Δt of ~%d ms; boot known within %.0f ms%n",
                worstRateError, (POLLS - 1) * 144 * 2, PAUSE_MS, boot == null ? 0 : boot.latestMs() - boot.earliestMs());
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

    /** The interval a counter growing by {@code rate}/s from {@code initial} must lie in when read during poll {@code i}. */
    static double[] expected(long initial, long rate, int poll, long pointTimeMs) {
        double low = initial + rate * (startedMs.get(poll) - boot.latestMs()) / 1000.0;
        double high = initial + rate * (pointTimeMs - boot.earliestMs()) / 1000.0;
        return new double[]{Math.floor(low) - 1, Math.ceil(high) + 1};
    }

    static void assertValue(Point p, String field, long initial, long rate, int poll) {
        double[] range = expected(initial, rate, poll, p.timeMs());
        assertThat(((Number) p.field(field)).doubleValue()).as("%s %s poll %d", p.tag("interface"), field, poll)
                .isBetween(range[0], range[1]);
    }

    /** The interval {@code rateField / (scale * rate)} must lie in between polls {@code i-1} and {@code i}. */
    static double[] rateRatio(long t1, long t2, int poll) {
        double dt = t2 - t1;
        return new double[]{(startedMs.get(poll) - t1) / dt, (t2 - startedMs.get(poll - 1)) / dt};
    }

    static double worstRateError;

    void check(IfMibAgent agent) {
        int n = agent.ports().size();
        for (IfMibAgent.Port port : agent.ports()) {
            List<Point> s = pipe.series(agent.sysName(), port.name());
            assertThat(s).as(port.name()).hasSize(POLLS);
            for (int i = 0; i < POLLS; i++) {
                Point p = s.get(i);
                assertThat(p.tags()).containsEntry("source", "snmp");
                assertThat(p.hasHint(Point.HINT_COUNTER32)).isFalse();
                assertValue(p, "in_octets", port.inInitial(), port.inRate(), i);
                assertValue(p, "out_octets", port.outInitial(), port.outRate(), i);
                assertValue(p, "in_ucast_pkts", port.ucastInitial(), port.inUcastRate(), i);
                assertValue(p, "out_ucast_pkts", port.ucastInitial(), port.outUcastRate(), i);
                long in = (Long) p.field("in_pkts");
                assertThat(in - (Long) p.field("in_ucast_pkts")).isEqualTo(port.multicast() + port.broadcast());
                assertThat(p.field("ifindex")).isEqualTo((long) port.ifIndex());
                assertThat(p.field("in_errors")).isEqualTo(port.inErrors());
                assertThat(p.field("out_errors")).isEqualTo(port.outErrors());
                assertThat(p.field("in_discards")).isEqualTo(port.inDiscards());
                assertThat(p.field("out_discards")).isEqualTo(port.outDiscards());
                assertThat(p.field("speed_bps")).isEqualTo(10_000_000_000L);
                assertThat(p.field("oper_status")).isEqualTo((long) port.operStatus());
                assertThat(p.field("admin_status")).isEqualTo(1L);
                assertThat(p.field("description")).isEqualTo(port.alias().isEmpty() ? null : port.alias());
                if (i == 0) {
                    assertThat(p.field("in_bps")).isNull();
                    continue;
                }
                double[] ratio = rateRatio(s.get(i - 1).timeMs(), p.timeMs(), i);
                double inRatio = (Double) p.field("in_bps") / (8.0 * port.inRate());
                double outRatio = (Double) p.field("out_bps") / (8.0 * port.outRate());
                double ppsRatio = (Double) p.field("in_pps") / port.inUcastRate();
                for (double r : new double[]{inRatio, outRatio}) {
                    assertThat(r).as("%s rate/configured, poll %d", port.name(), i).isBetween(ratio[0] - 1e-6, ratio[1] + 1e-6);
                    worstRateError = Math.max(worstRateError, Math.abs(r - 1));
                }
                // packets grow by small whole numbers: allow the truncation of one packet at each end
                double slack = 2.0 / (port.inUcastRate() * (p.timeMs() - s.get(i - 1).timeMs()) / 1000.0);
                assertThat(ppsRatio).isBetween(ratio[0] - slack, ratio[1] + slack);
                double util = (Double) p.field("in_bps") / 1e10 * 100; // each is rounded to 7 significant digits
                assertThat((Double) p.field("in_util_pct")).isCloseTo(util, within(1e-6 * util));
            }
        }
        assertThat(pipe.metrics.value("teleflux_snmp_interfaces", "device", agent.sysName())).isEqualTo(n);
        assertThat(pipe.metrics.value("teleflux_snmp_polls_total", "device", agent.sysName(), "result", "ok")).isEqualTo(POLLS);
    }

    @Test
    void fortyEightInterfacesCarryExactlyTheConfiguredValuesAndRates() {
        assertThat(results).allSatisfy(r -> assertThat(r.values()).containsOnly(PollResult.OK));
        check(sw48);
    }

    @Test
    void ninetySixInterfacesToo() {
        check(sw96);
    }

    @Test
    void everyPointIsInInfluxdAsTheTapSawIt() {
        for (IfMibAgent a : List.of(sw48, sw96)) {
            InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_octets) AS n, count(in_bps) AS r FROM interface "
                    + "WHERE device = '" + a.sysName() + "' AND source = 'snmp'");
            assertThat(((Number) r.single().value(0, "n")).longValue()).isEqualTo((long) a.ports().size() * POLLS);
            assertThat(((Number) r.single().value(0, "r")).longValue()).isEqualTo((long) a.ports().size() * (POLLS - 1));
        }
        IfMibAgent.Port p = sw96.ports().get(95);
        Point last = pipe.series(sw96.sysName(), p.name()).get(POLLS - 1);
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets, in_bps, description FROM interface WHERE device = '"
                + sw96.sysName() + "' AND interface = '" + p.name() + "' ORDER BY time DESC LIMIT 1");
        assertThat(((Number) r.single().value(0, "in_octets")).longValue()).isEqualTo((Long) last.field("in_octets"));
        assertThat(((Number) r.single().value(0, "in_bps")).doubleValue()).isCloseTo((Double) last.field("in_bps"), within(1e-3));
        assertThat(r.single().value(0, "time")).isEqualTo(last.timeMs());
        InfluxQueryResult dev = influx.query("telemetry", "SELECT last(uptime_s) AS u, last(device_ip) AS ip FROM device "
                + "WHERE device = '" + sw48.sysName() + "'");
        assertThat(((Number) dev.single().value(0, "u")).longValue()).isBetween(0L, 600L);
        assertThat(dev.single().value(0, "ip")).isEqualTo("127.0.0.1");
    }
}
