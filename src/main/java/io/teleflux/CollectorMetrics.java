package io.teleflux;

import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.influx.WriterMetrics;
import io.teleflux.kafka.KafkaMetrics;

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
    static final String KAFKA_QUEUE_POINTS = KafkaMetrics.QUEUE;
    static final String KAFKA_SPOOL_POINTS = KafkaMetrics.SPOOL_POINTS;
    static final String KAFKA_LAST_WRITE = KafkaMetrics.LAST_SUCCESS;

    private CollectorMetrics() {
    }
}
