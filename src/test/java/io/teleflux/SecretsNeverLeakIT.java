package io.teleflux;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.teleflux.config.ConfigLoader;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.RecordingHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configured secrets (the InfluxDB v2 token, the v1 password) never appear anywhere an operator or
 * a scraper can see them: the whole log (every event on the root logger, and the same events as
 * the production pattern renders them), {@code /metrics}, the {@code teleflux} measurement, and
 * {@code check-config}'s output. The collectors run end to end, and hostile peers try to make them
 * echo a secret: an InfluxDB (here a recording server) that puts the request's Authorization
 * header into its error bodies, and a device whose name is the token.
 */
class SecretsNeverLeakIT {
    static final String TOKEN = "tok-Zq81-SECRET-v2-token";
    static final String PASSWORD = "pw-Kx07-SECRET-v1-password";

    @TempDir
    Path dir;

    @Test
    void noSecretInLogsMetricsMeasurementOrCheckConfig() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(ctx);
        events.start();
        ByteArrayOutputStream rendered = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> text = new OutputStreamAppender<>();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d %-5level [%thread] %logger{20} - %redactedMsg%n%redactedEx"); // as logback.xml
        enc.start();
        text.setContext(ctx);
        text.setEncoder(enc);
        text.setOutputStream(rendered);
        text.start();
        root.addAppender(events);
        root.addAppender(text);
        String metricsText;
        String checkConfig;
        try (InfluxdFixture influx = InfluxdFixture.launch();
             RecordingHttpServer echoing = RecordingHttpServer.start(r -> r.path().contains("write")
                     ? RecordingHttpServer.Reply.of(r.index() % 2 == 0 ? 503 : 401,
                     "{\"message\":\"denied for " + r.header("Authorization") + "\"}")
                     : RecordingHttpServer.Reply.of(204))) {
            Path v1Conf = Files.writeString(dir.resolve("v1.conf"), """
                    teleflux {
                      instance = secrets-v1
                      dialout.listen = "127.0.0.1:0"
                      http.listen = "127.0.0.1:0"
                      selfmon.interval = 1s
                      influx { api = v1, url = "%s", database = telemetry, username = teleflux, password-file = "%s",
                               flush-interval = 100ms, spool.dir = "%s" }
                    }
                    """.formatted(influx.url(), passwordFile, dir.resolve("spool-v1")));
            Path v2Conf = Files.writeString(dir.resolve("v2.conf"), """
                    teleflux {
                      instance = secrets-v2
                      dialout.listen = "127.0.0.1:0"
                      http.listen = "127.0.0.1:0"
                      influx { api = v2, url = "%s", org = o, bucket = b, token-file = "%s", flush-interval = 100ms, spool.dir = "%s",
                               retry { initial-backoff = 50ms, max-backoff = 100ms } }
                    }
                    """.formatted(echoing.url(), tokenFile, dir.resolve("spool-v2")));

            try (Collector v1 = new Collector(Components.load(v1Conf, java.util.Map.of())).start();
                 Collector v2 = new Collector(Components.load(v2Conf, java.util.Map.of())).start()) {
                ManagedChannel ch = DialoutClients.plaintext(v1.dialoutPort(), null);
                ManagedChannel ch2 = DialoutClients.plaintext(v2.dialoutPort(), null);
                try {
                    long t = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                    DialoutClients.stream(ch, DialoutClients.msg("sw-ok", "GE1/0/1", t, 1),
                            DialoutClients.msg(TOKEN, "GE1/0/1", t, 2));
                    DialoutClients.stream(ch2, DialoutClients.msg("sw-v2", "GE1/0/1", t, 3));
                } finally {
                    DialoutClients.close(ch);
                    DialoutClients.close(ch2);
                }
                assertThat(DialoutClients.storedInOctets(influx, "sw-ok", "GE1/0/1")).isEqualTo(1L);
                assertThat(TestCollector.await(30, () -> echoing.requests().stream().filter(r -> r.path().contains("write"))
                        .count() >= 4)).as("the v2 writer met the echoing server").isTrue();
                assertThat(echoing.requests().get(echoing.requests().size() - 1).header("Authorization"))
                        .as("the token really was sent (and so could have been echoed)").isEqualTo("Token " + TOKEN);
                assertThat(TestCollector.await(30, () -> v1.metrics().value("teleflux_write_errors_total", "status", "401")
                        + v2.metrics().value("teleflux_write_errors_total", "status", "401") > 0)).isTrue();
                metricsText = get("http://127.0.0.1:" + v1.httpPort() + "/metrics") + get("http://127.0.0.1:" + v2.httpPort() + "/metrics");
                assertThat(metricsText).contains("teleflux_dialout_messages_total{device=\"<redacted>\"} 1");
                TestCollector.flush(v1);
                assertThat(TestCollector.await(30, () -> !influx.query("telemetry",
                        "SELECT * FROM teleflux WHERE device = '<redacted>'").isEmpty())).isTrue();
                InfluxQueryResult tags = influx.query("telemetry", "SHOW TAG VALUES FROM teleflux WITH KEY = device");
                assertThat(tags.toString()).doesNotContain(TOKEN);
            }
            checkConfig = runCheckConfig(v1Conf) + runCheckConfig(v2Conf);
            assertThat(checkConfig).contains("teleflux.influx.token = (set, redacted)", "teleflux.influx.password = (set, redacted)");
        } finally {
            root.detachAppender(events);
            root.detachAppender(text);
            events.stop();
            text.stop();
        }

        StringBuilder log = new StringBuilder();
        synchronized (events) {
            for (ILoggingEvent e : events.list) {
                log.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage()).append('\n');
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    log.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                }
            }
        }
        String renderedText = rendered.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the log saw the echoing server's answers").contains("denied for Token <redacted>");
        assertThat(renderedText).contains("teleflux stopped");
        for (String secret : List.of(TOKEN, PASSWORD)) {
            assertThat(log.toString()).as("log events").doesNotContain(secret);
            assertThat(renderedText).as("rendered log").doesNotContain(secret);
            assertThat(metricsText).as("/metrics").doesNotContain(secret);
            assertThat(checkConfig).as("check-config").doesNotContain(secret);
        }
    }

    static String runCheckConfig(Path conf) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try {
            System.setOut(capture);
            System.setErr(capture);
            int code = Teleflux.commandLine().execute("check-config", "--config", conf.toString());
            assertThat(code).isZero();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
