package io.teleflux.config;

import java.time.Duration;

/** The whole validated configuration. */
public record TelefluxConfig(String instance, DialoutConfig dialout, RateConfig rate, InfluxConfig influx,
                             HttpConfig http, SelfmonConfig selfmon, LogConfig log,
                             SnmpConfig snmp, HealthConfig health, Duration shutdownTimeout) {
}
