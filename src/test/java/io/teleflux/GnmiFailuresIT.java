package io.teleflux;

import ch.qos.logback.classic.Level;
import io.teleflux.testsupport.GnmiTargetFixture;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes wrong with gNMI targets, against real peers (Python grpcio targets, a real influxd):
 * TLS and mutual TLS work; a wrong password, a CA that did not sign the target's certificate, a
 * missing client certificate, a target that is down, a malformed notification, a target that
 * ends every stream after one notification and one that goes quiet are each counted by reason and
 * logged once per change of state, not per retry; and all the while a healthy target's samples
 * arrive every second without a gap.
 */
class GnmiFailuresIT {
    static final String PASSWORD = "Pa55-never-logged";
    static InfluxdFixture influx;
    static TestPki.Files server;
    static TestPki.Files client;
    static TestPki.Files strangerClient;
    static Path caFile;
    static Path otherCaFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        influx = InfluxdFixture.launch();
        TestPki.Ca ca = TestPki.ca("gNMI Test CA");
        TestPki.Ca other = TestPki.ca("Some Other CA");
        caFile = ca.write(dir, "ca");
        otherCaFile = other.write(dir, "other-ca");
        server = ca.server("127.0.0.1", "localhost").write(dir, "target");
        client = ca.client("teleflux").write(dir, "client");
        strangerClient = other.client("stranger").write(dir, "stranger");
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
    }

    static double errors(Collector c, String device, String reason) {
        return c.metrics().value("teleflux_gnmi_errors_total", "device", device, "reason", reason);
    }

    static long rows(String device) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_octets) FROM interface WHERE device = '" + device + "'");
        return r.isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
    }

    static List<String> lines(LogCapture logs, Level level, String device) {
        return logs.messages(level).stream().filter(m -> m.startsWith("gNMI " + device + " ")).toList();
    }

    @Test
    void everyFailureIsCountedAndLoggedOncePerStateChangeWhileAHealthyTargetKeepsFlowing() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000;
        List<GnmiTargetFixture> all = new ArrayList<>();
        try (LogCapture logs = LogCapture.of("io.teleflux.gnmi")) {
            GnmiTargetFixture healthy = GnmiTargetFixture.builder().devices("healthy").startMs(now).samples(1).stepMs(1000)
                    .live().launch();
            all.add(healthy);
            GnmiTargetFixture tls = GnmiTargetFixture.builder().devices("tls-ok", "wrong-ca").tls(server).startMs(now)
                    .samples(2).stepMs(1000).launch();
            all.add(tls);
            GnmiTargetFixture mtls = GnmiTargetFixture.builder().devices("mtls-ok", "mtls-nocert", "mtls-stranger")
                    .tls(server).clientCa(caFile).startMs(now).samples(2).stepMs(1000).launch();
            all.add(mtls);
            GnmiTargetFixture auth = GnmiTargetFixture.builder().devices("good-pass", "bad-pass")
                    .credentials("telemetry", PASSWORD).startMs(now).samples(2).stepMs(1000).launch();
            all.add(auth);
            GnmiTargetFixture down = GnmiTargetFixture.builder().devices("down").startMs(now).samples(2).stepMs(1000).build();
            all.add(down);
            GnmiTargetFixture malformed = GnmiTargetFixture.builder().devices("malformed").malformed().startMs(now)
                    .samples(3).stepMs(1000).launch();
            all.add(malformed);
            GnmiTargetFixture flappy = GnmiTargetFixture.builder().devices("flappy").closeAfterOne().startMs(now)
                    .samples(3).stepMs(1000).launch();
            all.add(flappy);

            // accepts connections and never answers: the dial times out, and delays nobody
            java.net.ServerSocket hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(hung.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            String hocon = TestCollector.v1(influx.url()) + """
                    teleflux.gnmi {
                      redial { initial-delay = 200ms, max-delay = 1s }
                      connect-timeout = 1s
                      idle-timeout = 0s
                      defaults { sample-interval = 1s, tls.enabled = false }
                      targets = [
                        { name = healthy, address = "%s" }
                        { name = tls-ok, address = "%s", target = tls-ok, tls { enabled = true, ca-file = "%s" } }
                        { name = wrong-ca, address = "%2$s", target = wrong-ca, tls { enabled = true, ca-file = "%s" } }
                        { name = mtls-ok, address = "%s", target = mtls-ok,
                          tls { enabled = true, ca-file = "%3$s", cert-file = "%s", key-file = "%s" } }
                        { name = mtls-nocert, address = "%5$s", target = mtls-nocert, tls { enabled = true, ca-file = "%3$s" } }
                        { name = mtls-stranger, address = "%5$s", target = mtls-stranger,
                          tls { enabled = true, ca-file = "%3$s", cert-file = "%s", key-file = "%s" } }
                        { name = good-pass, address = "%s", target = good-pass, username = telemetry, password = "%s" }
                        { name = bad-pass, address = "%10$s", target = bad-pass, username = telemetry, password = "wrong-one" }
                        { name = down, address = "%s" }
                        { name = malformed, address = "%s" }
                        { name = flappy, address = "%s" }
                        { name = hung, address = "127.0.0.1:%d" }
                      ]
                    }
                    """.formatted(healthy.address(), tls.address(), caFile, otherCaFile, mtls.address(), client.cert(),
                    client.key(), strangerClient.cert(), strangerClient.key(), auth.address(), PASSWORD, down.address(),
                    malformed.address(), flappy.address(), hung.getLocalPort());
            try (Collector c = TestCollector.start(hocon)) {
                // the ones that work
                for (String ok : List.of("tls-ok", "mtls-ok", "good-pass", "malformed")) {
                    assertThat(TestCollector.await(30, () -> rows(ok) >= 4)).as("%s stored", ok).isTrue();
                    assertThat(c.metrics().value("teleflux_gnmi_connected", "device", ok)).as(ok).isEqualTo(1);
                }
                // the ones that do not, each redialled several times
                assertThat(TestCollector.await(30, () -> errors(c, "wrong-ca", "tls") >= 3
                        && errors(c, "bad-pass", "auth") >= 3
                        && errors(c, "down", "unreachable") >= 3
                        && errors(c, "flappy", "stream_closed") >= 3
                        && errors(c, "mtls-nocert", "tls") + errors(c, "mtls-nocert", "unreachable") >= 3
                        && errors(c, "mtls-stranger", "tls") + errors(c, "mtls-stranger", "unreachable") >= 3
                        && errors(c, "hung", "timeout") >= 2))
                        .as("errors: %s", c.metrics().prometheusText().lines().filter(l -> l.startsWith("teleflux_gnmi_errors")).toList())
                        .isTrue();
                for (String bad : List.of("wrong-ca", "bad-pass", "down", "mtls-nocert", "mtls-stranger", "hung")) {
                    assertThat(rows(bad)).as(bad).isZero();
                    assertThat(c.metrics().value("teleflux_gnmi_connected", "device", bad)).as(bad).isZero();
                    assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", bad)).as(bad).isPositive();
                    assertThat(lines(logs, Level.WARN, bad)).as("logged once, not per retry: %s", bad).hasSize(1);
                    assertThat(lines(logs, Level.INFO, bad)).as(bad).isEmpty();
                }
                assertThat(lines(logs, Level.WARN, "wrong-ca").get(0)).contains("TLS failed");
                assertThat(lines(logs, Level.WARN, "bad-pass").get(0)).contains("UNAUTHENTICATED", "authentication failed");
                assertThat(lines(logs, Level.WARN, "down").get(0)).contains("UNAVAILABLE", "cannot connect");
                assertThat(lines(logs, Level.WARN, "hung").get(0)).contains("DEADLINE_EXCEEDED");
                assertThat(errors(c, "mtls-nocert", "tls")).as("no client certificate: a TLS failure").isPositive();

                // a target that ends every stream after one notification: redialled, counted, logged once
                assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "flappy")).isGreaterThanOrEqualTo(2);
                assertThat(lines(logs, Level.INFO, "flappy")).as("connected, once").hasSize(1);
                assertThat(lines(logs, Level.WARN, "flappy")).as("lost, once").hasSize(1);
                assertThat(lines(logs, Level.WARN, "flappy").get(0)).contains("the target ended the stream");
                assertThat(c.metrics().value("teleflux_gnmi_notifications_total", "device", "flappy"))
                        .isEqualTo(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "flappy"), org.assertj.core.api.Assertions.within(1.0));

                // a malformed notification: every bad value counted by reason; the stream carries on
                for (String reason : List.of("malformed_json", "missing_value", "bad_value", "bad_path")) {
                    assertThat(errors(c, "malformed", reason)).as(reason).isEqualTo(1);
                }
                assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "malformed")).isZero();
                assertThat(logs.messages(Level.WARN).stream().filter(m -> m.startsWith("gNMI malformed: ")).toList())
                        .hasSize(4).anySatisfy(m -> assertThat(m).contains("malformed_json", "/interfaces/interface[name=Ethernet1/1]/state/counters/in-octets"));
                assertThat(rows("malformed")).isEqualTo(2 * 3);

                // the target that was down comes up: connected, logged once
                down.start();
                assertThat(TestCollector.await(30, () -> rows("down") >= 4)).isTrue();
                assertThat(lines(logs, Level.INFO, "down")).hasSize(1);
                assertThat(lines(logs, Level.WARN, "down")).hasSize(1);

                // all the while, the healthy target's samples came every second, without a gap
                long until = System.currentTimeMillis();
                InfluxQueryResult.Series h = influx.query("telemetry", "SELECT in_octets FROM interface WHERE "
                        + "device = 'healthy' AND interface = 'Ethernet1/1' ORDER BY time").single();
                List<Long> times = h.column("time").stream().map(o -> ((Number) o).longValue()).toList();
                assertThat(times.get(0)).isEqualTo(now);
                for (int k = 1; k < times.size(); k++) {
                    assertThat(times.get(k) - times.get(k - 1)).as("step %d", k).isEqualTo(1000);
                }
                assertThat(times.get(times.size() - 1)).as("still flowing at the end").isGreaterThan(until - 3000);
                assertThat(times.size()).isGreaterThanOrEqualTo((int) ((until - now) / 1000) - 2);
                assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "healthy")).isZero();
                assertThat(c.metrics().prometheusText().lines()).as("healthy's errors")
                        .noneMatch(l -> l.startsWith("teleflux_gnmi_errors_total{device=\"healthy\""));

                // the password is never logged, nor in a metric
                assertThat(logs.messages()).noneMatch(m -> m.contains(PASSWORD));
                assertThat(c.metrics().prometheusText()).doesNotContain(PASSWORD);
            } finally {
                hung.close();
                for (java.net.Socket sock : held) {
                    sock.close();
                }
            }
        } finally {
            for (GnmiTargetFixture t : all) {
                t.close();
            }
        }
    }

    @Test
    void aTargetThatGoesQuietIsRedialledAfterTheIdleTimeout() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000 - 10_000;
        try (LogCapture logs = LogCapture.of("io.teleflux.gnmi");
             GnmiTargetFixture quiet = GnmiTargetFixture.builder().devices("quiet").startMs(now).samples(2).stepMs(1000).launch();
             Collector c = TestCollector.start(TestCollector.v1(influx.url()) + """
                     teleflux.gnmi {
                       redial { initial-delay = 100ms, max-delay = 200ms }
                       idle-timeout = 1s
                       targets = [ { name = quiet, address = "%s", tls.enabled = false } ]
                     }
                     """.formatted(quiet.address()))) {
            assertThat(TestCollector.await(30, () -> errors(c, "quiet", "idle") >= 3)).isTrue();
            assertThat(quiet.subscribeRequests().size()).isGreaterThanOrEqualTo(3);
            assertThat(lines(logs, Level.WARN, "quiet")).hasSize(1);
            assertThat(lines(logs, Level.WARN, "quiet").get(0)).contains("no message for 1 s");
        }
    }
}
