package io.teleflux.snmp;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;


import java.time.Duration;
import java.util.List;

/**
 * {@code teleflux.snmp}: the SNMP poller. The targets are complete (the {@code defaults} and the
 * global {@code interfaces} filter are already merged into each), so the poller needs nothing else.
 * SNMP runs when there is at least one target.
 */
public record SnmpConfig(Duration interval, Duration timeout, int retries, Duration deadline, int maxConcurrent,
                         int maxRepetitions, String targetsFile, List<SnmpTarget> targets) {

    public SnmpConfig {
        targets = List.copyOf(targets);
    }

    public boolean enabled() {
        return !targets.isEmpty();
    }

    /** How long one poll of one device may take before it is abandoned: {@code deadline}, or the interval when 0. */
    public Duration effectiveDeadline() {
        return deadline.isZero() ? interval : deadline;
    }

    /** {@code teleflux.snmp}. */
    public static final Section<SnmpConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.snmp";
        }

        @Override
        public SnmpConfig read(ConfigReader r) {
            return new SnmpConfigReader(r).read();
        }
    };
}
