package io.teleflux.kafka;

import io.teleflux.influx.WriterMetrics;

/**
 * The Kafka output's and the relay's metric names. The output counts through the writer machinery
 * under names of its own, so that a collector writing to InfluxDB and Kafka keeps the two apart.
 */
public final class KafkaMetrics {
    public static final String WRITTEN = "teleflux_kafka_points_written_total";
    public static final String DROPPED = "teleflux_kafka_points_dropped_total";
    public static final String QUEUE = "teleflux_kafka_queue_points";
    public static final String SPOOL_POINTS = "teleflux_kafka_spool_points";
    public static final String LAST_SUCCESS = "teleflux_kafka_write_last_success_ms";
    static final String ERRORS = "teleflux_kafka_write_errors_total";
    static final String REQUESTS = "teleflux_kafka_write_requests_total";
    static final String RETRIES = "teleflux_kafka_write_retries_total";
    static final String RECORDS_SENT = "teleflux_kafka_records_sent_total";

    /** The output's names in the writer machinery. */
    public static final WriterMetrics.Names OUTPUT = new WriterMetrics.Names("Kafka", "teleflux.kafka", WRITTEN,
            DROPPED, ERRORS, REQUESTS, RETRIES, QUEUE, LAST_SUCCESS, "teleflux_kafka_spool_bytes", SPOOL_POINTS,
            "teleflux_kafka_spool_oldest_age_seconds", "teleflux_kafka_spool_records_written_total",
            "teleflux_kafka_spool_records_replayed_total", "teleflux_kafka_spool_records_corrupt_total",
            "teleflux_kafka_spool_records_evicted_total", "teleflux_kafka_spool_errors_total");

    // the relay
    public static final String RELAY_RECORDS = "teleflux_relay_records_consumed_total";
    public static final String RELAY_LINES = "teleflux_relay_lines_consumed_total";
    public static final String RELAY_COMMITS = "teleflux_relay_commits_total";
    public static final String RELAY_COMMITTED = "teleflux_relay_committed_offset";
    public static final String RELAY_LAG = "teleflux_relay_lag_records";
    public static final String RELAY_REBALANCES = "teleflux_relay_rebalances_total";
    public static final String RELAY_FAILURES = "teleflux_relay_write_failures_total";
    public static final String RELAY_SKIPPED = "teleflux_relay_records_skipped_total";
    public static final String RELAY_PARTITIONS = "teleflux_relay_partitions";
    public static final String RELAY_UP = "teleflux_relay_up";
    public static final String RELAY_WRITING = "teleflux_relay_batches_writing";

    // shared polling (TargetShare)
    public static final String SHARE_PARTITIONS = "teleflux_share_partitions";
    public static final String SHARE_REBALANCES = "teleflux_share_rebalances_total";
    public static final String SHARE_LOST = "teleflux_share_lost_total";
    public static final String SHARE_ASSIGNMENT_AGE = "teleflux_share_assignment_age_seconds";
    public static final String SHARE_CONTACT_AGE = "teleflux_share_contact_age_seconds";

    private KafkaMetrics() {
    }
}
