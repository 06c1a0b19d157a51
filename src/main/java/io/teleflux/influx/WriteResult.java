package io.teleflux.influx;

import io.teleflux.config.Redaction;

/**
 * What one write request came back with, in the same form for both APIs, so that a single
 * {@link ErrorPolicy} can decide what happens next.
 *
 * @param status       HTTP status, or 0 when no response arrived (network error, timeout)
 * @param retryAfter   the raw {@code Retry-After} header, or null
 * @param body         the head of the response body (at most {@link #MAX_BODY_CHARS}), "" when none;
 *                     credentials travel only in request headers, and a body that echoes one has it
 *                     redacted
 * @param networkError for status 0: the exception's class and message, else null
 * @param partial      what the whole body (not only its head) says about an InfluxDB 1.x partial write
 */
public record WriteResult(int status, String retryAfter, String body, String networkError, PartialWrite partial) {
    static final int MAX_BODY_CHARS = 64 * 1024;

    /** A response whose whole body is in hand: it is scanned for the partial-write report, then cut. */
    static WriteResult http(int status, String retryAfter, String body) {
        return http(status, retryAfter, body, PartialWrite.of(body));
    }

    /** A response of which only the head of the body was kept, and the whole of it scanned. */
    static WriteResult http(int status, String retryAfter, String head, PartialWrite partial) {
        // a proxy or server may echo the request (Authorization header included) in an error body
        String b = head == null ? "" : Redaction.redactExceptCommunities(head);
        if (b.length() > MAX_BODY_CHARS) {
            b = b.substring(0, MAX_BODY_CHARS);
        }
        return new WriteResult(status, retryAfter, b, null, partial);
    }

    /** A success without a body (a target that has no HTTP answer, e.g. Kafka's acknowledgement). */
    public static WriteResult ok() {
        return new WriteResult(204, null, "", null, PartialWrite.NONE);
    }

    /**
     * The batch (of more than one line) is too large for the target: the error policy splits it,
     * and drops a single line that is still too large ({@code too_large}), as for HTTP 413.
     */
    public static WriteResult tooLarge(String detail) {
        return http(413, null, detail);
    }

    /** No answer, or one worth retrying: the error policy retries (and the spool takes over). */
    public static WriteResult network(Throwable t) {
        String msg = Redaction.redactExceptCommunities(t.getMessage());
        return new WriteResult(0, null, "", t.getClass().getSimpleName() + (msg == null || msg.isEmpty() ? "" : ": " + msg),
                PartialWrite.NONE);
    }

    boolean success() {
        return status >= 200 && status < 300;
    }

    boolean networkFailure() {
        return status == 0;
    }

    /** The {@code status} label of {@code teleflux_write_errors_total}. */
    String statusLabel() {
        return status == 0 ? "network" : Integer.toString(status);
    }

    /** A short description for a log line: the network error, or the body cut to about 300 characters. */
    String detail() {
        if (status == 0) {
            return networkError;
        }
        String b = body.strip().replace('\n', ' ');
        if (b.isEmpty()) {
            return "(empty body)";
        }
        return b.length() <= 300 ? b : b.substring(0, 300) + "...";
    }
}
