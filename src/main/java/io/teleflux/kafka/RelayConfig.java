package io.teleflux.kafka;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;

import java.time.Duration;

/** {@code teleflux.relay}: the consumer group of {@code teleflux relay}. */
public record RelayConfig(String groupId, int maxPollRecords, Duration maxPollInterval, Duration sessionTimeout,
                          int writers) {

    /** {@code teleflux.relay}. */
    public static final Section<RelayConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.relay";
        }

        @Override
        public RelayConfig read(ConfigReader r) {
            String p = "teleflux.relay.";
            String group = r.str(p + "group-id").strip();
            if (group.isEmpty()) {
                r.problem(p + "group-id: must not be empty");
            }
            Duration poll = r.duration(p + "max-poll-interval", Duration.ofSeconds(10));
            Duration session = r.duration(p + "session-timeout", Duration.ofSeconds(1));
            if (session.compareTo(poll) >= 0) {
                r.problem(p + "session-timeout: " + session.toMillis() + " ms must be shorter than max-poll-interval ("
                        + poll.toMillis() + " ms)");
            }
            return new RelayConfig(group, r.intIn(p + "max-poll-records", 1, 100_000), poll, session,
                    r.intIn(p + "writers", 1, 64));
        }
    };
}
