package io.teleflux.influx;


import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: attempt n waits {@code initial * multiplier^n}, capped at {@code max}, of
 * which the fraction {@code jitter} is randomised downwards, so the wait lies in
 * {@code [base * (1 - jitter), base]}. Jitter keeps many collectors that lost the same server from
 * coming back in lock-step; randomising downwards keeps {@code max} a true upper bound.
 */
final class Backoff {
    /**
     * A {@code Retry-After} longer than this is treated as this long: a proxy that answers with
     * hours must not park the writer for hours while the queue fills up.
     */
    static final long RETRY_AFTER_CEILING_MS = 10 * 60_000L;

    private final long initialMs;
    private final long maxMs;
    private final double multiplier;
    private final double jitter;
    private final DoubleSupplier random;

    Backoff(InfluxConfig.Retry retry) {
        this(retry.initialBackoff().toMillis(), retry.maxBackoff().toMillis(), retry.multiplier(), retry.jitter(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random values in [0, 1) */
    Backoff(long initialMs, long maxMs, double multiplier, double jitter, DoubleSupplier random) {
        this.initialMs = Math.max(1, initialMs);
        this.maxMs = Math.max(this.initialMs, maxMs);
        this.multiplier = Math.max(1.0, multiplier);
        this.jitter = Math.min(1.0, Math.max(0.0, jitter));
        this.random = random;
    }

    /** The un-jittered wait before retry number {@code attempt + 1} (attempt counts from 0). */
    long baseMs(int attempt) {
        double b = initialMs * Math.pow(multiplier, Math.max(0, attempt));
        return b >= maxMs ? maxMs : (long) b;
    }

    long delayMs(int attempt) {
        long base = baseMs(attempt);
        return base - (long) (base * jitter * random.getAsDouble());
    }

    /**
     * The wait when the server asked for {@code retryAfterMs} (negative = it did not): never shorter
     * than what the server asked for, never shorter than our own backoff.
     */
    long delayMs(int attempt, long retryAfterMs) {
        long own = delayMs(attempt);
        return retryAfterMs < 0 ? own : Math.max(own, Math.min(retryAfterMs, RETRY_AFTER_CEILING_MS));
    }
}
