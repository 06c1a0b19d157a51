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
 * H3C Comware v3 dial-out end to end with an independent client: Debian's python3-grpcio, with
 * stubs generated at test time from {@code proto/h3cv3/}, streams JSON (whole and chunked by
 * totalSize), a broken message, GPB rows and an error report over one bidirectional call into a
 * real collector writing to a real influxd. The stored counters are the values sent, the rates are
 * exact from the device timestamps, and the response stream carries nothing and ends OK.
 */
class H3cV3DialoutIT {
    @TempDir
    Path gen;

    @Test
    void pythonGrpcioV3DeviceIsDecodedAndStored() throws Exception {
        assertThat(Path.of(PythonClientIT.PYTHON)).as("Debian python3 (apt-get install python3-grpcio python3-grpc-tools)")
                .exists();
        Path proto = Path.of("proto/h3cv3").toAbsolutePath();
        PythonClientIT.run(List.of(PythonClientIT.PYTHON, "-m", "grpc_tools.protoc", "-I" + proto, "--python_out=" + gen,
                "--grpc_python_out=" + gen, "grpc_dialout_v3.proto", "telemetry.proto"));
        assertThat(gen.resolve("grpc_dialout_v3_pb2_grpc.py")).exists();

        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()));
            try {
                long ts = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                String out = PythonClientIT.run(List.of(PythonClientIT.PYTHON,
                        Path.of("src/test/python/h3cv3_dialout_client.py").toAbsolutePath().toString(),
                        "--target", "127.0.0.1:" + collector.dialoutPort(), "--gen-dir", gen.toString(),
                        "--timestamp", Long.toString(ts), "--base", "1000000000"));
                assertThat(out).contains("responses: 0 status: OK");

                String q = "SELECT in_octets, out_octets, in_bps, out_bps, speed_bps FROM interface WHERE device = 'py-v3-sw1'"
                        + " AND interface = 'GigabitEthernet1/0/1' ORDER BY time";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", q);
                    return !r.isEmpty() && r.single().size() == 2 && r.single().value(1, "speed_bps") != null;
                })).isTrue();
                InfluxQueryResult.Series s = influx.query("telemetry", q).single();
                assertThat(s.value(0, "time")).isEqualTo(ts);
                assertThat(s.value(0, "in_octets")).isEqualTo(1_000_000_000L);
                assertThat(s.value(0, "out_octets")).isEqualTo(2_000_000_000L);
                assertThat(s.value(1, "time")).isEqualTo(ts + 5000);
                assertThat(s.value(1, "in_octets")).isEqualTo(1_006_250_000L);
                assertThat(((Number) s.value(1, "in_bps")).doubleValue()).isCloseTo(10_000_000.0, within(1e-6));
                assertThat(((Number) s.value(1, "out_bps")).doubleValue()).isCloseTo(20_000_000.0, within(1e-6));
                assertThat(s.value(1, "speed_bps")).isEqualTo(1_000_000_000L);

                InfluxQueryResult lag = influx.query("telemetry",
                        "SELECT in_octets FROM interface WHERE device = 'py-v3-sw1' AND interface = 'Bridge-Aggregation 1,x=y'");
                assertThat(lag.single().size()).isEqualTo(2);

                String cpus = "SELECT f1_f1_f2, f1_f1_f4 FROM h3c_device_cpus WHERE device = 'py-v3-sw1' GROUP BY \"row\"";
                assertThat(TestCollector.await(30, () -> !influx.query("telemetry", cpus).isEmpty())).isTrue();
                InfluxQueryResult c = influx.query("telemetry", cpus);
                assertThat(c.series()).hasSize(2);
                assertThat(c.series().get(0).value(0, "f1_f1_f2")).isEqualTo(1L);
                assertThat(c.series().get(0).value(0, "f1_f1_f4")).isEqualTo(23L);
                assertThat(c.series().get(1).value(0, "f1_f1_f4")).isEqualTo(7L);
                assertThat(c.series().get(1).value(0, "time")).isEqualTo(ts + 5000);

                InfluxQueryResult dev = influx.query("telemetry",
                        "SELECT model, vendor, device_ip FROM device WHERE device = 'py-v3-sw1'");
                assertThat(dev.single().value(0, "model")).isEqualTo("S6530X-PY");
                assertThat(dev.single().value(0, "device_ip")).isEqualTo("127.0.0.1");

                assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", "malformed_protobuf")).isEqualTo(1);
                assertThat(collector.metrics().value("teleflux_decode_warnings_total", "reason", "device_error")).isEqualTo(1);
                assertThat(collector.metrics().value("teleflux_decode_warnings_total", "reason", "unknown_gpb_module")).isEqualTo(2);
                assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "py-v3-sw1")).isEqualTo(4);
                assertThat(collector.metrics().value("teleflux_dialout_chunk_buffer_bytes")).isZero();
            } finally {
                collector.close();
            }
        }
    }
}
