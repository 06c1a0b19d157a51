package io.teleflux;

/**
 * The metric names the collector itself uses: its own gauge, and the components' metrics that
 * /health summarises (named here once, as the catalogues of their packages name them).
 */
final class CollectorMetrics {
    static final String UP = "teleflux_up";
    static final String DIALOUT_STREAMS = "teleflux_dialout_streams";
    static final String QUEUE_POINTS = "teleflux_queue_points";
    static final String SPOOL_POINTS = "teleflux_spool_points";
    static final String LAST_WRITE = "teleflux_write_last_success_ms";

    private CollectorMetrics() {
    }
}
