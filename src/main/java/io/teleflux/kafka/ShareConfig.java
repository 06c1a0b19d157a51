package io.teleflux.kafka;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;

import java.time.Duration;

/**
 * {@code teleflux.share}: SNMP and gNMI targets shared among the collectors of one consumer group
 * (docs/scaling.md). The brokers and the security come from {@code teleflux.kafka}.
 */
public record ShareConfig(boolean enabled, String groupId, String topic, int partitions, Duration sessionTimeout) {
    /** The broker bounds it further by group.min/max.session.timeout.ms (6 s and 30 min by default). */
    static final Duration MIN_SESSION = Duration.ofSeconds(1);
    static final Duration MAX_SESSION = Duration.ofMinutes(5);

    /** {@code teleflux.share}. */
    public static final Section<ShareConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.share";
        }

        @Override
        public ShareConfig read(ConfigReader r) {
            return ShareConfig.read(r);
        }
    };

    static ShareConfig read(ConfigReader r) {
        String p = "teleflux.share.";
        boolean enabled = r.bool(p + "enabled");
        String group = r.str(p + "group-id").strip();
        if (group.isEmpty()) {
            r.problem(p + "group-id: must not be empty");
        }
        String topic = r.str(p + "topic").strip();
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            r.problem(p + "topic: '" + topic + "' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
        int partitions = r.intIn(p + "partitions", 1, 10_000);
        Duration session = r.duration(p + "session-timeout", MIN_SESSION);
        if (session.compareTo(MAX_SESSION) > 0) {
            r.problem(p + "session-timeout: " + session.toSeconds() + " s is longer than " + MAX_SESSION.toMinutes()
                    + " min: a dead collector's targets would go unpolled that long");
        }
        return new ShareConfig(enabled, group, topic, partitions, session);
    }

    /**
     * How long the membership may be without an assignment, or without reaching Kafka, before
     * /health reports it: three session timeouts, at least 30 s (a rebalance takes a few seconds).
     */
    public Duration unhealthyAfter() {
        Duration three = sessionTimeout.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : three;
    }
}
