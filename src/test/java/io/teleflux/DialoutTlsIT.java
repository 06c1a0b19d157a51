package io.teleflux;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.teleflux.DialoutClients.msg;
import static io.teleflux.DialoutClients.storedInOctets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS and mutual TLS on the dial-out listener, with certificates made in the test (a CA, a server
 * certificate for 127.0.0.1/localhost, device certificates from that CA and from another CA),
 * against a real collector writing to a real influxd.
 */
class DialoutTlsIT {
    static final String TLS_REJECTED = "teleflux_dialout_rejected_total";
    static InfluxdFixture influx;
    static TestPki.Ca ca;
    static TestPki.Ca otherCa;
    static Path caFile;
    static Path otherCaFile;
    static TestPki.Files server;
    static TestPki.Files device;
    static TestPki.Files strangerDevice;
    static final long T = System.currentTimeMillis() / 1000 * 1000 - 300_000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        influx = InfluxdFixture.launch();
        ca = TestPki.ca("Teleflux Test CA");
        otherCa = TestPki.ca("Some Other CA");
        caFile = ca.write(dir, "ca");
        otherCaFile = otherCa.write(dir, "other-ca");
        server = ca.server("127.0.0.1", "localhost").write(dir, "server");
        device = ca.client("sw-tls-1").write(dir, "device");
        strangerDevice = otherCa.client("sw-stranger").write(dir, "stranger");
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
    }

    static Collector collector(String clientAuth, Path cert, Path key, String extra) throws Exception {
        return TestCollector.start(TestCollector.v1(influx.url()) + """
                teleflux.dialout.tls {
                  enabled = true
                  cert = "%s"
                  key = "%s"
                  client-ca = "%s"
                  client-auth = %s
                  reload-interval = 1s
                }
                """.formatted(cert, key, caFile, clientAuth) + extra);
    }

    static double rejected(Collector c, String reason) {
        return c.metrics().value(TLS_REJECTED, "reason", reason);
    }

    @Test
    void aClientTrustingOurCaIsStoredAndOneThatDoesNotIsRefusedAndCounted() throws Exception {
        try (Collector c = collector("none", server.cert(), server.key(), "")) {
            ManagedChannel good = DialoutClients.tls(c.dialoutPort(), caFile, null);
            ManagedChannel distrustful = DialoutClients.tls(c.dialoutPort(), otherCaFile, null);
            ManagedChannel plaintext = DialoutClients.plaintext(c.dialoutPort(), null);
            try {
                assertThat(DialoutClients.stream(good, msg("sw-tls-a", "GE1/0/1", T, 111)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-tls-a", "GE1/0/1")).isEqualTo(111L);
                assertThat(rejected(c, "tls")).isZero();

                assertThatThrownBy(() -> DialoutClients.stream(distrustful, msg("sw-tls-b", "GE1/0/1", T, 222)))
                        .satisfies(DialoutTlsIT::unavailable);
                assertThat(TestCollector.await(10, () -> rejected(c, "tls") >= 1)).as("client refused our certificate").isTrue();

                double before = rejected(c, "tls");
                assertThatThrownBy(() -> DialoutClients.stream(plaintext, msg("sw-tls-c", "GE1/0/1", T, 333)))
                        .satisfies(DialoutTlsIT::unavailable);
                assertThat(TestCollector.await(10, () -> rejected(c, "tls") > before)).as("plaintext on the TLS port").isTrue();
            } finally {
                DialoutClients.close(good);
                DialoutClients.close(distrustful);
                DialoutClients.close(plaintext);
            }
            assertThat(influx.query("telemetry", "SELECT * FROM interface WHERE device = 'sw-tls-b' OR device = 'sw-tls-c'")
                    .isEmpty()).isTrue();
        }
    }

    @Test
    void mutualTlsRefusesAndCountsDevicesWithoutACertificateFromOurCa() throws Exception {
        try (Collector c = collector("require", server.cert(), server.key(), "")) {
            ManagedChannel withCert = DialoutClients.tls(c.dialoutPort(), caFile, device);
            ManagedChannel noCert = DialoutClients.tls(c.dialoutPort(), caFile, null);
            ManagedChannel stranger = DialoutClients.tls(c.dialoutPort(), caFile, strangerDevice);
            try {
                assertThat(DialoutClients.stream(withCert, msg("sw-mtls-ok", "GE1/0/1", T, 10)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-mtls-ok", "GE1/0/1")).isEqualTo(10L);
                assertThat(rejected(c, "tls")).isZero();

                assertThatThrownBy(() -> DialoutClients.stream(noCert, msg("sw-mtls-nocert", "GE1/0/1", T, 20)))
                        .satisfies(DialoutTlsIT::unavailable);
                assertThat(TestCollector.await(10, () -> rejected(c, "tls") >= 1)).as("no client certificate").isTrue();

                double before = rejected(c, "tls");
                assertThatThrownBy(() -> DialoutClients.stream(stranger, msg("sw-mtls-stranger", "GE1/0/1", T, 30)))
                        .satisfies(DialoutTlsIT::unavailable);
                assertThat(TestCollector.await(10, () -> rejected(c, "tls") > before)).as("certificate from another CA").isTrue();

                // the good device is unaffected by the refusals
                assertThat(DialoutClients.stream(withCert, msg("sw-mtls-ok", "GE1/0/2", T, 11)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-mtls-ok", "GE1/0/2")).isEqualTo(11L);
            } finally {
                DialoutClients.close(withCert);
                DialoutClients.close(noCert);
                DialoutClients.close(stranger);
            }
            assertThat(influx.query("telemetry",
                    "SELECT * FROM interface WHERE device = 'sw-mtls-nocert' OR device = 'sw-mtls-stranger'").isEmpty()).isTrue();
        }
    }

    @Test
    void replacedCertificateFilesServeNewConnectionsAndOpenStreamsCarryOn() throws Exception {
        Path cert = dir.resolve("live.crt");
        Path key = dir.resolve("live.key");
        TestPki.Issued first = ca.server("127.0.0.1", "localhost");
        TestPki.Issued second = ca.server("127.0.0.1", "localhost");
        copy(first.write(dir, "first"), cert, key);
        try (Collector c = collector("none", cert, key, "")) {
            assertThat(servedSerial(c.dialoutPort())).isEqualTo(first.serial());
            ManagedChannel old = DialoutClients.tls(c.dialoutPort(), caFile, null);
            try {
                DialoutClients.Stream open = new DialoutClients.Stream(old).send(msg("sw-reload", "before", T, 1));
                assertThat(storedInOctets(influx, "sw-reload", "before")).isEqualTo(1L);

                copy(second.write(dir, "second"), cert, key);
                assertThat(TestCollector.await(30, () -> second.serial().equals(servedSerialOrNull(c.dialoutPort()))))
                        .as("new connections get the new certificate").isTrue();

                open.send(msg("sw-reload", "after", T + 5000, 2));
                assertThat(open.finish().getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-reload", "after")).isEqualTo(2L);
            } finally {
                DialoutClients.close(old);
            }
        }
    }

    @Test
    void filesThatDoNotLoadKeepThePreviousCertificate() throws Exception {
        Path cert = dir.resolve("broken.crt");
        Path key = dir.resolve("broken.key");
        TestPki.Issued first = ca.server("127.0.0.1", "localhost");
        copy(first.write(dir, "good"), cert, key);
        try (Collector c = collector("none", cert, key, "")) {
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
            Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
            Thread.sleep(2500); // two reload intervals
            assertThat(servedSerial(c.dialoutPort())).isEqualTo(first.serial());
        }
    }

    @Test
    void onlyTls12And13AreSpoken() throws Exception {
        assertThat(Path.of("/usr/bin/openssl")).as("openssl (Debian package openssl)").exists();
        try (Collector c = collector("none", server.cert(), server.key(), "")) {
            assertThat(sClient(c.dialoutPort(), "-tls1_3")).contains("TLSv1.3");
            assertThat(sClient(c.dialoutPort(), "-tls1_2")).contains("TLSv1.2");
            // the client is allowed everything old, so only the server can be the one saying no
            String old = sClient(c.dialoutPort(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
            System.out.println("openssl s_client -tls1_1 against the listener: " + old.strip().replace('\n', ' '));
            assertThat(old).doesNotContain("Protocol  : TLSv1.1").doesNotContain("New, TLSv1.1");
            assertThat(old).containsAnyOf("alert protocol version", "unsupported protocol", "wrong version number",
                    "handshake failure").doesNotContain("no protocols available");
        }
    }

    static String sClient(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-alpn", "h2", "-CAfile", caFile.toString(), "-brief"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void pythonGrpcioDeviceDialsMutualTls() throws Exception {
        Path gen = Files.createDirectories(dir.resolve("py"));
        PythonClientIT.run(List.of(PythonClientIT.PYTHON, "-m", "grpc_tools.protoc", "-I" + Path.of("proto/h3c").toAbsolutePath(),
                "--python_out=" + gen, "--grpc_python_out=" + gen, "grpc_dialout.proto"));
        try (Collector c = collector("require", server.cert(), server.key(), "")) {
            List<String> cmd = new ArrayList<>(List.of(PythonClientIT.PYTHON,
                    Path.of("src/test/python/h3c_dialout_client.py").toAbsolutePath().toString(),
                    "--target", "127.0.0.1:" + c.dialoutPort(), "--gen-dir", gen.toString(), "--device", "py-tls-sw",
                    "--timestamp", Long.toString(T), "--ca", caFile.toString(), "--cert", device.cert().toString(),
                    "--key", device.key().toString()));
            assertThat(PythonClientIT.run(cmd)).contains("response: ok");
            assertThat(storedInOctets(influx, "py-tls-sw", "GigabitEthernet1/0/1")).isEqualTo(1_000_000_000L);
            assertThat(rejected(c, "tls")).isZero();

            // the same client without its certificate is refused
            List<String> noCert = new ArrayList<>(cmd.subList(0, cmd.indexOf("--cert")));
            noCert.set(noCert.indexOf("py-tls-sw"), "py-tls-nocert");
            Process p = new ProcessBuilder(noCert).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(TestCollector.await(10, () -> rejected(c, "tls") >= 1)).isTrue();
            InfluxQueryResult none = influx.query("telemetry", "SELECT * FROM interface WHERE device = 'py-tls-nocert'");
            assertThat(none.isEmpty()).isTrue();
        }
    }

    /** The stream failed at the transport: gRPC's UNAVAILABLE, whatever TLS error lies beneath. */
    static void unavailable(Throwable t) {
        assertThat(Status.fromThrowable(t).getCode()).as("%s", t).isEqualTo(Status.Code.UNAVAILABLE);
    }

    static void copy(TestPki.Files from, Path cert, Path key) throws Exception {
        // written next to the target and moved, as an operator's tooling replaces files
        Files.copy(from.key(), key.resolveSibling(key.getFileName() + ".tmp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.cert(), cert.resolveSibling(cert.getFileName() + ".tmp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(key.resolveSibling(key.getFileName() + ".tmp"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert.resolveSibling(cert.getFileName() + ".tmp"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static BigInteger servedSerialOrNull(int port) {
        try {
            return servedSerial(port);
        } catch (Exception e) {
            return null;
        }
    }

    /** The serial of the certificate the listener presents to a new connection (TLS handshake only). */
    static BigInteger servedSerial(int port) throws Exception {
        SSLContext ctx = ca.trustingContext();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
