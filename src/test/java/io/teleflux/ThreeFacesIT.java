package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.gnmi.GnmiSettings;
import io.teleflux.sim.gnmi.GnmiSimulator;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One simulated switch seen three ways at once, through one real collector into a real influxd:
 * it dials out (H3C, every second), answers gNMI Subscribe (SAMPLE every second) and answers
 * SNMP (polled every 5 s). Counters only grow, and every face reads the same counter model, so a
 * value one face stored at time t must lie between the gNMI samples around t: exactly for
 * dial-out (both are the model at a sample instant), within one more gNMI interval for SNMP (the
 * agent reads the counter when the request arrives, the point is stamped when the answer does).
 *
 * <p>And the overlay, as Grafana draws it: over the same time range, the mean in_bps of an
 * interface (weighted by the time each rate covers) agrees within 2% between
 * {@code source=telemetry} (dial-out) and {@code snmp}, two
 * resolutions of one truth. The SNMP target has no {@code name}, so its device tag is the agent's
 * sysName.0, as the docs tell users to configure it for the tags to match.
 */
class ThreeFacesIT {
    static final String DEVICE = "tf-0001";
    static final String GNMI_DEVICE = "tf-0001-gnmi"; // its own device tag: both telemetry faces are source=telemetry

    @Test
    void dialoutGnmiAndSnmpOfOneSwitchAgree() throws Exception {
        CounterModel model = new CounterModel(31, 4, "tf-"); // seed 31: its three ports after the burst port carry traffic
        try (InfluxdFixture influx = InfluxdFixture.launch();
             SnmpAgentSimulator agent = new SnmpAgentSimulator(model, 1, "127.0.0.1", 0, List.of());
             GnmiSimulator gnmi = new GnmiSimulator(model, 1, GnmiSettings.plaintext("127.0.0.1", 0, Duration.ofSeconds(1)))) {
            agent.start();
            gnmi.start();
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux.snmp {
                      interval = 5s
                      timeout = 2s
                      targets = [ { address = "127.0.0.1:%d", version = "2c", community = "%s" } ]
                    }
                    teleflux.gnmi.targets = [
                      { name = "%s", address = "127.0.0.1:%d", target = "%s", tls.enabled = false,
                        sample-interval = 1s, encoding = proto }
                    ]
                    """.formatted(agent.port(), DEVICE, GNMI_DEVICE, gnmi.port(), DEVICE));
            try (DialoutSimulator sim = new DialoutSimulator(model,
                    DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), 1)
                            .withInterval(Duration.ofSeconds(1)))) {
                sim.start();
                assertThat(sim.awaitConnected(1, Duration.ofSeconds(60))).isTrue();
                sim.startClock();
                // eight SNMP polls give seven SNMP rates (the overlay's window); telemetry gives one a second
                String rates = "SELECT count(in_bps) FROM interface WHERE device = '" + DEVICE + "' AND source = 'snmp' GROUP BY interface";
                assertThat(TestCollector.await(120, () -> {
                    InfluxQueryResult r = influx.query("telemetry", rates);
                    return !r.isEmpty() && r.series().stream().allMatch(s -> ((Number) s.value(0, "count")).longValue() >= 7);
                })).as("seven SNMP rates per interface").isTrue();
                long lastPoll = lastTime(influx, DEVICE, "snmp");
                assertThat(TestCollector.await(10, () -> lastTime(influx, GNMI_DEVICE, "telemetry") > lastPoll))
                        .as("a gNMI sample after the last poll").isTrue();
            } finally {
                collector.close();
            }

            Set<String> snmpIfaces = interfaces(influx, DEVICE, "snmp");
            assertThat(interfaces(influx, GNMI_DEVICE, "telemetry")).as("gNMI names the interfaces as SNMP does")
                    .isEqualTo(snmpIfaces);
            assertThat(interfaces(influx, DEVICE, "telemetry")).as("dial-out names the interfaces as SNMP does")
                    .isEqualTo(snmpIfaces);
            int checked = 0;
            for (int p = 0; p < 4; p++) {
                InterfaceProfile iface = model.iface(0, p);
                List<long[]> g = series(influx, GNMI_DEVICE, "telemetry", iface.name());
                assertThat(g).as("gNMI samples of %s", iface.name()).hasSizeGreaterThan(10);
                for (long[] d : series(influx, DEVICE, "telemetry", iface.name())) {
                    if (d[0] > g.get(0)[0] && d[0] < g.get(g.size() - 1)[0]) {
                        assertBetween("dial-out", iface.name(), d, g, 0);
                        checked++;
                    }
                }
                for (long[] s : series(influx, DEVICE, "snmp", iface.name())) {
                    if (s[0] > g.get(0)[0] + 1_000 && s[0] < g.get(g.size() - 1)[0]) {
                        assertBetween("SNMP", iface.name(), s, g, 1_000);
                        checked++;
                    }
                }
            }
            System.out.println("three faces: " + checked + " dial-out and SNMP samples checked against gNMI");
            assertThat(checked).isGreaterThan(40);

            int overlaid = 0;
            for (int p = 1; p < 4; p++) { // not the burst port: its edges would dominate a 35 s window
                InterfaceProfile iface = model.iface(0, p);
                if (iface.operStatus() != 1) {
                    continue;
                }
                double[] means = overlay(influx, "device = '" + DEVICE + "' AND interface = '" + iface.name() + "'");
                double telMean = means[0], snmpMean = means[1];
                assertThat(snmpMean).as("%s carries traffic", iface.name()).isGreaterThan(0);
                System.out.printf("overlay %s: telemetry mean in_bps %.0f, SNMP mean %.0f, difference %.3f%%%n",
                        iface.name(), telMean, snmpMean, 100 * Math.abs(telMean - snmpMean) / snmpMean);
                assertThat(Math.abs(telMean - snmpMean) / snmpMean)
                        .as("%s: telemetry mean %.0f vs SNMP mean %.0f", iface.name(), telMean, snmpMean)
                        .isLessThan(0.02);
                overlaid++;
            }
            assertThat(overlaid).isGreaterThan(0);
        }
    }

    /** The time of the latest in_octets point of a device and source (0 when there is none). */
    private static long lastTime(InfluxdFixture influx, String device, String source) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT last(in_octets) FROM interface WHERE device = '" + device
                + "' AND source = '" + source + "'");
        return r.isEmpty() ? 0 : ((Number) r.single().value(0, "time")).longValue();
    }

    /**
     * The mean in_bps of one interface from telemetry and from SNMP, {telemetry, snmp}, both over the
     * span from the first to the last SNMP poll and both weighted by the time each rate covers (a rate
     * stamped t covers the time since the series' previous point). Plain means of the points would
     * count a poll that came late, or a telemetry second cut by the span's edge, like any other;
     * weighted, the two differ only by the traffic itself between the agent's read and the stamp.
     */
    static double[] overlay(InfluxdFixture influx, String where) {
        List<Map<String, Object>> snmp = influx.query("telemetry", "SELECT in_octets, in_bps FROM interface WHERE "
                + where + " AND source = 'snmp' ORDER BY time").single().rows();
        int first = 1;
        while (first < snmp.size() && snmp.get(first).get("in_bps") == null) {
            first++;
        }
        assertThat(first).as("an SNMP rate for %s", where).isLessThan(snmp.size());
        long from = time(snmp.get(first - 1));
        long to = time(snmp.get(snmp.size() - 1));
        List<Map<String, Object>> tel = influx.query("telemetry", "SELECT in_bps FROM interface WHERE " + where
                + " AND source = 'telemetry' AND time > " + (from - 10_000) + "ms AND time <= " + (to + 10_000)
                + "ms ORDER BY time").single().rows();
        return new double[] {weightedMean(tel, from, to), weightedMean(snmp, from, to)};
    }

    /** The mean of in_bps over [from, to], each rate covering (previous point, its point]; gaps (no rate) do not count. */
    private static double weightedMean(List<Map<String, Object>> rows, long from, long to) {
        double bitMs = 0;
        long ms = 0;
        for (int i = 1; i < rows.size(); i++) {
            Object bps = rows.get(i).get("in_bps");
            long start = Math.max(from, time(rows.get(i - 1)));
            long end = Math.min(to, time(rows.get(i)));
            if (bps != null && end > start) {
                bitMs += ((Number) bps).doubleValue() * (end - start);
                ms += end - start;
            }
        }
        assertThat(ms).as("rates covering the span").isGreaterThan((to - from) * 9 / 10);
        return bitMs / ms;
    }

    private static long time(Map<String, Object> row) {
        return ((Number) row.get("time")).longValue();
    }

    /** {@code v} at time t lies between the gNMI samples at or before t - slack and at or after t. */
    private static void assertBetween(String face, String iface, long[] v, List<long[]> gnmi, long slackMs) {
        long[] before = null;
        long[] after = null;
        for (long[] g : gnmi) {
            if (g[0] <= v[0] - slackMs) {
                before = g;
            }
            if (g[0] >= v[0] && after == null) {
                after = g;
            }
        }
        assertThat(before).as("a gNMI sample before %s's at %d", face, v[0]).isNotNull();
        assertThat(after).as("a gNMI sample after %s's at %d", face, v[0]).isNotNull();
        assertThat(v[1]).as("%s in_octets of %s at %d: between gNMI's %d (at %d) and %d (at %d)",
                        face, iface, v[0], before[1], before[0], after[1], after[0])
                .isBetween(before[1], after[1]);
    }

    private static Set<String> interfaces(InfluxdFixture influx, String device, String source) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_octets) FROM interface WHERE device = '"
                + device + "' AND source = '" + source + "' GROUP BY interface");
        Set<String> names = new TreeSet<>();
        r.series().forEach(s -> names.add(s.tags().get("interface")));
        return names;
    }

    /** (epoch ms, in_octets) in time order. */
    private static List<long[]> series(InfluxdFixture influx, String device, String source, String iface) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = '" + device
                + "' AND source = '" + source + "' AND interface = '" + iface + "' ORDER BY time");
        List<long[]> out = new ArrayList<>();
        if (r.isEmpty()) {
            return out;
        }
        for (var row : r.single().rows()) {
            out.add(new long[]{((Number) row.get("time")).longValue(), ((Number) row.get("in_octets")).longValue()});
        }
        return out;
    }
}
