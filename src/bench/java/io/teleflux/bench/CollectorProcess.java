package io.teleflux.bench;

import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.ManagedProcess;
import io.teleflux.testsupport.SimpleHttp;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector as an operator runs it, {@code java -cp teleflux-bench.jar io.teleflux.Teleflux run
 * --config FILE}, in a process of its own, so that its CPU time and memory are its own. The
 * configuration is the reference one except the addresses, the v1 API and {@code extra} (HOCON
 * with full keys, e.g. {@code teleflux.influx.gzip = false}). Started and stopped through the
 * tests' {@link ManagedProcess}.
 */
final class CollectorProcess implements AutoCloseable {
    private final ManagedProcess process;
    private final int grpcPort;
    private final URI http;

    private CollectorProcess(ManagedProcess process, int grpcPort, int httpPort) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.http = URI.create("http://127.0.0.1:" + httpPort);
    }

    /**
     * Writes the configuration into {@code dir}, starts the collector and waits until its
     * {@code /health} answers 200.
     *
     * @param jvmOptions options of the collector's JVM (e.g. {@code -Xmx512m}); none = the JVM's defaults,
     *                   as {@code java -jar teleflux.jar} runs
     */
    static CollectorProcess start(Path dir, URI influx, String database, String extra, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(dir, influx, database, extra, jvmOptions, benchJar());
    }

    /** As above, with the collector's classes from {@code jar} (another build, for a before/after run side by side). */
    static CollectorProcess start(Path dir, URI influx, String database, String extra, List<String> jvmOptions, Path jar)
            throws IOException, InterruptedException {
        int grpc = FreePorts.next();
        int httpPort = FreePorts.next();
        Path conf = dir.resolve("teleflux.conf");
        Files.writeString(conf, """
                teleflux {
                  instance = bench
                  dialout.listen = "127.0.0.1:%d"
                  # every simulated device dials from 127.0.0.1: one peer address for the whole fleet
                  dialout.limits { max-streams-per-peer = 100000, max-device-labels-per-peer = 100000 }
                  http.listen = "127.0.0.1:%d"
                  influx { api = v1, url = "%s", database = "%s", spool.dir = "%s" }
                }
                %s
                """.formatted(grpc, httpPort, influx, database, dir.resolve("spool"), extra));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", jar.toString(), "io.teleflux.Teleflux", "run", "--config", conf.toString()));
        ManagedProcess p = new ManagedProcess("teleflux collector", command, dir, dir.resolve("collector.log"));
        CollectorProcess c = new CollectorProcess(p, grpc, httpPort);
        p.start();
        try {
            p.awaitReady(Duration.ofSeconds(90), "/health = 200", () -> SimpleHttp.answers(c.http.resolve("/health"), 200));
        } catch (RuntimeException | InterruptedException e) {
            p.kill();
            throw e;
        }
        return c;
    }

    /**
     * {@code teleflux relay --config FILE} in a process of its own (the same jar as the driver),
     * reading {@code topic} as consumer group {@code group} and writing to {@code influx} with the
     * reference configuration's writer (v1 API); waits until its {@code /health} answers 200.
     * {@link #grpcPort()} is -1: a relay takes no dial-out.
     */
    static CollectorProcess startRelay(Path dir, URI influx, String database, String bootstrap, String topic, String group,
                                       String extra) throws IOException, InterruptedException {
        int httpPort = FreePorts.next();
        Path conf = dir.resolve("relay.conf");
        Files.writeString(conf, """
                teleflux {
                  instance = bench-relay
                  http.listen = "127.0.0.1:%d"
                  influx { api = v1, url = "%s", database = "%s" }
                  kafka { bootstrap-servers = "%s", topic = "%s" }
                  relay.group-id = "%s"
                }
                %s
                """.formatted(httpPort, influx, database, bootstrap, topic, group, extra));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-cp", benchJar().toString(), "io.teleflux.Teleflux", "relay", "--config",
                conf.toString());
        ManagedProcess p = new ManagedProcess("teleflux relay", command, dir, dir.resolve("relay.log"));
        CollectorProcess c = new CollectorProcess(p, -1, httpPort);
        p.start();
        try {
            p.awaitReady(Duration.ofSeconds(90), "/health = 200", () -> SimpleHttp.answers(c.http.resolve("/health"), 200));
        } catch (RuntimeException | InterruptedException e) {
            p.kill();
            throw e;
        }
        return c;
    }

    /** The jar this class was loaded from: the collector runs the same build as the driver. */
    private static Path benchJar() {
        try {
            return Path.of(CollectorProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    int grpcPort() {
        return grpcPort;
    }

    int httpPort() {
        return http.getPort();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every series of {@code /metrics} by its full name with labels, plus each family's sum under its bare name. */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        SimpleHttp.Response r = SimpleHttp.get(http.resolve("/metrics"));
        if (r.status() != 200) {
            throw new IOException("collector /metrics answered " + r.status());
        }
        Map<String, Double> m = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String series = line.substring(0, sp);
            double v = Double.parseDouble(line.substring(sp + 1));
            int brace = series.indexOf('{');
            if (brace >= 0) {
                m.put(series, v);
                m.merge(series.substring(0, brace), v, Double::sum);
            } else {
                m.put(series, v);
            }
        }
        return m;
    }

    /** The last lines the collector logged (for failures). */
    String tail() {
        return process.tail(30);
    }

    /** SIGTERM: the collector writes what it holds and stops; SIGKILL after 60 s. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(60));
    }
}
