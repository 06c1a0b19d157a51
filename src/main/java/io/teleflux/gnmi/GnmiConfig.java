package io.teleflux.gnmi;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;

import java.time.Duration;
import java.util.List;

/**
 * {@code teleflux.gnmi}: the gNMI targets the collector subscribes to, and how it redials and
 * bounds them. gNMI runs when at least one target is configured.
 *
 * @param connectTimeout TCP connect, TLS handshake and the Capabilities answer, together
 * @param idleTimeout    a stream that delivers nothing this long is redialled; null = auto
 *                       (3 x the target's longest interval, at least 30 s); ZERO = never
 * @param maxMessageSize largest SubscribeResponse accepted
 */
public record GnmiConfig(List<GnmiTarget> targets, String targetsFile, Redial redial, Duration connectTimeout,
                         Duration idleTimeout, int maxMessageSize, Limits limits) {

    public GnmiConfig {
        targets = List.copyOf(targets);
    }

    public boolean enabled() {
        return !targets.isEmpty();
    }

    /**
     * {@code teleflux.gnmi.redial}: the wait before dialling again after a failure or a lost stream
     * is {@code initialDelay x multiplier^(n-1)}, at most {@code maxDelay}, each spread by
     * +/- {@code jitter} (a fraction) so that targets lost together do not redial together.
     */
    public record Redial(Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {
        /** The wait before attempt {@code failures + 1}, given a uniform {@code random} in [0, 1). */
        long delayMs(int failures, double random) {
            double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
            double capped = Math.min(base, maxDelay.toMillis());
            return Math.max(0, Math.round(capped * (1 + jitter * (2 * random - 1))));
        }
    }

    /**
     * {@code teleflux.gnmi.limits}: what bounds the schema one target can create.
     *
     * @param maxNameLength           measurement, tag and field names longer than this are cut with a hash suffix
     * @param maxFieldsPerPoint       fields of one point beyond this are dropped
     * @param maxMeasurementsPerTarget distinct measurements one target may produce; points of more are dropped
     */
    public record Limits(int maxNameLength, int maxFieldsPerPoint, int maxMeasurementsPerTarget) {
        public static final Limits DEFAULTS = new Limits(256, 1000, 256);
    }

    /** The idle timeout for {@code t}: ZERO when none applies. */
    Duration idleTimeoutFor(GnmiTarget t, boolean anySampled) {
        if (idleTimeout != null) {
            return idleTimeout;
        }
        Duration longest = anySampled ? t.sampleInterval() : t.heartbeatInterval();
        if (longest.isZero()) {
            return Duration.ZERO; // ON_CHANGE only, without heartbeats: a quiet stream is normal
        }
        Duration three = longest.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : three;
    }

    /** {@code teleflux.gnmi}. */
    public static final Section<GnmiConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return GnmiConfigReader.P;
        }

        @Override
        public GnmiConfig read(ConfigReader r) {
            return new GnmiConfigReader(r).read();
        }
    };
}
