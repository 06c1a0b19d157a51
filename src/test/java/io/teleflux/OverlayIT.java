package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overlay: one simulated device streams dial-out telemetry every second and answers SNMP,
 * which the collector polls every 5 s; both land in a real influxd. Over the same time range, the
 * mean in_bps of one interface agrees within 2% between {@code source=telemetry} and {@code snmp}
 * — two resolutions of one truth, as Grafana overlays them.
 */
class OverlayIT {

    @Test
    void telemetryAndSnmpOfOneInterfaceAgree() throws Exception {
        CounterModel model = new CounterModel(31, 4, "ov-");
        try (InfluxdFixture influx = InfluxdFixture.launch();
             SnmpAgentSimulator agent = new SnmpAgentSimulator(model, 1, "127.0.0.1", 0, List.of())) {
            agent.start();
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux.snmp {
                      interval = 5s
                      timeout = 2s
                      targets = [ { address = "127.0.0.1:%d", version = "2c", community = "ov-0001" } ]
                    }
                    """.formatted(agent.port()));
            try (DialoutSimulator sim = new DialoutSimulator(model,
                    DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), 1)
                            .withInterval(Duration.ofSeconds(1)))) {
                sim.start();
                assertThat(sim.awaitConnected(1, Duration.ofSeconds(60))).isTrue();
                sim.startClock();
                // eight SNMP polls give seven SNMP rates; telemetry gives one a second
                String rates = "SELECT count(in_bps) FROM interface WHERE device = 'ov-0001' AND source = 'snmp' GROUP BY interface";
                assertThat(TestCollector.await(120, () -> {
                    InfluxQueryResult r = influx.query("telemetry", rates);
                    return !r.isEmpty() && r.series().stream().allMatch(s -> ((Number) s.value(0, "count")).longValue() >= 7);
                })).as("seven SNMP rates per interface").isTrue();
            } finally {
                collector.close();
            }

            int checked = 0;
            for (int p = 1; p < 4; p++) { // not the burst port: its edges would dominate a 35 s window
                InterfaceProfile iface = model.iface(0, p);
                if (iface.operStatus() != 1) {
                    continue;
                }
                String where = "device = 'ov-0001' AND interface = '" + iface.name() + "'";
                InfluxQueryResult snmp = influx.query("telemetry",
                        "SELECT in_bps FROM interface WHERE " + where + " AND source = 'snmp' AND in_bps >= 0 ORDER BY time");
                List<Object> times = snmp.single().column("time");
                long from = ((Number) times.get(0)).longValue();
                long to = ((Number) times.get(times.size() - 1)).longValue();
                // the SNMP rates cover (first poll before `from`, `to`]; take the telemetry rates in the same span
                long start = from - 5_000;
                String range = " AND time > " + start + "ms AND time <= " + to + "ms";
                double snmpMean = mean(influx, "SELECT mean(in_bps) FROM interface WHERE " + where + " AND source = 'snmp'" + range);
                double telMean = mean(influx, "SELECT mean(in_bps) FROM interface WHERE " + where + " AND source = 'telemetry'" + range);
                assertThat(snmpMean).as("%s carries traffic", iface.name()).isGreaterThan(0);
                System.out.printf("overlay %s: telemetry mean in_bps %.0f, SNMP mean %.0f, difference %.3f%%%n",
                        iface.name(), telMean, snmpMean, 100 * Math.abs(telMean - snmpMean) / snmpMean);
                assertThat(Math.abs(telMean - snmpMean) / snmpMean)
                        .as("%s: telemetry mean %.0f vs SNMP mean %.0f", iface.name(), telMean, snmpMean)
                        .isLessThan(0.02);
                checked++;
            }
            assertThat(checked).isGreaterThan(0);
        }
    }

    static double mean(InfluxdFixture influx, String q) {
        InfluxQueryResult r = influx.query("telemetry", q);
        return ((Number) r.single().value(0, "mean")).doubleValue();
    }
}
