package io.teleflux;

import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.influx.WriterMetrics;

/**
 * The collector's own metric, and the components' metrics that /health summarises (named by
 * their packages' catalogues).
 */
final class CollectorMetrics {
    static final String UP = "teleflux_up";
    static final String DIALOUT_STREAMS = DialoutMetrics.DIALOUT_STREAMS;
    static final String QUEUE_POINTS = WriterMetrics.QUEUE;
    static final String SPOOL_POINTS = WriterMetrics.SPOOL_POINTS;
    static final String LAST_WRITE = WriterMetrics.LAST_SUCCESS;

    private CollectorMetrics() {
    }
}
