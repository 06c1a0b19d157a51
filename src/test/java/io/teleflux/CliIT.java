package io.teleflux;

import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar as an operator runs it: {@code java -jar target/teleflux.jar ...} in separate
 * processes, collector and simulator, against a real influxd.
 */
class CliIT {
    static final Path JAR = Path.of("target/teleflux.jar");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path dir;

    record Result(int exit, String out) {
    }

    static Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    Result run(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "out", ".log");
        Process p = start(log, args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(log));
    }

    @Test
    void helpAndVersion() throws Exception {
        Result help = run("--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("run", "simulate", "check-config");
        Result runHelp = run("run", "--help");
        assertThat(runHelp.out).contains("--config");
        assertThat(run("--version").out).contains("teleflux 0.1.0");
    }

    @Test
    void checkConfigNamesEveryBadKeyAndNeverPrintsSecrets() throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "teleflux { influx { api = v2, org = o, token = \"tok-SECRET-1\", batch-szie = 3 }, dialout.listen = \"x:70000\" }");
        Result r = run("check-config", "--config", bad.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.out).contains("teleflux.influx.batch-szie: unknown key (did you mean teleflux.influx.batch-size?)")
                .contains("teleflux.dialout.listen: port 70000 is out of range").doesNotContain("tok-SECRET-1");

        Path good = dir.resolve("good.conf");
        Files.writeString(good, "teleflux.influx { org = o, token = \"tok-SECRET-2\" }");
        Result ok = run("check-config", "--config", good.toString());
        assertThat(ok.exit).isZero();
        assertThat(ok.out).contains("configuration OK", "teleflux.influx.token = (set, redacted)").doesNotContain("tok-SECRET-2");

        Result missing = run("run", "--config", dir.resolve("absent.conf").toString());
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.out).contains("absent.conf does not exist");
    }

    @Test
    void runAndSimulateAsSeparateProcesses() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            int grpc = FreePorts.next();
            int http = FreePorts.next();
            Path conf = dir.resolve("teleflux.conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = cli-it
                      dialout.listen = "127.0.0.1:%d"
                      http.listen = "127.0.0.1:%d"
                      influx { api = v1, url = "%s", database = telemetry, flush-interval = 200ms, password = "pw-SECRET-3", username = u }
                      log.file = "%s"
                      influx.spool.dir = "%s"
                    }
                    """.formatted(grpc, http, influx.url(), dir.resolve("teleflux.log"), dir.resolve("spool")));
            Path collectorLog = dir.resolve("collector.out");
            Process collector = start(collectorLog, "run", "--config", conf.toString());
            try {
                HttpClient client = HttpClient.newHttpClient();
                assertThat(TestCollector.await(60, () -> status(client, "http://127.0.0.1:" + http + "/health") == 200))
                        .as("collector /health; its output:%n%s", read(collectorLog)).isTrue();

                Result sim = run("simulate", "--dialout", "127.0.0.1:" + grpc, "--devices", "2", "--interfaces", "4",
                        "--interval", "1s", "--duration", "4s", "--seed", "3");
                assertThat(sim.exit).as(sim.out).isZero();

                assertThat(TestCollector.await(60, () -> {
                    InfluxQueryResult r = influx.query("telemetry",
                            "SELECT count(in_octets) FROM interface WHERE device = 'sim-0002' AND source = 'telemetry'");
                    return !r.isEmpty() && ((Number) r.single().value(0, "count")).longValue() >= 8;
                })).as("simulated samples stored; collector output:%n%s", read(collectorLog)).isTrue();

                String metrics = body(client, "http://127.0.0.1:" + http + "/metrics");
                assertThat(metrics).contains("teleflux_dialout_messages_total{device=\"sim-0001\"}")
                        .contains("# TYPE teleflux_points_written_total counter");
                assertThat(body(client, "http://127.0.0.1:" + http + "/health")).contains("\"status\":\"ok\"");
            } finally {
                collector.destroy(); // SIGTERM: the shutdown hook writes what is left and stops
                assertThat(collector.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(collector.exitValue()).as(read(collectorLog)).isIn(0, 143);
            String out = read(collectorLog) + read(dir.resolve("teleflux.log"));
            assertThat(out).contains("teleflux stopped").doesNotContain("pw-SECRET-3");
            assertThat(read(dir.resolve("teleflux.log"))).contains("teleflux started");
        }
    }

    static int status(HttpClient c, String url) {
        try {
            return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static String body(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
