package io.teleflux.influx;

import java.time.Clock;

/**
 * What to do with the answer to a write: the one place that knows which failures are worth
 * retrying, for both APIs (in the manner of OpenTelemetry's exporterhelper).
 *
 * <ul>
 *   <li>2xx: written;</li>
 *   <li>no response (network error, timeout), 5xx and 429: retry after an exponential backoff
 *       with jitter, and never sooner than {@code Retry-After};</li>
 *   <li>413: split the batch in two at a line boundary; a single line that is still too large is
 *       dropped ({@code too_large});</li>
 *   <li>any other status: drop the batch as {@code http_<status>}. InfluxDB 1.x answers 400
 *       "partial write: ... dropped=N" when it stored all but some lines: only those are dropped,
 *       however long the body (see {@link PartialWrite}).</li>
 * </ul>
 */
final class ErrorPolicy {
    sealed interface Decision permits Written, Retry, Split, Drop {
    }

    record Written(int lines) implements Decision {
    }

    record Retry(long delayMs) implements Decision {
    }

    record Split() implements Decision {
    }

    /** {@code dropped} lines are lost for {@code reason}; {@code written} lines were stored anyway. */
    record Drop(String reason, int dropped, int written) implements Decision {
    }

    private final Backoff backoff;
    private final Clock clock;

    ErrorPolicy(Backoff backoff, Clock clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    /**
     * @param lines   lines in the batch that was sent
     * @param attempt how many times this batch already failed with a retriable error (0 at first)
     */
    Decision decide(WriteResult r, int lines, int attempt) {
        int s = r.status();
        if (r.success()) {
            return new Written(lines);
        }
        if (r.networkFailure() || s == 429 || (s >= 500 && s <= 599)) {
            return new Retry(backoff.delayMs(attempt, RetryAfter.millis(r.retryAfter(), clock)));
        }
        if (s == 413) {
            return lines > 1 ? new Split() : new Drop("too_large", lines, 0);
        }
        String reason = "http_" + s;
        if (s == 400) {
            int dropped = r.partial().droppedLines(lines);
            if (dropped >= 0) {
                return new Drop(reason, dropped, lines - dropped);
            }
        }
        return new Drop(reason, lines, 0);
    }

    /**
     * Lines InfluxDB says it dropped in a partial write, at most {@code lines}; -1 when the body is
     * not a partial-write report (then the whole batch counts as dropped). See {@link PartialWrite}.
     */
    static int partialWriteDropped(String body, int lines) {
        return PartialWrite.of(body).droppedLines(lines);
    }
}
