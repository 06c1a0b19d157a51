package io.teleflux;

import io.grpc.ManagedChannel;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.TestPki;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log-flood finding of the security review, against the packaged collector run as an operator
 * runs it ({@code java -jar target/teleflux.jar run}, its stderr captured): 1,000 garbage
 * connections, 500 TLS ClientHellos to the plaintext port, 200 HTTP/1 requests and 100 HTTP/2
 * protocol errors, while a well-behaved device streams on one connection. Each refusal is counted
 * under its reason exactly, the log has a line or two per reason and no stack trace, gRPC writes
 * nothing of its own, and every point of the good device is stored in influxd.
 */
class DialoutConnectionAbuseIT {
    static final Path JAR = Path.of("target/teleflux.jar");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final String REJECTED = "teleflux_dialout_rejected_total";
    static final int GARBAGE = 1_000;
    static final int TLS_HELLOS = 500;
    static final int HTTP1 = 200;
    static final int PROTOCOL_ERRORS = 100;
    static final int PROBES = 50;
    static final int SPLIT_PREFACES = 5;
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The start of a line in logback.xml's pattern: time, level, thread, logger. */
    static final Pattern LOG_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+ (WARN |INFO |ERROR) \\[[^]]+] i\\.t\\.");

    @TempDir
    Path dir;

    @Test
    void refusedConnectionsAreCountedByReasonLoggedInAFewLinesAndAGoodDeviceLosesNothing() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            int grpc = FreePorts.next();
            int http = FreePorts.next();
            Path conf = dir.resolve("teleflux.conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = abuse-it
                      dialout.listen = "127.0.0.1:%d"
                      http.listen = "127.0.0.1:%d"
                      influx { api = v1, url = "%s", database = telemetry, flush-interval = 200ms }
                      influx.spool.dir = "%s"
                    }
                    """.formatted(grpc, http, influx.url(), dir.resolve("spool")));
            Path stdout = dir.resolve("collector.out");
            Path stderr = dir.resolve("collector.err");
            Process collector = new ProcessBuilder(JAVA, "-Xmx256m", "-jar", JAR.toString(), "run", "--config", conf.toString())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            HttpClient client = HttpClient.newHttpClient();
            String metricsUrl = "http://127.0.0.1:" + http + "/metrics";
            ManagedChannel channel = null;
            try {
                assertThat(TestCollector.await(60, () -> CliIT.status(client, "http://127.0.0.1:" + http + "/health") == 200))
                        .as("collector up; stderr:%n%s", CliIT.read(stderr)).isTrue();
                long startLines = lines(CliIT.read(stderr)).size();

                // a well-behaved device streams on one connection through the whole attack
                channel = DialoutClients.plaintext(grpc, null);
                DialoutClients.Stream device = new DialoutClients.Stream(channel);
                AtomicBoolean attackDone = new AtomicBoolean();
                long t0 = System.currentTimeMillis() / 1000 * 1000 - 3_600_000;
                CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> {
                    int n = 0;
                    while (n < 3_000 && (!attackDone.get() || n < 20)) {
                        device.send(DialoutClients.msg("sw-good", "GE1/0/1", t0 + n * 1000L, n));
                        n++;
                        sleep(10);
                    }
                    return n;
                });

                Random random = new Random(7);
                for (int i = 0; i < GARBAGE; i++) {
                    byte[] junk = new byte[1 + random.nextInt(200)];
                    random.nextBytes(junk);
                    junk[0] |= (byte) 0x80; // never a TLS record, an HTTP method or the preface
                    assertThat(exchange(grpc, junk)).as("garbage %d is closed", i).isNotNull();
                }
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, null, null);
                for (int i = 0; i < TLS_HELLOS; i++) {
                    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", grpc), 5_000);
                        s.setSoTimeout(10_000);
                        s.startHandshake();
                        throw new AssertionError("a TLS handshake succeeded on the plaintext port");
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("TLS client " + i + " was not closed", e);
                    } catch (IOException expected) {
                        // closed by the collector
                    }
                }
                String[] requests = {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
                        "HEAD /metrics HTTP/1.0\r\n\r\n", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"};
                for (int i = 0; i < HTTP1; i++) {
                    byte[] answer = exchange(grpc, requests[i % requests.length].getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(answer, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                            .contains("Connection: close");
                }
                // the preface, then a frame that may not come first: gRPC answers GOAWAY(PROTOCOL_ERROR) and closes
                byte[] badFrame = Arrays.copyOf(PREFACE, PREFACE.length + 9 + 4);
                byte[] data = {0, 0, 4, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}; // DATA, 4 bytes, stream 1
                System.arraycopy(data, 0, badFrame, PREFACE.length, data.length);
                for (int i = 0; i < PROTOCOL_ERRORS; i++) {
                    assertThat(hasGoAwayWithError(exchange(grpc, badFrame))).as("protocol error %d", i).isTrue();
                }
                for (int i = 0; i < PROBES; i++) { // connect and close: not counted
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", grpc), 5_000);
                    }
                }
                for (int i = 0; i < SPLIT_PREFACES; i++) { // the preface a byte at a time is still HTTP/2
                    assertThat(splitPrefaceIsAnsweredWithSettings(grpc)).as("split preface %d", i).isTrue();
                }
                attackDone.set(true);

                int messages = sent.get(120, TimeUnit.SECONDS);
                DialoutResponse answer = device.finish();
                assertThat(answer.getResponse()).isEqualTo("ok");

                Pattern rejected = Pattern.compile("(?m)^teleflux_dialout_rejected_total\\{reason=\"(\\w+)\"} (\\S+)$");
                assertThat(TestCollector.await(30, () -> reasons(body(client, metricsUrl), rejected).equals(List.of(
                        "allowlist=0", "http1=" + HTTP1, "max_streams=0", "max_streams_per_peer=0", "not_http2=" + GARBAGE,
                        "protocol_error=" + PROTOCOL_ERRORS, "proxy_header=0", "proxy_untrusted=0", "receive_buffer=0", "tls=0",
                        "tls_on_plaintext=" + TLS_HELLOS))))
                        .as("rejected by reason:%n%s", reasons(body(client, metricsUrl), rejected)).isTrue();

                // every message of the good device reached influxd
                assertThat(TestCollector.await(60, () -> {
                    InfluxQueryResult r = influx.query("telemetry", "SELECT count(in_octets) FROM interface WHERE device = 'sw-good'");
                    return !r.isEmpty() && ((Number) r.single().value(0, "count")).longValue() == messages;
                })).as("%d messages of the good device stored", messages).isTrue();

                String err = CliIT.read(stderr);
                // one line per reason and peer a minute: a second (with the number suppressed) only on a very slow machine
                List<String> attackLines = lines(err).subList((int) startLines, lines(err).size());
                assertThat(attackLines.stream().filter(l -> l.contains("refused: not HTTP/2"))).hasSizeBetween(1, 3);
                assertThat(attackLines.stream().filter(l -> l.contains("refused: a TLS handshake on the plaintext port")))
                        .hasSizeBetween(1, 3);
                assertThat(attackLines.stream().filter(l -> l.contains("refused: an HTTP/1 request"))).hasSizeBetween(1, 3);
                assertThat(attackLines.stream().filter(l -> l.contains("closed on an HTTP/2 protocol error: PROTOCOL_ERROR")))
                        .hasSizeBetween(1, 3);
                // the JDK's own warning about protobuf's use of sun.misc.Unsafe (Java 24+) is not a log line
                List<String> logLines = attackLines.stream()
                        .filter(l -> !(l.startsWith("WARNING: ") && (l.contains("sun.misc.Unsafe")
                                || l.contains("Please consider reporting this to the maintainers"))))
                        .toList();
                assertThat(logLines).as("the whole log of the attack:%n%s", String.join("\n", attackLines))
                        .hasSizeLessThanOrEqualTo(12)
                        .allMatch(l -> LOG_LINE.matcher(l).lookingAt(), "a logback line (no stack trace, nothing from JUL's console)")
                        .noneMatch(l -> l.contains("Exception") || l.contains("Transport failed") || l.contains(" i.g."));
                System.out.printf("good device: %d messages stored; collector log during the attack:%n%s%n",
                        messages, String.join("\n", attackLines));
                assertThat(CliIT.read(stdout)).isEmpty();
            } finally {
                DialoutClients.close(channel);
                collector.destroy();
                assertThat(collector.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /**
     * On a TLS listener the gate leaves the first bytes to TLS: garbage and plaintext HTTP/2 fail the
     * handshake and count as {@code tls}, as before; an HTTP/2 protocol error after a good handshake
     * counts as {@code protocol_error}; a TLS device is served; gRPC logs nothing.
     */
    @Test
    void onTheTlsPortFailedHandshakesStayTlsAndProtocolErrorsBehindTlsAreCounted() throws Exception {
        TestPki.Ca ca = TestPki.ca("Abuse Test CA");
        Path caFile = ca.write(dir, "ca");
        TestPki.Files server = ca.server("127.0.0.1", "localhost").write(dir, "server");
        try (LogCapture grpcLogs = LogCapture.of("io.grpc");
             LogCapture gateLogs = LogCapture.of("io.teleflux.dialout.ConnectionGate");
             Collector c = TestCollector.start("""
                     teleflux.dialout.tls { enabled = true, cert = "%s", key = "%s" }
                     teleflux.influx { api = v1, url = "http://127.0.0.1:1", database = telemetry }
                     """.formatted(server.cert(), server.key()))) {
            int port = c.dialoutPort();
            Random random = new Random(11);
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[1 + random.nextInt(100)];
                random.nextBytes(junk);
                junk[0] |= (byte) 0x80;
                exchange(port, junk);
                exchange(port, PREFACE);
            }
            SSLContext tls = ca.trustingContext();
            byte[] badFrame = Arrays.copyOf(PREFACE, PREFACE.length + 13);
            System.arraycopy(new byte[] {0, 0, 4, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, 0, badFrame, PREFACE.length, 13);
            // from 127.0.0.2: the gate's log is rate-limited per peer for a minute in the whole JVM, and the
            // plaintext test may have logged a protocol error from 127.0.0.1 seconds ago
            java.net.InetAddress otherPeer = java.net.InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 10; i++) {
                try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port, otherPeer, 0)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setApplicationProtocols(new String[] {"h2"});
                    s.setSSLParameters(p);
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    s.getOutputStream().write(badFrame);
                    s.getOutputStream().flush();
                    assertThat(hasGoAwayWithError(readToEnd(s.getInputStream()))).as("GOAWAY behind TLS %d", i).isTrue();
                }
            }
            ManagedChannel good = DialoutClients.tls(port, caFile, null);
            try {
                assertThat(DialoutClients.stream(good, DialoutClients.msg("sw-tls-good", "GE1/0/1", 1_700_000_000_000L, 5))
                        .getResponse()).isEqualTo("ok");
            } finally {
                DialoutClients.close(good);
            }
            assertThat(TestCollector.await(10, () -> c.metrics().value(REJECTED, "reason", "tls") == 40
                    && c.metrics().value(REJECTED, "reason", "protocol_error") == 10))
                    .as("tls %s, protocol_error %s", c.metrics().value(REJECTED, "reason", "tls"),
                            c.metrics().value(REJECTED, "reason", "protocol_error")).isTrue();
            for (String reason : List.of("not_http2", "tls_on_plaintext", "http1")) {
                assertThat(c.metrics().value(REJECTED, "reason", reason)).as(reason).isZero();
            }
            assertThat(c.metrics().value("teleflux_dialout_messages_total", "device", "sw-tls-good")).isEqualTo(1);
            assertThat(gateLogs.containing("dial-out connection from 127.0.0.2:")
                    .stream().filter(l -> l.contains("closed on an HTTP/2 protocol error: PROTOCOL_ERROR")).toList()).hasSize(1);
            // 40 failed handshakes from one peer, each quoting different bytes: one line
            assertThat(gateLogs.containing("dial-out TLS handshake with 127.0.0.1:")).hasSize(1);
            assertThat(grpcLogs.messages()).as("gRPC's own log").isEmpty();
        }
    }

    /** Sends {@code bytes} on a new connection and reads until the collector closes it; what it answered. */
    static byte[] exchange(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return readToEnd(s.getInputStream());
        }
    }

    static byte[] readToEnd(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0 && out.size() < 1 << 20; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the last bytes is a close too
        }
        return out.toByteArray();
    }

    /** Whether the server's frames include a GOAWAY with a non-zero error code. */
    static boolean hasGoAwayWithError(byte[] frames) {
        int i = 0;
        while (i + 9 <= frames.length) {
            int len = ((frames[i] & 0xff) << 16) | ((frames[i + 1] & 0xff) << 8) | (frames[i + 2] & 0xff);
            int type = frames[i + 3] & 0xff;
            if (type == 7 && i + 9 + 8 <= frames.length) {
                int code = ((frames[i + 13] & 0xff) << 24) | ((frames[i + 14] & 0xff) << 16) | ((frames[i + 15] & 0xff) << 8)
                        | (frames[i + 16] & 0xff);
                if (code != 0) {
                    return true;
                }
            }
            i += 9 + len;
        }
        return false;
    }

    /** Writes the preface a byte at a time, then an empty SETTINGS frame; the server must answer with its SETTINGS. */
    static boolean splitPrefaceIsAnsweredWithSettings(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            for (byte b : PREFACE) {
                out.write(b);
                out.flush();
                Thread.sleep(2);
            }
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.flush();
            byte[] header = s.getInputStream().readNBytes(9);
            return header.length == 9 && header[3] == 4;
        }
    }

    static List<String> reasons(String metrics, Pattern p) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(metrics);
        while (m.find()) {
            out.add(m.group(1) + "=" + (long) Double.parseDouble(m.group(2)));
        }
        out.sort(null);
        return out;
    }

    static String body(HttpClient c, String url) {
        try {
            return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
