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
        return start(name, dir, influxPort, config, null);
    }

    /** As above; {@code jar} = another build's jar to run the collector from (null = this build). */
    static TelefluxProcess start(String name, Path dir, int influxPort, String config, Path jar) throws Exception {
        return start(name, dir, influxPort, config, jar, List.of());
    }

    /** As above, with {@code jvmOptions} added to the collector JVM's options. */
    static TelefluxProcess start(String name, Path dir, int influxPort, String config, Path jar, List<String> jvmOptions)
            throws Exception {
        Files.createDirectories(dir);
        // e.g. -Dteleflux.bench.collectorJvmArgs=-XX:StartFlightRecording=filename=/tmp/c.jfr to profile the collector
        String jvm = System.getProperty("teleflux.bench.collectorJvmArgs", "").strip();
        URI influx = URI.create("http://127.0.0.1:" + influxPort);
        List<String> options = new java.util.ArrayList<>(jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")));
        options.addAll(jvmOptions);
        String conf = config + "\n" + extraConfig();
        return new TelefluxProcess(name, jar == null ? CollectorProcess.start(dir, influx, "telemetry", conf, options)
                : CollectorProcess.start(dir, influx, "telemetry", conf, options, jar));
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
