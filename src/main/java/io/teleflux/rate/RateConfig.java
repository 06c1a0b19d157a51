package io.teleflux.rate;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;


import java.time.Duration;

/**
 * {@code teleflux.rate}. {@code maxGap} is null for "auto": 3 x the expected interval, at least 3 minutes.
 */
public record RateConfig(Duration maxGap, Duration idleExpiry, int maxSeries) {
    public static final Duration AUTO_FLOOR = Duration.ofMinutes(3);
    /** For a source no input declared an interval for. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    /** The gap beyond which no rate is computed for a source sampled every {@code expectedInterval}. */
    public Duration maxGapFor(Duration expectedInterval) {
        if (maxGap != null) {
            return maxGap;
        }
        Duration three = expectedInterval.multipliedBy(3);
        return three.compareTo(AUTO_FLOOR) > 0 ? three : AUTO_FLOOR;
    }

    /** {@code teleflux.rate}. */
    public static final Section<RateConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.rate";
        }

        @Override
        public RateConfig read(ConfigReader r) {
            Duration maxGap = null;
            if (!"auto".equalsIgnoreCase(r.rawString("teleflux.rate.max-gap"))) {
                maxGap = r.duration("teleflux.rate.max-gap", Duration.ofSeconds(1));
            }
            return new RateConfig(maxGap, r.duration("teleflux.rate.idle-expiry", Duration.ofSeconds(1)),
                    r.intIn("teleflux.rate.max-series", 1, Integer.MAX_VALUE));
        }
    };
}
