package io.teleflux.dialout;

/**
 * The names of this package's self-metrics, in one place: the dashboards, alerts and docs name
 * them too, so a name changes here or nowhere. Metrics several packages share (points received,
 * points and fields dropped) are in {@link io.teleflux.selfmon.PipelineMetrics}.
 */
public final class DialoutMetrics {
    public static final String DECODE_ERRORS_TOTAL = "teleflux_decode_errors_total";
    public static final String DECODE_WARNINGS_TOTAL = "teleflux_decode_warnings_total";
    public static final String DIALOUT_CHUNK_BUFFER_BYTES = "teleflux_dialout_chunk_buffer_bytes";
    public static final String DIALOUT_DECODE_STALLED_SECONDS = "teleflux_dialout_decode_stalled_seconds";
    public static final String DIALOUT_DEVICE_LABELS = "teleflux_dialout_device_labels";
    public static final String DIALOUT_DEVICE_LABELS_FOLDED_TOTAL = "teleflux_dialout_device_labels_folded_total";
    public static final String DIALOUT_DEVICE_LABELS_RECLAIMED_TOTAL = "teleflux_dialout_device_labels_reclaimed_total";
    public static final String DIALOUT_FLOW_PAUSED_TOTAL = "teleflux_dialout_flow_paused_total";
    public static final String DIALOUT_IDLE_CLOSED_TOTAL = "teleflux_dialout_idle_closed_total";
    public static final String DIALOUT_LAST_DATA_MS = "teleflux_dialout_last_data_ms";
    public static final String DIALOUT_BYTES_TOTAL = "teleflux_dialout_bytes_total";
    public static final String DIALOUT_DATA_MESSAGES_TOTAL = "teleflux_dialout_data_messages_total";
    public static final String DIALOUT_MESSAGES_TOTAL = "teleflux_dialout_messages_total";
    public static final String DIALOUT_QUEUE_BYTES = "teleflux_dialout_queue_bytes";
    public static final String DIALOUT_RECEIVE_BUFFER_BYTES = "teleflux_dialout_receive_buffer_bytes";
    public static final String DIALOUT_REJECTED_TOTAL = "teleflux_dialout_rejected_total";
    public static final String DIALOUT_STREAMS = "teleflux_dialout_streams";
    public static final String DIALOUT_STREAMS_CLOSED_TOTAL = "teleflux_dialout_streams_closed_total";
    public static final String DIALOUT_STREAMS_TOTAL = "teleflux_dialout_streams_total";
    public static final String DIALOUT_STREAMS_WAITING = "teleflux_dialout_streams_waiting";
    public static final String DIALOUT_UNKNOWN_METHOD_TOTAL = "teleflux_dialout_unknown_method_total";
    public static final String NAMES_TRUNCATED_TOTAL = "teleflux_names_truncated_total";

    private DialoutMetrics() {
    }
}
