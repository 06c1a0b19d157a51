package io.teleflux.config;

import java.time.Duration;

/**
 * {@code teleflux.rate}. {@code maxGap} is null for "auto": 3 x the expected interval, at least 3 minutes.
 */
public record RateConfig(Duration maxGap, Duration idleExpiry, int maxSeries) {
    public static final Duration AUTO_FLOOR = Duration.ofMinutes(3);

    /** The gap beyond which no rate is computed for a source sampled every {@code expectedInterval}. */
    public Duration maxGapFor(Duration expectedInterval) {
        if (maxGap != null) {
            return maxGap;
        }
        Duration three = expectedInterval.multipliedBy(3);
        return three.compareTo(AUTO_FLOOR) > 0 ? three : AUTO_FLOOR;
    }
}
