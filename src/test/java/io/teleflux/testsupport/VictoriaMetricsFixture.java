package io.teleflux.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A real VictoriaMetrics ({@code /usr/bin/victoria-metrics}) for integration tests of the InfluxDB
 * v2 write path: it accepts {@code /api/v2/write} (plain and gzip) as influxdb-client-java sends it.
 *
 * <p>It ignores org, bucket and token, and it is lenient with malformed lines, so it proves the wire
 * path and the values, never strictness or auth. A point {@code m,tag=v f=1} is stored as series
 * {@code m_f{tag="v"}}. Started on a free 127.0.0.1 port with its storage in a temp dir, with
 * search caching and latency offset off.
 *
 * <p>A series that did not exist before becomes searchable only some hundred milliseconds after
 * its write was answered, even after {@code /internal/force_flush} (VictoriaMetrics 1.79 registers
 * new series in its index in the background). So tests read with {@link #awaitExport}, which polls
 * until what they expect is there; {@link #export} is a single look.
 *
 * <p>A missing binary fails the test: CI installs the Debian package {@code victoria-metrics}.
 */
public final class VictoriaMetricsFixture extends ServerFixture {
    public static final String BINARY = "/usr/bin/victoria-metrics";
    private static final ObjectMapper JSON = new ObjectMapper();

    private int port;

    /** One exported series: labels (with {@code __name__}) and its samples in time order. */
    public record Series(Map<String, String> labels, List<Double> values, List<Long> timestamps) {
        public String name() {
            return labels.get("__name__");
        }
    }

    private VictoriaMetricsFixture() {
        super(BINARY, "install the Debian package 'victoria-metrics' (see environment.md)", "teleflux-vm-");
    }

    /** Starts VictoriaMetrics and waits until {@code /health} answers. */
    public static VictoriaMetricsFixture launch() {
        return launched(new VictoriaMetricsFixture());
    }

    @Override
    protected void firstStart() {
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.next();
            process = new ManagedProcess("victoria-metrics", List.of(BINARY,
                    "-httpListenAddr=127.0.0.1:" + port,
                    "-storageDataPath=" + dir.resolve("data"),
                    "-retentionPeriod=100y",
                    "-search.latencyOffset=0s",
                    "-search.disableCache"), dir, dir.resolve("victoria-metrics.log"));
            process.start();
            try {
                process.awaitReady(Duration.ofSeconds(60), "/health OK",
                        () -> SimpleHttp.answers(url().resolve("/health"), 200));
                return;
            } catch (InterruptedException e) {
                process.kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting victoria-metrics", e);
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !process.tail(40).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }


    /** Makes everything received so far searchable. */
    public void forceFlush() {
        SimpleHttp.Response r = get(url().resolve("/internal/force_flush"));
        if (r.status() != 200) {
            throw new IllegalStateException("force_flush answered HTTP " + r.status() + ": " + r.body());
        }
    }

    /**
     * Polls {@link #export} until {@code done} accepts the result, for at most {@code timeout}; then
     * returns the last result either way, so the test's own assertions report what is missing.
     */
    public List<Series> awaitExport(String selector, Predicate<List<Series>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Series> s = export(selector);
            if (done.test(s) || System.nanoTime() > deadline) {
                return s;
            }
            Thread.sleep(100);
        }
    }

    /** {@link #awaitExport} until at least {@code series} series match, within 30 s. */
    public List<Series> awaitExport(String selector, int series) throws InterruptedException {
        return awaitExport(selector, s -> s.size() >= series, Duration.ofSeconds(30));
    }

    /**
     * Every series matching {@code selector} (e.g. {@code {__name__=~"interface_.*"}}), after a
     * force flush, sorted by their labels. A single look: see the class comment.
     */
    public List<Series> export(String selector) {
        forceFlush();
        SimpleHttp.Response r = get(url().resolve("/api/v1/export?match[]=" + SimpleHttp.enc(selector)));
        if (r.status() != 200) {
            throw new IllegalStateException("export answered HTTP " + r.status() + ": " + r.body());
        }
        List<Series> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                Map<String, String> labels = new TreeMap<>();
                n.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                List<Double> values = new ArrayList<>();
                n.path("values").forEach(v -> values.add(v.asDouble()));
                List<Long> ts = new ArrayList<>();
                n.path("timestamps").forEach(t -> ts.add(t.asLong()));
                out.add(new Series(Collections.unmodifiableMap(labels), List.copyOf(values), List.copyOf(ts)));
            } catch (IOException e) {
                throw new IllegalStateException("export line is not JSON: " + line, e);
            }
        }
        out.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
        return out;
    }

    private static SimpleHttp.Response get(URI uri) {
        try {
            return SimpleHttp.get(uri);
        } catch (IOException e) {
            throw new UncheckedIOException("victoria-metrics did not answer " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    @Override
    public String toString() {
        return "victoria-metrics " + url() + " in " + dir + " (" + process + ")";
    }
}
