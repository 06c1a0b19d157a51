package io.teleflux;

import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * An independent Huawei peer: Debian's python3-grpcio, with stubs generated at test time from
 * proto/huawei/, streams interface counters with known values (GPB, then JSON) over the
 * bidirectional dataPublish call into a real collector writing to a real influxd. The stored
 * points must equal the values sent, and in_bps/out_bps/in_pps must be exact from the device
 * timestamps.
 */
class HuaweiDialoutIT {
    static final String PYTHON = PythonClientIT.PYTHON;
    static final long BASE = 1_000_000_000L;

    @TempDir
    Path gen;

    @Test
    void pythonHuaweiRouterIsDecodedAndStoredWithExactRates() throws Exception {
        assertThat(Path.of(PYTHON)).as("Debian python3 (apt-get install python3-grpcio python3-grpc-tools)").exists();
        Path proto = Path.of("proto/huawei").toAbsolutePath();
        PythonClientIT.run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I" + proto, "--python_out=" + gen,
                "--grpc_python_out=" + gen, "huawei-grpc-dialout.proto", "huawei-telemetry.proto", "huawei-ifm.proto"));
        assertThat(gen.resolve("huawei_grpc_dialout_pb2_grpc.py")).exists();

        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()));
            try {
                long ts = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                String out = PythonClientIT.run(List.of(PYTHON,
                        Path.of("src/test/python/huawei_dialout_client.py").toAbsolutePath().toString(),
                        "--target", "127.0.0.1:" + collector.dialoutPort(), "--gen-dir", gen.toString(),
                        "--timestamp", Long.toString(ts), "--interval", "5000", "--base", Long.toString(BASE)));
                assertThat(out).contains("responses: 0").contains("status: OK");

                String q = "SELECT in_octets, out_octets, in_pkts, out_pkts, in_ucast_pkts, in_nucast_pkts, in_bps, out_bps,"
                        + " in_pps, out_pps FROM interface WHERE device = 'py-pe1' AND interface = '100GE1/0/1'"
                        + " AND source = 'telemetry' ORDER BY time";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", q);
                    return !r.isEmpty() && r.single().size() == 3;
                })).isTrue();
                InfluxQueryResult.Series s = influx.query("telemetry", q).single();
                for (int n = 0; n < 3; n++) {
                    assertThat(s.value(n, "time")).as("device time of sample %d", n).isEqualTo(ts + n * 5000L);
                    assertThat(s.value(n, "in_octets")).isEqualTo(BASE + n * 6_250_000L);
                    assertThat(s.value(n, "out_octets")).isEqualTo(2 * BASE + n * 12_500_000L);
                    assertThat(s.value(n, "in_pkts")).as("unicast + multicast + broadcast").isEqualTo(1_000_520L + n * 1000L);
                    assertThat(s.value(n, "out_pkts")).isEqualTo(2_000_000L + n * 1000L);
                    assertThat(s.value(n, "in_ucast_pkts")).isEqualTo(1_000_000L + n * 1000L);
                    assertThat(s.value(n, "in_nucast_pkts")).isEqualTo(520L);
                }
                assertThat(s.value(0, "in_bps")).as("no rate on a series' first sample").isNull();
                for (int n = 1; n < 3; n++) { // sample 1 is GPB after GPB, sample 2 JSON after GPB
                    assertThat(((Number) s.value(n, "in_bps")).doubleValue()).isCloseTo(10_000_000.0, within(1e-6));
                    assertThat(((Number) s.value(n, "out_bps")).doubleValue()).isCloseTo(20_000_000.0, within(1e-6));
                    assertThat(((Number) s.value(n, "in_pps")).doubleValue()).isCloseTo(200.0, within(1e-9));
                    assertThat(((Number) s.value(n, "out_pps")).doubleValue()).isCloseTo(200.0, within(1e-9));
                }

                InfluxQueryResult trunk = influx.query("telemetry",
                        "SELECT in_octets, out_octets FROM interface WHERE device = 'py-pe1' AND interface = 'Eth-Trunk4.1'");
                assertThat(trunk.single().column("in_octets")).containsExactly(7L, 8L);
                assertThat(trunk.single().column("out_octets")).containsExactly(9L, 10L);

                InfluxQueryResult cpu = influx.query("telemetry",
                        "SELECT system_cpu_usage FROM huawei_devm_cpu_infos_cpu_info WHERE device = 'py-pe1' AND position = '1/1'");
                assertThat(((Number) cpu.single().value(0, "system_cpu_usage")).doubleValue()).isEqualTo(23.0);
                InfluxQueryResult dev = influx.query("telemetry",
                        "SELECT device_ip, vendor, model, software_version FROM device WHERE device = 'py-pe1'");
                assertThat(dev.single().row(0)).containsEntry("device_ip", "127.0.0.1").containsEntry("vendor", "Huawei")
                        .containsEntry("model", "NetEngine 8000 F").containsEntry("software_version", "V800R022C00");

                assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", "malformed_envelope")).isEqualTo(1);
                assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "py-pe1")).isEqualTo(4);
                assertThat(collector.metrics().value("teleflux_dialout_streams_closed_total", "code", "OK")).isEqualTo(1);
            } finally {
                collector.close();
            }
        }
    }
}
