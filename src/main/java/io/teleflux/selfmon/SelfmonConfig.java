package io.teleflux.selfmon;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;


import java.time.Duration;

/** {@code teleflux.selfmon}: writing the collector's own counters to InfluxDB. */
public record SelfmonConfig(boolean enabled, Duration interval) {
    /** {@code teleflux.selfmon}. */
    public static final Section<SelfmonConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.selfmon";
        }

        @Override
        public SelfmonConfig read(ConfigReader r) {
            return new SelfmonConfig(r.bool("teleflux.selfmon.enabled"),
                    r.duration("teleflux.selfmon.interval", Duration.ofSeconds(1)));
        }
    };
}
