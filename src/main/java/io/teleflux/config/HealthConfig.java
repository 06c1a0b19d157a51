package io.teleflux.config;

import java.time.Duration;

/**
 * {@code teleflux.health}: when /health answers 503. A stage that holds points (or a thread whose
 * loop turns every few seconds) and makes no progress for {@code stallTimeout} is stuck.
 */
public record HealthConfig(Duration stallTimeout) {
}
