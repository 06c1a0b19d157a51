package io.teleflux.sim.dialout;

import io.teleflux.config.HostPort;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How the simulated fleet dials out.
 *
 * @param target          the collector's dial-out listener
 * @param devices         how many devices (model indexes 0..devices-1)
 * @param interval        the sample interval of the wall-clock mode
 * @param paths           the sensor paths of the subscription
 * @param stateEvery      non-counter paths go out on every n-th sample and at each stream start
 * @param backlogMessages messages a device holds while its stream is not ready; beyond that it drops
 * @param redialInitial   first redial delay after a stream fails; doubles up to {@code redialMax}
 * @param redialMax       the longest redial delay
 * @param dialects        which dialect each device speaks (by device index)
 * @param v3ChunkBytes    H3C v3 devices split a serialized {@code Telemetry} larger than this into pieces
 *                        carrying {@code totalSize}
 */
public record DialoutSettings(HostPort target, int devices, Duration interval, Set<SensorPath> paths, int stateEvery,
                              int backlogMessages, Duration redialInitial, Duration redialMax, DialectMix dialects,
                              int v3ChunkBytes) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_STATE_EVERY = 6;
    public static final int DEFAULT_BACKLOG_MESSAGES = 16;
    public static final Duration DEFAULT_REDIAL_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REDIAL_MAX = Duration.ofSeconds(10);
    public static final DialectMix DEFAULT_DIALECTS = DialectMix.of(Dialect.H3C);
    /** Large tables (e.g. 1,024 interfaces of statistics) go out in pieces; everyday ones whole. */
    public static final int DEFAULT_V3_CHUNK_BYTES = 256 * 1024;

    public DialoutSettings {
        if (target == null || target.port() < 1) {
            throw new IllegalArgumentException("target must be host:port with a port in 1-65535, got " + target);
        }
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, got " + devices);
        }
        if (interval == null || interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval);
        }
        if (paths == null || paths.isEmpty()) {
            throw new IllegalArgumentException("at least one sensor path is required");
        }
        if (stateEvery < 1 || backlogMessages < 0) {
            throw new IllegalArgumentException("stateEvery must be >= 1 and backlogMessages >= 0");
        }
        if (redialInitial == null || redialMax == null || redialInitial.toMillis() < 1
                || redialMax.compareTo(redialInitial) < 0) {
            throw new IllegalArgumentException("redial delays must be >= 1 ms with redialMax >= redialInitial");
        }
        if (dialects == null) {
            throw new IllegalArgumentException("dialects must be given");
        }
        if (v3ChunkBytes < 64) {
            throw new IllegalArgumentException("v3ChunkBytes must be at least 64, got " + v3ChunkBytes);
        }
        paths = Set.copyOf(EnumSet.copyOf(paths));
    }

    public static DialoutSettings defaults(HostPort target, int devices) {
        return new DialoutSettings(target, devices, DEFAULT_INTERVAL, SensorPath.all(), DEFAULT_STATE_EVERY,
                DEFAULT_BACKLOG_MESSAGES, DEFAULT_REDIAL_INITIAL, DEFAULT_REDIAL_MAX, DEFAULT_DIALECTS, DEFAULT_V3_CHUNK_BYTES);
    }

    public DialoutSettings withInterval(Duration value) {
        return new DialoutSettings(target, devices, value, paths, stateEvery, backlogMessages, redialInitial, redialMax,
                dialects, v3ChunkBytes);
    }

    public DialoutSettings withPaths(Set<SensorPath> value) {
        return new DialoutSettings(target, devices, interval, value, stateEvery, backlogMessages, redialInitial, redialMax,
                dialects, v3ChunkBytes);
    }

    public DialoutSettings withBacklogMessages(int value) {
        return new DialoutSettings(target, devices, interval, paths, stateEvery, value, redialInitial, redialMax,
                dialects, v3ChunkBytes);
    }

    public DialoutSettings withRedial(Duration initial, Duration max) {
        return new DialoutSettings(target, devices, interval, paths, stateEvery, backlogMessages, initial, max,
                dialects, v3ChunkBytes);
    }

    public DialoutSettings withDialects(DialectMix value) {
        return new DialoutSettings(target, devices, interval, paths, stateEvery, backlogMessages, redialInitial, redialMax,
                value, v3ChunkBytes);
    }

    public DialoutSettings withV3ChunkBytes(int value) {
        return new DialoutSettings(target, devices, interval, paths, stateEvery, backlogMessages, redialInitial, redialMax,
                dialects, value);
    }
}
