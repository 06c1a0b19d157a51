package io.teleflux.influx;

import io.teleflux.influx.spool.SegmentLog;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;

import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * The writer's counters and gauges. The names are a contract with the dashboards and alerts.
 * Labels only ever carry reasons and HTTP statuses, never a URL, user or token.
 */
public final class WriterMetrics {
    static final String WRITTEN = "teleflux_points_written_total";
    static final String DROPPED = PipelineMetrics.POINTS_DROPPED;
    static final String ERRORS = "teleflux_write_errors_total";
    static final String REQUESTS = "teleflux_write_requests_total";
    static final String RETRIES = "teleflux_write_retries_total";
    public static final String QUEUE = "teleflux_queue_points";
    public static final String LAST_SUCCESS = "teleflux_write_last_success_ms";
    static final String SPOOL_BYTES = "teleflux_spool_bytes";
    public static final String SPOOL_POINTS = "teleflux_spool_points";
    static final String SPOOL_OLDEST = "teleflux_spool_oldest_age_seconds";
    static final String SPOOL_WRITTEN = "teleflux_spool_records_written_total";
    static final String SPOOL_REPLAYED = "teleflux_spool_records_replayed_total";
    static final String SPOOL_CORRUPT = "teleflux_spool_records_corrupt_total";
    static final String SPOOL_EVICTED = "teleflux_spool_records_evicted_total";
    static final String SPOOL_ERRORS = "teleflux_spool_errors_total";

    private final Metrics m;
    private final Metrics.Counter written;
    private final Metrics.Counter requests;
    private final Metrics.Counter retries;
    private volatile long lastSuccessMs;

    WriterMetrics(Metrics m, DoubleSupplier queuedPoints) {
        this.m = m;
        PipelineMetrics.describe(m);
        m.describe(WRITTEN, Metrics.Type.COUNTER, "Points stored by InfluxDB.")
                .describe(ERRORS, Metrics.Type.COUNTER,
                        "Failed write requests, by HTTP status or 'network' when no response arrived.")
                .describe(REQUESTS, Metrics.Type.COUNTER, "Write requests sent to InfluxDB, retries included.")
                .describe(RETRIES, Metrics.Type.COUNTER, "Write requests scheduled again after a retriable failure.")
                .describe(QUEUE, Metrics.Type.GAUGE,
                        "Points accepted by the writer that wait in memory (not yet written, dropped or spooled).")
                .describe(LAST_SUCCESS, Metrics.Type.GAUGE,
                        "Time of the last successful write, in ms since the epoch (0 = none yet).");
        written = m.counter(WRITTEN);
        requests = m.counter(REQUESTS);
        retries = m.counter(RETRIES);
        for (String reason : new String[] {"no_fields", "too_large", "shutdown"}) {
            m.counter(DROPPED, "reason", reason); // present at 0, so that dashboards and alerts see the series
        }
        // the commonest failure is present at 0 too: a rate or increase over a series that first
        // appears at 1 would miss the first outage's first error
        m.counter(ERRORS, "status", "network");
        m.gauge(QUEUE, queuedPoints);
        m.gauge(LAST_SUCCESS, () -> lastSuccessMs);
    }

    /** The spool's gauges and counters, read from the spool itself. */
    void spool(SegmentLog spool, Clock clock) {
        m.describe(SPOOL_BYTES, Metrics.Type.GAUGE, "Size of the spool's segment files on disk.")
                .describe(SPOOL_POINTS, Metrics.Type.GAUGE, "Points in the spool not yet written to InfluxDB.")
                .describe(SPOOL_OLDEST, Metrics.Type.GAUGE,
                        "Age of the oldest point batch in the spool not yet written (0 when empty).")
                .describe(SPOOL_WRITTEN, Metrics.Type.COUNTER, "Batches (records) written to the spool.")
                .describe(SPOOL_REPLAYED, Metrics.Type.COUNTER, "Batches (records) read back from the spool to be sent.")
                .describe(SPOOL_CORRUPT, Metrics.Type.COUNTER,
                        "Torn or corrupt spool records skipped (a corrupt region counts once).")
                .describe(SPOOL_EVICTED, Metrics.Type.COUNTER,
                        "Spool records deleted unwritten to make room (on-full = drop-oldest).")
                .describe(SPOOL_ERRORS, Metrics.Type.COUNTER, "Spool I/O failures, by operation.");
        m.gauge(SPOOL_BYTES, spool::bytes);
        m.gauge(SPOOL_POINTS, spool::points);
        m.gauge(SPOOL_OLDEST, () -> {
            long t = spool.oldestAppendedMs();
            return t < 0 ? 0 : Math.max(0, clock.millis() - t) / 1000.0;
        });
        m.gauge(SPOOL_WRITTEN, spool::recordsWritten);
        m.gauge(SPOOL_REPLAYED, spool::recordsReplayed);
        m.gauge(SPOOL_CORRUPT, spool::recordsCorrupt);
        m.gauge(SPOOL_EVICTED, spool::recordsEvicted);
        for (String reason : new String[] {"spool_full", "spool_corrupt"}) {
            m.counter(DROPPED, "reason", reason);
        }
    }

    double spoolPoints() {
        return m.value(SPOOL_POINTS);
    }

    void spoolError(String op) {
        m.counter(SPOOL_ERRORS, "op", op).inc();
    }

    void written(long points, long nowMs) {
        written.add(points);
        lastSuccessMs = nowMs;
    }

    void dropped(String reason, long points) {
        if (points > 0) {
            m.counter(DROPPED, "reason", reason).add(points);
        }
    }

    void request() {
        requests.inc();
    }

    void error(String status) {
        m.counter(ERRORS, "status", status).inc();
    }

    void retry() {
        retries.inc();
    }
}
