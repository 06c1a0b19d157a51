package io.teleflux.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code teleflux.dialout}: the gRPC dial-out listener, and what protects it.
 *
 * @param allow                  peers allowed to connect; empty = everyone
 * @param requireDeviceNameMatch a device name stays bound to the address it was first seen from
 * @param maxStreams             concurrent dial-out streams; beyond, new streams are refused
 * @param maxRows                rows in one jsonData document; beyond, it is rejected
 * @param maxDepth               JSON nesting depth of one document; beyond, it is rejected
 */
public record DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                            Duration permitKeepaliveTime, Duration chunkTimeout, TlsConfig tls, List<Cidr> allow,
                            boolean requireDeviceNameMatch, int maxStreams, int maxRows, int maxDepth) {
    public static final int DEFAULT_MAX_STREAMS = 10_000;
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final int DEFAULT_MAX_DEPTH = 32;

    public DialoutConfig {
        allow = List.copyOf(allow);
    }

    /** Plaintext, open to everyone, default limits: for tests and embedding. */
    public DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                         Duration permitKeepaliveTime, Duration chunkTimeout) {
        this(enabled, listen, maxMessageSize, workers, queueMaxBytes, permitKeepaliveTime, chunkTimeout,
                TlsConfig.DISABLED, List.of(), false, DEFAULT_MAX_STREAMS, DEFAULT_MAX_ROWS, DEFAULT_MAX_DEPTH);
    }
}
