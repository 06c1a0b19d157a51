package io.teleflux.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The real collector as an operator runs it, {@code java -cp teleflux-bench.jar io.teleflux.Teleflux
 * run --config ...}, in its own process (so its CPU time is its own): dial-out → decode → rates →
 * line protocol → batching, gzipping InfluxDB v1 writer, with the reference configuration's
 * defaults except the addresses, pointed at {@link DiscardInflux}. Counters come from its /metrics.
 */
final class TelefluxProcess implements ServerUnderTest {
    private final String name;
    private final Process process;
    private final Thread reaper;
    private final Path output;
    private final int grpcPort;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TelefluxProcess(String name, Process process, Path output, int grpcPort, int httpPort) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.grpcPort = grpcPort;
        this.metrics = URI.create("http://127.0.0.1:" + httpPort + "/metrics");
        // a driver stopped by Ctrl-C must not leave a collector behind (the Python baseline ends on stdin EOF)
        this.reaper = new Thread(process::destroy, "teleflux-reaper");
        try {
            Runtime.getRuntime().addShutdownHook(reaper);
        } catch (IllegalStateException e) {
            process.destroy(); // the driver is already stopping
            throw e;
        }
    }

    /**
     * @param name   how the run calls this configuration
     * @param config HOCON added after the addresses (empty = the reference defaults)
     */
    static TelefluxProcess start(String name, Path dir, int influxPort, String config) throws Exception {
        Files.createDirectories(dir);
        int grpc = freePort();
        int httpPort = freePort();
        Path conf = dir.resolve("teleflux.conf");
        Files.writeString(conf, """
                teleflux {
                  instance = pybench
                  dialout.listen = "127.0.0.1:%d"
                  http.listen = "127.0.0.1:%d"
                  influx { api = v1, url = "http://127.0.0.1:%d", database = telemetry, spool.dir = "%s" }
                }
                %s
                %s
                """.formatted(grpc, httpPort, influxPort, dir.resolve("spool"), config, extraConfig()));
        Path out = dir.resolve("teleflux.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of(TelefluxProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(java));
        // e.g. -Dteleflux.bench.collectorJvmArgs=-XX:StartFlightRecording=filename=/tmp/c.jfr to profile the collector
        String extra = System.getProperty("teleflux.bench.collectorJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", jar.toString(), "io.teleflux.Teleflux", "run", "--config", conf.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        TelefluxProcess t = new TelefluxProcess(name, p, out, grpc, httpPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!t.healthy()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                t.close();
                throw new IllegalStateException("the collector did not become healthy; its output:\n" + t.diagnostics());
            }
            Thread.sleep(100);
        }
        return t;
    }

    /** For diagnosis only, e.g. -Dteleflux.bench.collectorConf="teleflux.influx.gzip = false"; the figures are the defaults'. */
    static String extraConfig() {
        return System.getProperty("teleflux.bench.collectorConf", "");
    }

    private boolean healthy() {
        try {
            HttpRequest r = HttpRequest.newBuilder(metrics.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
            return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return grpcPort;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long messages() throws Exception {
        return (long) scrape().getOrDefault("teleflux_dialout_messages_total", 0.0).doubleValue();
    }

    @Override
    public long points() throws Exception {
        return (long) scrape().getOrDefault("teleflux_points_written_total", 0.0).doubleValue();
    }

    /** Every metric of /metrics summed over its labels, plus each {@code name{labels}} on its own. */
    Map<String, Double> scrape() throws Exception {
        String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> m = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String series = line.substring(0, sp);
            double v = Double.parseDouble(line.substring(sp + 1));
            int brace = series.indexOf('{');
            m.merge(brace < 0 ? series : series.substring(0, brace), v, Double::sum);
            if (brace >= 0) {
                m.put(series, v);
            }
        }
        return m;
    }

    @Override
    public String diagnostics() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the collector writes what it holds and stops
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs and finds the process gone
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
