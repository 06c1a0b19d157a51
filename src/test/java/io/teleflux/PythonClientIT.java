package io.teleflux;

import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * An independent client: Debian's python3-grpcio, with stubs generated at test time from our
 * proto, streams to the collector. Proves that a non-Java gRPC stack interoperates.
 */
class PythonClientIT {
    static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio is only visible to the system python

    @TempDir
    Path gen;

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s printed:%n%s", cmd, out).isZero();
        return out;
    }

    @Test
    void pythonGrpcioDeviceIsDecodedAndStored() throws Exception {
        assertThat(Path.of(PYTHON)).as("Debian python3 (apt-get install python3-grpcio python3-grpc-tools)").exists();
        Path proto = Path.of("proto/h3c").toAbsolutePath();
        run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I" + proto, "--python_out=" + gen, "--grpc_python_out=" + gen,
                "grpc_dialout.proto"));
        assertThat(gen.resolve("grpc_dialout_pb2_grpc.py")).exists();

        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()));
            try {
                long ts = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                List<String> cmd = new ArrayList<>(List.of(PYTHON, Path.of("src/test/python/h3c_dialout_client.py").toAbsolutePath().toString(),
                        "--target", "127.0.0.1:" + collector.dialoutPort(), "--gen-dir", gen.toString(),
                        "--timestamp", Long.toString(ts), "--base", "1000000000"));
                String out = run(cmd);
                assertThat(out).contains("response: ok");

                String q = "SELECT in_octets, out_octets, in_bps, speed_bps FROM interface WHERE device = 'py-sw1' "
                        + "AND interface = 'GigabitEthernet1/0/1' ORDER BY time";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", q);
                    return !r.isEmpty() && r.single().size() == 2 && r.single().value(1, "speed_bps") != null;
                })).isTrue();
                InfluxQueryResult.Series s = influx.query("telemetry", q).single();
                assertThat(s.value(0, "time")).isEqualTo(ts);
                assertThat(s.value(0, "in_octets")).isEqualTo(1_000_000_000L);
                assertThat(s.value(0, "out_octets")).isEqualTo(2_000_000_000L);
                assertThat(s.value(1, "in_octets")).isEqualTo(1_006_250_000L);
                assertThat(((Number) s.value(1, "in_bps")).doubleValue()).isCloseTo(10_000_000.0, within(1e-6));
                assertThat(s.value(1, "speed_bps")).isEqualTo(1_000_000_000L);

                InfluxQueryResult lag = influx.query("telemetry",
                        "SELECT in_octets FROM interface WHERE device = 'py-sw1' AND interface = 'Bridge-Aggregation 1,x=y'");
                assertThat(lag.single().size()).isEqualTo(2);
                assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", "malformed_json")).isEqualTo(1);
                assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "py-sw1")).isEqualTo(4);
            } finally {
                collector.close();
            }
        }
    }
}
