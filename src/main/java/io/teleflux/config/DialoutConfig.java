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
 * @param limits                 {@code teleflux.dialout.limits}: what bounds a hostile or broken peer
 */
public record DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                            Duration permitKeepaliveTime, Duration chunkTimeout, TlsConfig tls, List<Cidr> allow,
                            boolean requireDeviceNameMatch, int maxStreams, int maxRows, int maxDepth, Limits limits) {
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
                TlsConfig.DISABLED, List.of(), false, DEFAULT_MAX_STREAMS, DEFAULT_MAX_ROWS, DEFAULT_MAX_DEPTH,
                Limits.DEFAULTS);
    }

    /**
     * {@code teleflux.dialout.limits}: every resource a peer can make the collector hold is bounded
     * here, per peer and in total, so that one host cannot exhaust memory or lock real devices out.
     *
     * @param maxStreamsPerPeer         open streams from one peer address
     * @param maxStreamsPerConnection   HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS advertised to every connection
     * @param idleTimeout               a stream that delivers no message this long is closed; ZERO = never
     * @param handshakeTimeout          a connection must have sent the HTTP/2 preface (and finished TLS) by then
     * @param maxResets                 RST_STREAM frames a connection may send per {@code resetWindow} before GOAWAY
     * @param resetWindow               the window of {@code maxResets}
     * @param chunkBuffer               bytes of chunk fragments buffered for all streams together
     * @param receiveBuffer             bytes of messages still arriving, all streams together
     * @param maxNameLength             chars of a device name (longer: the message is rejected) and of any
     *                                  other name (longer: truncated with a hash suffix)
     * @param maxMeasurementsPerMessage distinct measurements one message may produce
     * @param maxMeasurementsPerDevice  distinct measurements one device may produce
     * @param maxFieldsPerPoint         fields one point may carry
     * @param maxDeviceLabels           device names kept as metric labels
     * @param maxDeviceLabelsPerPeer    device names one peer address may hold as labels
     * @param deviceLabelExpiry         a label quiet this long may be reclaimed when the table is full
     */
    public record Limits(int maxStreamsPerPeer, int maxStreamsPerConnection, Duration idleTimeout,
                         Duration handshakeTimeout, int maxResets,
                         Duration resetWindow, long chunkBuffer, long receiveBuffer, int maxNameLength, int maxMeasurementsPerMessage,
                         int maxMeasurementsPerDevice, int maxFieldsPerPoint, int maxDeviceLabels,
                         int maxDeviceLabelsPerPeer, Duration deviceLabelExpiry) {
        /** The values of reference.conf. */
        public static final Limits DEFAULTS = new Limits(256, 128, Duration.ofMinutes(10), Duration.ofSeconds(20), 1000, Duration.ofSeconds(10),
                256L << 20, 256L << 20, 256, 64, 256, 1000, 20_000, 2_000, Duration.ofMinutes(15));
    }
}
