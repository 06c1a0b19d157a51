package io.teleflux.config;

import java.time.Duration;

/** {@code teleflux.selfmon}: writing the collector's own counters to InfluxDB. */
public record SelfmonConfig(boolean enabled, Duration interval) {
}
