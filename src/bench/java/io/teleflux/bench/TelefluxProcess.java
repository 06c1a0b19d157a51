package io.teleflux.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real collector ({@link CollectorProcess}: its own process, the reference configuration's
 * defaults except the addresses) as one of the python benchmark's servers, writing to
 * {@link DiscardInflux}. Its counters come from its /metrics.
 */
final class TelefluxProcess implements ServerUnderTest {
    private final String name;
    private final CollectorProcess collector;

    private TelefluxProcess(String name, CollectorProcess collector) {
        this.name = name;
        this.collector = collector;
    }

    /**
     * @param name   how the run calls this configuration
     * @param config HOCON with full keys over the reference defaults (empty = the defaults)
     */
    static TelefluxProcess start(String name, Path dir, int influxPort, String config) throws Exception {
        Files.createDirectories(dir);
        // e.g. -Dteleflux.bench.collectorJvmArgs=-XX:StartFlightRecording=filename=/tmp/c.jfr to profile the collector
        String jvm = System.getProperty("teleflux.bench.collectorJvmArgs", "").strip();
        return new TelefluxProcess(name, CollectorProcess.start(dir, URI.create("http://127.0.0.1:" + influxPort), "telemetry",
                config + "\n" + extraConfig(), jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+"))));
    }

    /** For diagnosis only, e.g. -Dteleflux.bench.collectorConf="teleflux.influx.gzip = false"; the figures are the defaults'. */
    static String extraConfig() {
        return System.getProperty("teleflux.bench.collectorConf", "");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return collector.grpcPort();
    }

    @Override
    public long pid() {
        return collector.pid();
    }

    @Override
    public long messages() throws Exception {
        return collector.metrics().getOrDefault("teleflux_dialout_messages_total", 0.0).longValue();
    }

    @Override
    public long points() throws Exception {
        return collector.metrics().getOrDefault("teleflux_points_written_total", 0.0).longValue();
    }

    /** Every metric of /metrics summed over its labels, plus each {@code name{labels}} on its own. */
    java.util.Map<String, Double> scrape() throws Exception {
        return collector.metrics();
    }

    @Override
    public String diagnostics() {
        return collector.tail();
    }

    @Override
    public void close() {
        collector.close(); // SIGTERM: the collector writes what it holds and stops
    }
}
