package io.teleflux.dialout.cisco;

import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.selfmon.PipelineMetrics;

/**
 * Value- and row-level problems the point maker counts itself and works around. Message-level
 * failures are {@link DecodeException}s, counted by the caller.
 */
enum Issue {
    UINT64_OVERFLOW(PipelineMetrics.FIELDS_DROPPED, "uint64_overflow",
            "value too large for its field (an unsigned 64-bit integer >= 2^63, an integer beyond 64 bits, an infinite float)"),
    NON_NUMERIC(PipelineMetrics.FIELDS_DROPPED, "non_numeric", "non-numeric value where a number was expected"),
    UNKNOWN_STATE(PipelineMetrics.FIELDS_DROPPED, "unknown_state", "interface state that is not an IOS XR im-state"),
    DUPLICATE_FIELD(PipelineMetrics.FIELDS_DROPPED, "duplicate_field",
            "a name repeated within one row (a list nested in the content): the first value is kept"),
    MISSING_TIMESTAMP(DialoutMetrics.DECODE_WARNINGS_TOTAL, "missing_timestamp",
            "no row timestamp and no msg_timestamp, used the receive time"),
    EMPTY_ROW(DialoutMetrics.DECODE_WARNINGS_TOTAL, "empty_row", "row without any usable leaf skipped"),
    ROW_WITHOUT_KEY(DialoutMetrics.DECODE_WARNINGS_TOTAL, "row_without_key", "row without its interface key skipped"),
    ROW_WITHOUT_CONTENT(DialoutMetrics.DECODE_WARNINGS_TOTAL, "row_without_content",
            "row without a content child skipped"),
    NO_ROWS(DialoutMetrics.DECODE_WARNINGS_TOTAL, "no_rows", "message without rows (an empty collection)");

    static final int COUNT = values().length;
    private static final Issue[] ALL = values();

    final String metric;
    final String label;
    final String text;

    Issue(String metric, String label, String text) {
        this.metric = metric;
        this.label = label;
        this.text = text;
    }

    static Issue of(int ordinal) {
        return ALL[ordinal];
    }
}
