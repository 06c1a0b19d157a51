package io.teleflux.selfmon;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;


import java.time.Duration;

/**
 * {@code teleflux.health}: when /health answers 503. A stage that holds points (or a thread whose
 * loop turns every few seconds) and makes no progress for {@code stallTimeout} is stuck.
 */
public record HealthConfig(Duration stallTimeout) {
    /** {@code teleflux.health}. */
    public static final Section<HealthConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.health";
        }

        @Override
        public HealthConfig read(ConfigReader r) {
            return new HealthConfig(r.duration("teleflux.health.stall-timeout", Duration.ofSeconds(1)));
        }
    };
}
