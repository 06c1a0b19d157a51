package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.selfmon.PipelineMetrics;

/**
 * What goes wrong inside a message that is otherwise decoded: a value, a row or a whole row's
 * content is left out, or something was worked around. Counted per occurrence, except the
 * {@code perMessage} ones (at most once per message: they say what kind of message it was).
 */
enum Issue {
    UINT64_OVERFLOW(PipelineMetrics.FIELDS_DROPPED, "uint64_overflow", false,
            "counter >= 2^63 (InfluxDB 1.x cannot store it)"),
    NON_NUMERIC(PipelineMetrics.FIELDS_DROPPED, "non_numeric", false, "non-numeric value where a number was expected"),
    GPB_BYTES(PipelineMetrics.FIELDS_DROPPED, "gpb_bytes", false,
            "binary leaf of unknown GPB content (neither text nor a message)"),
    TAG_LIMIT(PipelineMetrics.FIELDS_DROPPED, "tag_limit", false, "text leaves beyond the tags a generic point keeps"),
    MISSING_TIMESTAMP(DialoutMetrics.DECODE_WARNINGS_TOTAL, "missing_timestamp", false,
            "no usable row, message or collection time: the receive time was used"),
    ROW_WITHOUT_KEY(DialoutMetrics.DECODE_WARNINGS_TOTAL, "row_without_key", false, "interface row without a name: skipped"),
    EMPTY_ROW(DialoutMetrics.DECODE_WARNINGS_TOTAL, "empty_row", false, "interface row without statistics: skipped"),
    IFM_LAYOUT_GUESSED(DialoutMetrics.DECODE_WARNINGS_TOTAL, "ifm_layout_guessed", true,
            "interface statistics found by shape, not at the field numbers of proto/huawei/huawei-ifm.proto"),
    MISSING_SENSOR_PATH(DialoutMetrics.DECODE_WARNINGS_TOTAL, "missing_sensor_path", true, "no sensor_path"),
    DEVICE_EXCEPTION(DialoutMetrics.DECODE_WARNINGS_TOTAL, "device_exception", true,
            "except_desc other than OK: the device reports a sampling problem"),
    UNKNOWN_GPB_CONTENT(DialoutMetrics.DECODE_ERRORS_TOTAL, DecodeException.UNKNOWN_GPB_CONTENT, true,
            "GPB content of a path whose message is unknown: stored with field-number names"),
    MALFORMED_GPB_CONTENT(DialoutMetrics.DECODE_ERRORS_TOTAL, DecodeException.MALFORMED_GPB_CONTENT, true,
            "GPB row content that is not a protobuf message: row lost"),
    MALFORMED_ROW_JSON(DialoutMetrics.DECODE_ERRORS_TOTAL, DecodeException.MALFORMED_JSON, true,
            "JSON row content that is not valid JSON: row lost");

    final String metric;
    final String label;
    final boolean perMessage;
    final String text;

    Issue(String metric, String label, boolean perMessage, String text) {
        this.metric = metric;
        this.label = label;
        this.perMessage = perMessage;
        this.text = text;
    }

    static final Issue[] ALL = values();
}
