package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.testsupport.HaproxyFixture;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROXY protocol end to end, with a real HAProxy ({@code send-proxy-v2}, the shipped tuning) whose
 * connections to the collector come from 127.0.0.2 while the devices dial from 127.0.0.1. The
 * collector trusts 127.0.0.2 only, allows 127.0.0.1 only and binds device names to addresses:
 * <ul>
 *   <li>devices through HAProxy are admitted (the allowlist sees their address, not HAProxy's, which
 *       it does not allow) and their {@code device_ip} in InfluxDB is 127.0.0.1;</li>
 *   <li>a direct connection from 127.0.0.1 that sends a forged PROXY header is refused and counted
 *       ({@code proxy_untrusted});</li>
 *   <li>a connection from 127.0.0.2 that sends the HTTP/2 preface without a header, or nothing at
 *       all past {@code header-timeout}, is closed and counted ({@code proxy_header}).</li>
 * </ul>
 */
class DialoutProxyProtocolIT {
    static final String BALANCER = "127.0.0.2";
    static final String DEVICES_FROM = "127.0.0.1";
    static final int DEVICES = 4;
    static final String REJECTED = "teleflux_dialout_rejected_total";
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void devicesThroughHaproxyKeepTheirAddressAndNobodyElseMaySayWhoTheyAre() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux.dialout {
                      allow = ["%s"]
                      require-device-name-match = true
                      proxy-protocol { trusted = ["%s"], header-timeout = 1s }
                    }
                    """.formatted(DEVICES_FROM, BALANCER));
            try (HaproxyFixture lb = HaproxyFixture.launch(
                    List.of(new HaproxyFixture.Backend("c1", collector.dialoutPort(), collector.httpPort())),
                    new HaproxyFixture.Options(true, BALANCER))) {
                assertThat(lb.awaitStatus("c1", "UP", Duration.ofSeconds(10))).isTrue();
                CounterModel model = new CounterModel(DEVICES, 2, "pp-");
                try (DialoutSimulator sim = new DialoutSimulator(model,
                        DialoutSettings.defaults(new HostPort("127.0.0.1", lb.port()), DEVICES))) {
                    sim.start();
                    assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(20))).isTrue();
                    long t = System.currentTimeMillis() - 10_000;
                    sim.sendSample(t).get(20, TimeUnit.SECONDS);
                    assertThat(sim.awaitDrained(Duration.ofSeconds(20))).isTrue();
                    assertThat(TestCollector.await(20, () -> count(influx, "SELECT count(device_ip) FROM device") >= DEVICES))
                            .as("a device point per device").isTrue();
                    InfluxQueryResult ips = influx.query("telemetry",
                            "SELECT last(device_ip) AS ip FROM device GROUP BY device");
                    assertThat(ips.series()).hasSize(DEVICES);
                    ips.series().forEach(s -> assertThat(s.value(0, "ip")).as(s.toString()).isEqualTo(DEVICES_FROM));
                    assertThat(lb.servers().get("c1").currentSessions()).isEqualTo(DEVICES);
                    assertThat(collector.metrics().value(REJECTED, "reason", "allowlist")).isZero();
                    assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", "device_name_mismatch"))
                            .isZero();
                }
            }

            // a device (allowed, untrusted) that claims to speak for another address
            try (Socket s = connect(DEVICES_FROM, collector.dialoutPort())) {
                s.getOutputStream().write("PROXY TCP4 10.9.9.9 127.0.0.1 4000 50051\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(PREFACE);
                assertThat(closedByPeer(s)).isTrue();
            }
            assertThat(TestCollector.await(5, () -> collector.metrics().value(REJECTED, "reason", "proxy_untrusted") == 1))
                    .isTrue();

            // the balancer's address without a header: the HTTP/2 preface at once, then silence
            try (Socket s = connect(BALANCER, collector.dialoutPort())) {
                s.getOutputStream().write(PREFACE);
                assertThat(closedByPeer(s)).isTrue();
            }
            assertThat(TestCollector.await(5, () -> collector.metrics().value(REJECTED, "reason", "proxy_header") == 1))
                    .isTrue();
            long start = System.nanoTime();
            try (Socket s = connect(BALANCER, collector.dialoutPort())) {
                assertThat(closedByPeer(s)).isTrue();
            }
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waitedMs).as("closed after header-timeout").isBetween(900L, 5_000L);
            assertThat(TestCollector.await(5, () -> collector.metrics().value(REJECTED, "reason", "proxy_header") == 2))
                    .isTrue();
            // none of it reached gRPC or the allowlist
            assertThat(collector.metrics().value(REJECTED, "reason", "not_http2")).isZero();
            assertThat(collector.metrics().value(REJECTED, "reason", "allowlist")).isZero();
            System.out.printf("DialoutProxyProtocolIT: %d devices through HAProxy as %s; forged header refused;"
                    + " no header: closed at once, silence: closed after %d ms%n", DEVICES, DEVICES_FROM, waitedMs);
            collector.close();
        }
    }

    static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static long count(InfluxdFixture influx, String q) {
        try {
            InfluxQueryResult r = influx.query("telemetry", q);
            return r.series().isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
