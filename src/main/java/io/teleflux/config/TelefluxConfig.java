package io.teleflux.config;

/** The whole validated configuration. */
public record TelefluxConfig(String instance, DialoutConfig dialout, RateConfig rate, InfluxConfig influx,
                             HttpConfig http, SelfmonConfig selfmon, LogConfig log,
                             SnmpConfig snmp) {
}
