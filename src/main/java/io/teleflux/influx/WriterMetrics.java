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

    /** The InfluxDB writer's names. */
    public static final Names INFLUX = new Names("InfluxDB", "teleflux.influx", WRITTEN, DROPPED, ERRORS, REQUESTS,
            RETRIES, QUEUE, LAST_SUCCESS, SPOOL_BYTES, SPOOL_POINTS, SPOOL_OLDEST, SPOOL_WRITTEN, SPOOL_REPLAYED,
            SPOOL_CORRUPT, SPOOL_EVICTED, SPOOL_ERRORS);

    /**
     * Who a writer writes to, and the names of its metrics: the same machinery (batches, error
     * policy, spool) serves InfluxDB and Kafka, and the two must not count into each other's series.
     * Each output's catalogue defines its own names.
     *
     * @param target  the target's name in help texts and log lines ("InfluxDB", "Kafka")
     * @param section the config block whose keys (spool.dir, ...) error messages name
     */
    public record Names(String target, String section, String written, String dropped, String errors, String requests,
                        String retries, String queue, String lastSuccess, String spoolBytes, String spoolPoints,
                        String spoolOldest, String spoolWritten, String spoolReplayed, String spoolCorrupt,
                        String spoolEvicted, String spoolErrors) {
        /** The component's name: the last part of the section ("influx", "kafka"). */
        public String component() {
            return section.substring(section.lastIndexOf('.') + 1);
        }
    }

    private final Metrics m;
    private final Names n;
    private final Metrics.Counter written;
    private final Metrics.Counter requests;
    private final Metrics.Counter retries;
    private volatile long lastSuccessMs;

    WriterMetrics(Metrics m, DoubleSupplier queuedPoints) {
        this(m, INFLUX, queuedPoints);
    }

    WriterMetrics(Metrics m, Names n, DoubleSupplier queuedPoints) {
        this.m = m;
        this.n = n;
        String t = n.target();
        PipelineMetrics.describe(m);
        if (!n.dropped().equals(PipelineMetrics.POINTS_DROPPED)) {
            m.describe(n.dropped(), Metrics.Type.COUNTER, "Points the " + t + " output dropped, by reason (no_fields, "
                    + "too_large, shutdown, spool_full, spool_corrupt).");
        }
        m.describe(n.written(), Metrics.Type.COUNTER, "Points stored by " + t + ".")
                .describe(n.errors(), Metrics.Type.COUNTER,
                        "Failed write requests to " + t + ", by status, or 'network' when no (or a retriable) answer arrived.")
                .describe(n.requests(), Metrics.Type.COUNTER, "Write requests sent to " + t + ", retries included.")
                .describe(n.retries(), Metrics.Type.COUNTER, "Write requests scheduled again after a retriable failure.")
                .describe(n.queue(), Metrics.Type.GAUGE,
                        "Points accepted by the " + t + " writer that wait in memory (not yet written, dropped or spooled).")
                .describe(n.lastSuccess(), Metrics.Type.GAUGE,
                        "Time of the last successful write to " + t + ", in ms since the epoch (0 = none yet).");
        written = m.counter(n.written());
        requests = m.counter(n.requests());
        retries = m.counter(n.retries());
        for (String reason : new String[] {"no_fields", "too_large", "shutdown"}) {
            m.counter(n.dropped(), "reason", reason); // present at 0, so that dashboards and alerts see the series
        }
        // the commonest failure is present at 0 too: a rate or increase over a series that first
        // appears at 1 would miss the first outage's first error
        m.counter(n.errors(), "status", "network");
        m.gauge(n.queue(), queuedPoints);
        m.gauge(n.lastSuccess(), () -> lastSuccessMs);
    }

    Names names() {
        return n;
    }

    /** The spool's gauges and counters, read from the spool itself. */
    void spool(SegmentLog spool, Clock clock) {
        m.describe(n.spoolBytes(), Metrics.Type.GAUGE, "Size of the spool's segment files on disk.")
                .describe(n.spoolPoints(), Metrics.Type.GAUGE, "Points in the spool not yet written to " + n.target() + ".")
                .describe(n.spoolOldest(), Metrics.Type.GAUGE,
                        "Age of the oldest point batch in the spool not yet written (0 when empty).")
                .describe(n.spoolWritten(), Metrics.Type.COUNTER, "Batches (records) written to the spool.")
                .describe(n.spoolReplayed(), Metrics.Type.COUNTER, "Batches (records) read back from the spool to be sent.")
                .describe(n.spoolCorrupt(), Metrics.Type.COUNTER,
                        "Torn or corrupt spool records skipped (a corrupt region counts once).")
                .describe(n.spoolEvicted(), Metrics.Type.COUNTER,
                        "Spool records deleted unwritten to make room (on-full = drop-oldest).")
                .describe(n.spoolErrors(), Metrics.Type.COUNTER, "Spool I/O failures, by operation.");
        m.gauge(n.spoolBytes(), spool::bytes);
        m.gauge(n.spoolPoints(), spool::points);
        m.gauge(n.spoolOldest(), () -> {
            long t = spool.oldestAppendedMs();
            return t < 0 ? 0 : Math.max(0, clock.millis() - t) / 1000.0;
        });
        m.gauge(n.spoolWritten(), spool::recordsWritten);
        m.gauge(n.spoolReplayed(), spool::recordsReplayed);
        m.gauge(n.spoolCorrupt(), spool::recordsCorrupt);
        m.gauge(n.spoolEvicted(), spool::recordsEvicted);
        for (String reason : new String[] {"spool_full", "spool_corrupt"}) {
            m.counter(n.dropped(), "reason", reason);
        }
    }

    double spoolPoints() {
        return m.value(n.spoolPoints());
    }

    void spoolError(String op) {
        m.counter(n.spoolErrors(), "op", op).inc();
    }

    void written(long points, long nowMs) {
        written.add(points);
        lastSuccessMs = nowMs;
    }

    void dropped(String reason, long points) {
        if (points > 0) {
            m.counter(n.dropped(), "reason", reason).add(points);
        }
    }

    void request() {
        requests.inc();
    }

    void error(String status) {
        m.counter(n.errors(), "status", status).inc();
    }

    void retry() {
        retries.inc();
    }
}
