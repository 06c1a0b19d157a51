package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.testsupport.VictoriaMetricsFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The same pipeline through the v2 API (influxdb-client-java, gzip) into a real VictoriaMetrics,
 * which accepts {@code /api/v2/write}: proves the v2 wire path and the values. (VictoriaMetrics
 * ignores org, bucket and token; the exact request is checked in V2WriterIT.)
 */
class DialoutToVictoriaMetricsV2IT {

    @Test
    void simulatedDevicesLandInVictoriaMetricsThroughTheV2Api() throws Exception {
        try (VictoriaMetricsFixture vm = VictoriaMetricsFixture.launch()) {
            Collector collector = TestCollector.start("teleflux.influx { api = v2, url = \"" + vm.url()
                    + "\", org = it-org, bucket = telemetry, token = it-token }\n");
            CounterModel model = new CounterModel(7, 4, "v2-");
            try (DialoutSimulator sim = new DialoutSimulator(model,
                    DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), 2))) {
                sim.start();
                assertThat(sim.awaitConnected(2, Duration.ofSeconds(60))).isTrue();
                long t0 = (System.currentTimeMillis() / 5000) * 5000 - 30_000;
                sim.sendSample(t0).get(60, TimeUnit.SECONDS);
                sim.sendSample(t0 + 5000).get(60, TimeUnit.SECONDS);
                assertThat(sim.awaitDrained(Duration.ofSeconds(60))).isTrue();

                String name = model.iface(1, 0).name();
                String sel = "{__name__=\"interface_in_octets\",device=\"v2-0002\",source=\"telemetry\"}";
                List<VictoriaMetricsFixture.Series> octets = vm.awaitExport(sel,
                        s -> s.size() == 4 && s.stream().allMatch(x -> x.values().size() == 2), Duration.ofSeconds(60));
                VictoriaMetricsFixture.Series s = octets.stream()
                        .filter(x -> name.equals(x.labels().get("interface"))).findFirst().orElseThrow();
                assertThat(s.timestamps()).containsExactly(t0, t0 + 5000);
                assertThat(s.values()).containsExactly((double) model.octets(1, 0, Direction.IN, t0),
                        (double) model.octets(1, 0, Direction.IN, t0 + 5000));

                List<VictoriaMetricsFixture.Series> bps = vm.awaitExport(
                        "{__name__=\"interface_in_bps\",device=\"v2-0002\",interface=\"" + name + "\"}",
                        x -> x.size() == 1, Duration.ofSeconds(30));
                double expected = (model.octets(1, 0, Direction.IN, t0 + 5000) - model.octets(1, 0, Direction.IN, t0)) * 8 / 5.0;
                assertThat(bps).hasSize(1);
                assertThat(bps.get(0).timestamps()).containsExactly(t0 + 5000);
                assertThat(bps.get(0).values().get(0)).isCloseTo(expected, within(1e-6 * expected));
            } finally {
                collector.close();
            }
            assertThat(collector.metrics().sum("teleflux_points_dropped_total")).isZero();
            assertThat(collector.metrics().value("teleflux_points_written_total")).isGreaterThan(0);
        }
    }
}
