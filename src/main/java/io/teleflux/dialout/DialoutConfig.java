package io.teleflux.dialout;

import io.teleflux.config.Cidr;
import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigReader;
import io.teleflux.config.HostPort;
import io.teleflux.config.Section;


import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code teleflux.dialout}: the gRPC dial-out listener, and what protects it.
 *
 * @param allow                  peers allowed to connect; empty = everyone
 * @param requireDeviceNameMatch a device name stays bound to the address it was first seen from
 * @param maxStreams             concurrent dial-out streams; beyond, new streams are refused
 * @param maxRows                rows in one jsonData document; beyond, it is rejected
 * @param maxDepth               JSON nesting depth of one document; beyond, it is rejected
 * @param limits                 {@code teleflux.dialout.limits}: what bounds a hostile or broken peer
 * @param proxyProtocol          {@code teleflux.dialout.proxy-protocol}: which load balancers' PROXY headers are believed
 */
public record DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                            Duration permitKeepaliveTime, Duration chunkTimeout, TlsConfig tls, List<Cidr> allow,
                            boolean requireDeviceNameMatch, int maxStreams, int maxRows, int maxDepth, Limits limits,
                            ProxyProtocol proxyProtocol) {
    public static final int DEFAULT_MAX_STREAMS = 10_000;
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final int DEFAULT_MAX_DEPTH = 32;

    public DialoutConfig {
        allow = List.copyOf(allow);
    }

    /** Without PROXY protocol (no trusted balancer). */
    public DialoutConfig(boolean enabled, HostPort listen, int maxMessageSize, int workers, long queueMaxBytes,
                         Duration permitKeepaliveTime, Duration chunkTimeout, TlsConfig tls, List<Cidr> allow,
                         boolean requireDeviceNameMatch, int maxStreams, int maxRows, int maxDepth, Limits limits) {
        this(enabled, listen, maxMessageSize, workers, queueMaxBytes, permitKeepaliveTime, chunkTimeout, tls, allow,
                requireDeviceNameMatch, maxStreams, maxRows, maxDepth, limits, ProxyProtocol.OFF);
    }

    /**
     * {@code teleflux.dialout.proxy-protocol}: a connection from a {@code trusted} address must begin
     * with a PROXY protocol header (v1 or v2), and the client address it names is the peer from then
     * on; nobody else's header is believed.
     *
     * @param trusted       the load balancers' addresses; empty = PROXY protocol off
     * @param headerTimeout a trusted connection without a complete header by then is closed
     */
    public record ProxyProtocol(List<Cidr> trusted, Duration headerTimeout) {
        public static final ProxyProtocol OFF = new ProxyProtocol(List.of(), Duration.ofSeconds(5));

        public ProxyProtocol {
            trusted = List.copyOf(trusted);
        }
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

    /** {@code teleflux.dialout}. */
    public static final Section<DialoutConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.dialout";
        }

        @Override
        public DialoutConfig read(ConfigReader r) {
            return DialoutConfig.read(r);
        }
    };

    static DialoutConfig read(ConfigReader r) {
        String p = "teleflux.dialout.";
        List<Cidr> allow = cidrs(r, p + "allow");
        DialoutConfig.Limits limits = limits(r);
        int maxMessageSize = (int) r.bytes(p + "max-message-size", 1024, Integer.MAX_VALUE);
        if (limits.receiveBuffer() < maxMessageSize) {
            r.problem(p + "limits.receive-buffer: " + limits.receiveBuffer() + " bytes is less than max-message-size ("
                    + maxMessageSize + "): no message of the largest allowed size could arrive");
        }
        return new DialoutConfig(
                r.bool(p + "enabled"),
                r.hostPort(p + "listen"),
                maxMessageSize,
                r.intIn(p + "workers", 0, 1024),
                r.bytes(p + "queue-max-bytes", 1024, Long.MAX_VALUE),
                r.duration(p + "permit-keepalive-time", Duration.ZERO),
                r.duration(p + "chunk-timeout", Duration.ofSeconds(1)),
                tls(r),
                allow,
                r.bool(p + "require-device-name-match"),
                r.intIn(p + "max-streams", 1, 1_000_000),
                r.intIn(p + "max-rows", 1, Integer.MAX_VALUE),
                // 6 = root, Notification, module, table, row array, row: anything shallower rejects every document
                r.intIn(p + "max-depth", 6, 1000),
                limits,
                new ProxyProtocol(cidrs(r, p + "proxy-protocol.trusted"),
                        r.duration(p + "proxy-protocol.header-timeout", Duration.ofMillis(100))));
    }

    /** A list of CIDRs; each bad one is a problem naming {@code key}. */
    private static List<Cidr> cidrs(ConfigReader r, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String cidr : r.stringList(key)) {
            try {
                out.add(Cidr.parse(key, cidr));
            } catch (ConfigException e) {
                e.problems().forEach(r::problem);
            }
        }
        return out;
    }

    private static DialoutConfig.Limits limits(ConfigReader r) {
        String p = "teleflux.dialout.limits.";
        return new DialoutConfig.Limits(
                r.intIn(p + "max-streams-per-peer", 1, 1_000_000),
                r.intIn(p + "max-streams-per-connection", 1, 1_000_000),
                r.duration(p + "idle-timeout", Duration.ZERO),
                r.duration(p + "handshake-timeout", Duration.ofSeconds(1)),
                r.intIn(p + "max-resets", 1, Integer.MAX_VALUE),
                r.duration(p + "reset-window", Duration.ofSeconds(1)),
                r.bytes(p + "chunk-buffer", 1024, Long.MAX_VALUE),
                r.bytes(p + "receive-buffer", 1024, Long.MAX_VALUE),
                // room for the hash suffix and a readable prefix; 64 covers every vendor's sysname
                r.intIn(p + "max-name-length", 64, 65_535),
                r.intIn(p + "max-measurements-per-message", 1, 1_000_000),
                r.intIn(p + "max-measurements-per-device", 1, 1_000_000),
                r.intIn(p + "max-fields-per-point", 1, 1_000_000),
                r.intIn(p + "max-device-labels", 1, 10_000_000),
                r.intIn(p + "max-device-labels-per-peer", 1, 10_000_000),
                r.duration(p + "device-label-expiry", Duration.ofSeconds(1)));
    }

    private static TlsConfig tls(ConfigReader r) {
        String p = "teleflux.dialout.tls.";
        boolean enabled = r.bool(p + "enabled");
        String authStr = r.str(p + "client-auth").toLowerCase(Locale.ROOT);
        TlsConfig.ClientAuth auth = switch (authStr) {
            case "none" -> TlsConfig.ClientAuth.NONE;
            case "optional" -> TlsConfig.ClientAuth.OPTIONAL;
            case "require" -> TlsConfig.ClientAuth.REQUIRE;
            default -> {
                r.problem(p + "client-auth: '" + authStr + "' is not none, optional or require");
                yield TlsConfig.ClientAuth.NONE;
            }
        };
        Duration reload = r.duration(p + "reload-interval", Duration.ofSeconds(1));
        Path cert = r.pemFile(p + "cert", enabled, "TLS is enabled");
        Path key = r.pemFile(p + "key", enabled, "TLS is enabled");
        Path ca = r.pemFile(p + "client-ca", enabled && auth != TlsConfig.ClientAuth.NONE,
                "client-auth = " + authStr);
        return new TlsConfig(enabled, cert, key, ca, auth, reload);
    }

}
