package io.teleflux.influx;

import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *       "partial write: ... dropped=N" when it stored all but some lines: only those are dropped.</li>
 * </ul>
 */
final class ErrorPolicy {
    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)");
    // InfluxDB 1.x reports unparsable lines with dropped=0 and one "unable to parse '<line>'" each
    private static final Pattern UNPARSABLE = Pattern.compile("unable to parse '");

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
            int dropped = partialWriteDropped(r.body(), lines);
            if (dropped >= 0) {
                return new Drop(reason, dropped, lines - dropped);
            }
        }
        return new Drop(reason, lines, 0);
    }

    /**
     * Lines InfluxDB says it dropped in a partial write, at most {@code lines}; -1 when the body is
     * not a partial-write report (then the whole batch counts as dropped).
     */
    static int partialWriteDropped(String body, int lines) {
        if (body == null || !body.contains("partial write")) {
            return -1;
        }
        Matcher m = DROPPED.matcher(body);
        long n = -1;
        while (m.find()) { // the count is at the end of the message; take the last one
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                n = lines;
            }
        }
        if (n < 0) {
            return -1;
        }
        Matcher u = UNPARSABLE.matcher(body);
        while (u.find()) {
            n++;
        }
        return (int) Math.min(n, lines);
    }
}
