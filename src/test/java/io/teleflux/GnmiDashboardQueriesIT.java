package io.teleflux;

import com.fasterxml.jackson.databind.JsonNode;
import io.teleflux.grafana.GrafanaMacros;
import io.teleflux.grafana.GrafanaMacros.Context;
import io.teleflux.grafana.GrafanaMacros.Variable;
import io.teleflux.grafana.GrafanaRepo;
import io.teleflux.grafana.GrafanaRepo.PanelQuery;
import io.teleflux.testsupport.GnmiTargetFixture;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device dashboards work for a gNMI device unchanged: a real collector subscribes to a gNMI
 * target (Python grpcio) for three minutes of 10-second samples and writes to a real influxd;
 * then every query of the interface-traffic and device-overview dashboards, interpolated as
 * Grafana does with the device variable set to the gNMI device, runs and returns its series.
 */
class GnmiDashboardQueriesIT {
    static final long STEP = 10_000;
    static final int SAMPLES = 19;
    static final String DEVICE = "gnmi-leaf";

    static List<String> variable(InfluxdFixture influx, JsonNode d, String name, Map<String, Variable> vars) {
        String q = GrafanaRepo.variableQueries(d.path("uid").asText(), d).stream().filter(v -> v.name().equals(name))
                .findFirst().orElseThrow().query();
        List<String> values = new ArrayList<>();
        for (InfluxQueryResult.Series s : influx.query("telemetry", GrafanaMacros.expandVariables(q, vars)).series()) {
            s.column("value").forEach(v -> values.add((String) v));
        }
        return values;
    }

    @Test
    void everyDeviceDashboardQueryReturnsTheGnmiDevicesSeries() throws Exception {
        long t0 = (System.currentTimeMillis() - 900_000) / 1000 * 1000;
        long tEnd = t0 + (SAMPLES - 1) * STEP;
        try (InfluxdFixture influx = InfluxdFixture.launch();
             GnmiTargetFixture target = GnmiTargetFixture.builder().devices("py-leaf").interfaces(3).startMs(t0)
                     .samples(SAMPLES).stepMs(STEP).launch();
             Collector c = TestCollector.start(TestCollector.v1(influx.url()) + """
                     teleflux.gnmi.targets = [ { name = %s, address = "%s", tls.enabled = false } ]
                     """.formatted(DEVICE, target.address()))) {
            assertThat(TestCollector.await(30, () -> {
                InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_bps) FROM interface WHERE device = '"
                        + DEVICE + "'");
                return !r.isEmpty() && ((Number) r.single().value(0, "count")).longValue() == 3L * (SAMPLES - 1);
            })).isTrue();
            TestCollector.flush(c);

            int checked = 0;
            for (String file : List.of("interface-traffic.json", "device-overview.json")) {
                JsonNode d = GrafanaRepo.dashboards().get(file);
                Map<String, Variable> vars = new LinkedHashMap<>();
                assertThat(variable(influx, d, "device", vars)).containsExactly(DEVICE);
                vars.put("device", Variable.of("device", DEVICE));
                if (file.equals("interface-traffic.json")) {
                    List<String> ifaces = variable(influx, d, "interface", vars);
                    assertThat(ifaces).containsExactlyInAnyOrder("Ethernet1/1", "Ethernet1/2", "Ethernet1/3");
                    vars.put("interface", Variable.all("interface", ifaces, ".*"));
                } else {
                    vars.put("source", Variable.of("source", "telemetry"));
                }
                for (PanelQuery q : GrafanaRepo.panelQueries(d.path("uid").asText(), d)) {
                    long min = GrafanaMacros.parseInterval(q.minInterval() != null ? q.minInterval()
                            : GrafanaRepo.datasourceMinInterval());
                    long to = tEnd + STEP;
                    long from = q.timeFrom() != null ? to - GrafanaMacros.parseInterval(q.timeFrom()) : t0;
                    String sql = GrafanaMacros.expand(q.query(), new Context(from, to,
                            GrafanaMacros.intervalMs(from, to, 100, min), vars));
                    assertThat(sql).as(q.toString()).doesNotContainPattern("\\$[\\w{]");
                    InfluxQueryResult r = influx.query("telemetry", sql);
                    assertThat(r.series()).as("%s: %s", q, sql).isNotEmpty();
                    assertThat(r.series()).as(q.toString())
                            .allSatisfy(s -> assertThat(s.tags().getOrDefault("device", DEVICE)).isEqualTo(DEVICE));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(6 + 8);

            // the telemetry view of the interface: the overlay panel's telemetry line holds the exact rate
            PanelQuery overlay = GrafanaRepo.panelQueries("teleflux-interface-traffic",
                    GrafanaRepo.dashboards().get("interface-traffic.json")).get(0);
            String sql = GrafanaMacros.expand(overlay.query(), new Context(t0, tEnd + STEP, STEP, Map.of(
                    "device", Variable.of("device", DEVICE), "interface", Variable.of("interface", "Ethernet1/3"))));
            InfluxQueryResult.Series s = influx.query("telemetry", sql).single();
            assertThat(s.tags()).containsEntry("source", "telemetry");
            assertThat(s.values()).hasSize(SAMPLES - 1)
                    .allSatisfy(row -> assertThat(((Number) row.get(1)).doubleValue()).isEqualTo(3_000_000.0));

            // the silent-device alert sees the gNMI target by its updates counter (measurement teleflux)
            double updates = c.metrics().value("teleflux_gnmi_updates_total", "device", DEVICE);
            assertThat(TestCollector.await(30, () -> {
                InfluxQueryResult r = influx.query("telemetry", "SELECT last(gnmi_updates_total) FROM teleflux WHERE device = '"
                        + DEVICE + "'");
                return !r.isEmpty() && ((Number) r.single().value(0, "last")).doubleValue() == updates;
            })).isTrue();
            GrafanaRepo.AlertQuery a = GrafanaRepo.alertQuery("teleflux-device-silent", "A");
            long evalAt = System.currentTimeMillis();
            InfluxQueryResult alert = influx.query("telemetry", GrafanaMacros.expand(a.query(),
                    Context.of(evalAt - a.fromSeconds() * 1000, evalAt - a.toSeconds() * 1000, 1000)));
            assertThat(alert.series()).anySatisfy(x -> assertThat(x.tags()).containsEntry("device", DEVICE));
        }
    }
}
