package io.teleflux.influx;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
final class RetryAfter {
    private RetryAfter() {
    }

    /** The requested wait in ms, 0 for a date in the past, or -1 when absent or unparsable. */
    static long millis(String header, Clock clock) {
        if (header == null) {
            return -1;
        }
        String v = header.strip();
        if (v.isEmpty()) {
            return -1;
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > 9) {
                return Backoff.RETRY_AFTER_CEILING_MS; // absurdly large; capped by the caller anyway
            }
            return Long.parseLong(v) * 1000L;
        }
        try {
            // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is what servers send; RFC_1123 parses it
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, at.toInstant().toEpochMilli() - clock.millis());
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
