package io.teleflux.config;

import java.time.Duration;

/** {@code teleflux.dialout}: the gRPC dial-out listener. */
public record DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                            Duration permitKeepaliveTime, Duration chunkTimeout) {
}
