package io.teleflux.influx;

import io.teleflux.selfmon.Metrics;

import java.util.function.DoubleSupplier;

/**
 * The writer's counters and gauges. The names are a contract with the dashboards and alerts.
 * Labels only ever carry reasons and HTTP statuses, never a URL, user or token.
 */
final class WriterMetrics {
    static final String WRITTEN = "teleflux_points_written_total";
    static final String DROPPED = "teleflux_points_dropped_total";
    static final String ERRORS = "teleflux_write_errors_total";
    static final String REQUESTS = "teleflux_write_requests_total";
    static final String RETRIES = "teleflux_write_retries_total";
    static final String QUEUE = "teleflux_queue_points";
    static final String LAST_SUCCESS = "teleflux_write_last_success_ms";

    private final Metrics m;
    private final Metrics.Counter written;
    private final Metrics.Counter requests;
    private final Metrics.Counter retries;
    private volatile long lastSuccessMs;

    WriterMetrics(Metrics m, DoubleSupplier queuedPoints) {
        this.m = m;
        m.describe(WRITTEN, Metrics.Type.COUNTER, "Points stored by InfluxDB.")
                .describe(DROPPED, Metrics.Type.COUNTER,
                        "Points the writer gave up on, by reason (no_fields, too_large, http_<status>, shutdown).")
                .describe(ERRORS, Metrics.Type.COUNTER,
                        "Failed write requests, by HTTP status or 'network' when no response arrived.")
                .describe(REQUESTS, Metrics.Type.COUNTER, "Write requests sent to InfluxDB, retries included.")
                .describe(RETRIES, Metrics.Type.COUNTER, "Write requests scheduled again after a retriable failure.")
                .describe(QUEUE, Metrics.Type.GAUGE, "Points accepted by the writer and not yet written or dropped.")
                .describe(LAST_SUCCESS, Metrics.Type.GAUGE,
                        "Time of the last successful write, in ms since the epoch (0 = none yet).");
        written = m.counter(WRITTEN);
        requests = m.counter(REQUESTS);
        retries = m.counter(RETRIES);
        for (String reason : new String[] {"no_fields", "too_large", "shutdown"}) {
            m.counter(DROPPED, "reason", reason); // present at 0, so that dashboards and alerts see the series
        }
        m.gauge(QUEUE, queuedPoints);
        m.gauge(LAST_SUCCESS, () -> lastSuccessMs);
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
