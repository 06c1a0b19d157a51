package io.teleflux.bench;

import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Latency from device timestamp to queryable: asks influxd every {@code periodMs} for the newest
 * {@code interface} timestamp of a sample of devices, and records, for every device timestamp it
 * sees for the first time, when it saw it minus that timestamp. "When" is the middle of the query's
 * round trip; the true moment lies between the previous query and this one, so the figures are
 * good to about one probe period plus one query ({@link #resolutionMs()}).
 *
 * <p>One interface per probed device is asked for: a sample's 48 rows normally travel in one batch,
 * but one cut by the batch size arrives in two, so this is the latency of that interface's row.
 */
final class LatencyProbe implements AutoCloseable {
    private final InfluxdFixture influx;
    private final String db;
    private final String query;
    private final long periodMs;
    private final int devices;
    private final Map<String, Long> newest = new HashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private long queries;
    private long queryNanos;
    private long errors;
    private String lastError = "";

    /**
     * @param series device name → the one interface of it that is probed (one series per device keeps
     *               the probe's own load on influxd small)
     */
    LatencyProbe(InfluxdFixture influx, String db, Map<String, String> series, long periodMs) {
        this.influx = influx;
        this.db = db;
        this.periodMs = periodMs;
        this.devices = series.size();
        String match = series.entrySet().stream()
                .map(e -> "(device = '" + e.getKey() + "' AND interface = '" + e.getValue() + "')")
                .collect(Collectors.joining(" OR "));
        this.query = "SELECT last(in_octets) FROM interface WHERE (" + match + ") AND time > now() - 1m GROUP BY device";
        this.thread = Thread.ofPlatform().name("latency-probe").daemon().start(this::loop);
    }

    private void loop() {
        while (!stop) {
            long start = System.nanoTime();
            long startMs = System.currentTimeMillis();
            try {
                InfluxQueryResult r = influx.query(db, query);
                long end = System.nanoTime();
                long seenMs = startMs + (end - start) / 2_000_000;
                synchronized (this) {
                    queries++;
                    queryNanos += end - start;
                    for (InfluxQueryResult.Series s : r.series()) {
                        long t = ((Number) s.value(0, "time")).longValue();
                        Long before = newest.put(s.tags().get("device"), t);
                        if (before != null && t > before) {
                            latencies.add(seenMs - t);
                        }
                    }
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    errors++;
                    lastError = e.toString();
                }
            }
            long left = periodMs - (System.nanoTime() - start) / 1_000_000;
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Latency percentiles so far, in ms. */
    record Percentiles(int count, long p50, long p99, long max) {
        @Override
        public String toString() {
            return count == 0 ? "no samples yet" : String.format("p50 %d ms, p99 %d ms, max %d ms (%d samples)", p50, p99,
                    max, count);
        }
    }

    synchronized Percentiles percentiles() {
        long[] v = latencies.stream().mapToLong(Long::longValue).toArray();
        if (v.length == 0) {
            return new Percentiles(0, -1, -1, -1);
        }
        Arrays.sort(v);
        return new Percentiles(v.length, at(v, 0.50), at(v, 0.99), v[v.length - 1]);
    }

    /** Every latency recorded so far, in ms, in the order seen. */
    synchronized long[] latencies() {
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    static long at(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    /** How far apart two probes' views are on average: probe period, or the query time when longer. */
    synchronized double resolutionMs() {
        double q = queries == 0 ? 0 : queryNanos / 1e6 / queries;
        return Math.max(periodMs, q);
    }

    int devices() {
        return devices;
    }

    synchronized double meanQueryMs() {
        return queries == 0 ? 0 : queryNanos / 1e6 / queries;
    }

    synchronized String errors() {
        return errors == 0 ? "none" : errors + " (last: " + lastError + ")";
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
    }
}
