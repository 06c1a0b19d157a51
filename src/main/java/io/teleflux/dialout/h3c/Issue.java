package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.dialout.DialoutMetrics;
/**
 * Field- and row-level problems the decoder counts itself. Message-level failures are
 * {@link DecodeException}s, counted by the caller.
 */
enum Issue {
    UINT64_OVERFLOW(Issue.FIELDS_DROPPED, "uint64_overflow",
            "value too large for its field (an integer beyond the signed 64-bit range, a float beyond the double range)"),
    NON_NUMERIC(Issue.FIELDS_DROPPED, "non_numeric", "non-numeric value where a number was expected"),
    NOT_AVAILABLE(Issue.FIELDS_DROPPED, "not_available", "'not available' sentinel value"),
    MISSING_TIMESTAMP(Issue.WARNINGS, "missing_timestamp", "no Notification.Timestamp, used the receive time"),
    BAD_TIMESTAMP(Issue.WARNINGS, "bad_timestamp", "unparsable Notification.Timestamp, used the receive time"),
    EMPTY_ROW(Issue.WARNINGS, "empty_row", "row without any usable field skipped"),
    ROW_WITHOUT_KEY(Issue.WARNINGS, "row_without_key", "row without its key column skipped");

    static final String FIELDS_DROPPED = PipelineMetrics.FIELDS_DROPPED;
    static final String WARNINGS = DialoutMetrics.DECODE_WARNINGS_TOTAL;
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
