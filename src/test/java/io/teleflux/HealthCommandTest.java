package io.teleflux;

import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux health} against the collector's real {@link HttpEndpoint} on loopback. */
class HealthCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int health(String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new CommandLine(new HealthCommand(o, e)).execute(args);
    }

    @Test
    void healthyCollectorExitsZeroUnhealthyOneAndAStoppedOneOne() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        HttpEndpoint http = new HttpEndpoint("127.0.0.1", 0, new Metrics(),
                () -> new HttpEndpoint.Health(healthy.get(), "{\"status\":\"" + (healthy.get() ? "ok" : "bad") + "\"}"));
        http.start();
        String url = "http://127.0.0.1:" + http.port() + "/health";
        try {
            assertThat(health("--url", url)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("healthy", "\"status\":\"ok\"");

            healthy.set(false);
            assertThat(health("--url", url)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("HTTP 503", "\"status\":\"bad\"");

            assertThat(health("--url", "http://127.0.0.1:" + http.port() + "/nothing-here")).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("HTTP 404");
        } finally {
            http.close();
        }
        err.reset();
        assertThat(health("--url", url, "--timeout", "2s")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no answer from " + url);
    }

    @Test
    void nothingListeningIsUnhealthyAndABadUrlIsRefused() {
        int port = FreePorts.next();
        assertThat(health("--url", "http://127.0.0.1:" + port + "/health", "--timeout", "1s")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unhealthy: no answer");

        err.reset();
        assertThat(health("--url", "ftp://127.0.0.1/health")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be an http:// or https:// URL");
    }

    @Test
    void isASubcommandOfTheCliWithADefaultUrlForTheImage() {
        CommandLine cli = Teleflux.commandLine();
        assertThat(cli.getSubcommands()).containsKey("health");
        // help text wraps long defaults; compare without whitespace
        String usage = cli.getSubcommands().get("health").getUsageMessage().replaceAll("\\s+", "");
        assertThat(usage).contains("--url", HealthCommand.DEFAULT_URL, "--timeout");
    }
}
