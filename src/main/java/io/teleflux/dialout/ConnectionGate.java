package io.teleflux.dialout;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.teleflux.config.Cidr;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every accepted connection, ahead of TLS and HTTP/2.
 *
 * <p>A peer outside {@code teleflux.dialout.allow} is closed as soon as the connection is set up,
 * before a single byte is read from it, so it never reaches the TLS handshake or the HTTP/2 parser.
 *
 * <p>On the plaintext port the gate then reads the first bytes (at most the 24 of the HTTP/2 client
 * preface, however they are split across reads) before gRPC is added to the connection: the
 * preface lets the connection through to gRPC; a TLS ClientHello ({@code tls_on_plaintext}), an
 * HTTP/1 request line ({@code http1}, answered with a short 400) or anything else
 * ({@code not_http2}) is counted in {@code teleflux_dialout_rejected_total}, logged in one line
 * (once a minute per reason and peer, at most {@value #PEERS_LOGGED_PER_MINUTE} peers a minute per
 * reason) and closed, so gRPC never sees it and never logs a stack trace for it.
 *
 * <p>With TLS the gate puts the current TLS negotiator (with the current certificates:
 * {@link #useTls} swaps it for later connections) behind itself, and on the first bytes watches
 * the handshake and counts a failure as {@code tls}.
 *
 * <p>Either way, a {@link GoAwayWatch} behind TLS reads the HTTP/2 frames gRPC sends, and a GOAWAY
 * with an error code (gRPC's answer to an HTTP/2 connection error from the peer after the preface)
 * counts as {@code protocol_error}. A connection that closes without sending anything (a port
 * probe) is not counted.
 *
 * <p>A peer in {@code teleflux.dialout.proxy-protocol.trusted} (a load balancer) must first send a
 * PROXY protocol header ({@link ProxyHeader}), within {@code header-timeout}; the client address
 * in it is then the peer: the allowlist is checked against it, and it goes into the negotiation
 * event as {@link #PROXIED_CLIENT}, which {@link ProxiedPeer} (a transport filter) makes gRPC's
 * {@code TRANSPORT_ATTR_REMOTE_ADDR}, so every call sees the device's address (per-peer limits,
 * device-name binding, {@code device_ip}). A missing, late or bad header is {@code proxy_header};
 * a v2 LOCAL header (the balancer's own check) keeps the balancer's address, and needs no allowlist
 * entry. A PROXY header from anyone else is refused as {@code proxy_untrusted}.
 *
 * <p>This uses grpc-netty's {@code Internal*} negotiator API: the public builder has no hook that
 * runs before the handshake. The dial-out integration tests exercise every path through it.
 */
final class ConnectionGate implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    /** Refused peers logged per reason and minute (each peer at most once a minute per reason); the counters have the rest. */
    static final int PEERS_LOGGED_PER_MINUTE = 10;
    private static final byte[] HTTP1_RESPONSE = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 51\r\nConnection: close\r\n\r\n"
            + "This port takes gRPC (HTTP/2) telemetry dial-out.\r\n").getBytes(StandardCharsets.US_ASCII);

    /** The device's address, put into the negotiation event by the gate, made the remote address by {@link ProxiedPeer}. */
    static final Attributes.Key<InetSocketAddress> PROXIED_CLIENT = Attributes.Key.create("teleflux.dialout.proxied-client");

    private final List<Cidr> allow;
    private final List<Cidr> trusted;
    private final long headerTimeoutMillis;
    private final Metrics.Counter refusedByAllowlist;
    private final Metrics.Counter tlsFailures;
    /** the reasons counted after the first bytes, each exposed from 0 */
    private final Map<String, Metrics.Counter> rejected;
    private volatile InternalProtocolNegotiator.ProtocolNegotiator current;
    private volatile boolean tls;

    ConnectionGate(List<Cidr> allow, Metrics metrics) {
        this(allow, DialoutConfig.ProxyProtocol.OFF, metrics);
    }

    ConnectionGate(List<Cidr> allow, DialoutConfig.ProxyProtocol proxy, Metrics metrics) {
        this.allow = List.copyOf(allow);
        this.trusted = proxy.trusted();
        this.headerTimeoutMillis = Math.max(1, proxy.headerTimeout().toMillis());
        this.refusedByAllowlist = metrics.counter(DialoutServer.REJECTED, "reason", "allowlist");
        this.tlsFailures = metrics.counter(DialoutServer.REJECTED, "reason", "tls");
        Map<String, Metrics.Counter> byReason = new HashMap<>();
        for (String reason : List.of("not_http2", "tls_on_plaintext", "http1", "protocol_error", "proxy_header",
                "proxy_untrusted")) {
            byReason.put(reason, metrics.counter(DialoutServer.REJECTED, "reason", reason));
        }
        this.rejected = Map.copyOf(byReason);
        this.current = InternalProtocolNegotiators.serverPlaintext();
    }

    /** New connections negotiate TLS with {@code ctx}; connections already open keep theirs. */
    void useTls(SslContext ctx) {
        InternalProtocolNegotiator.ProtocolNegotiator old = current;
        current = InternalProtocolNegotiators.serverTls(ctx);
        tls = true;
        old.close();
    }

    boolean allowed(SocketAddress remote) {
        return allow.isEmpty() || in(allow, remote);
    }

    /** Whether {@code remote} is a load balancer whose PROXY header is believed. */
    boolean trusted(SocketAddress remote) {
        return !trusted.isEmpty() && in(trusted, remote);
    }

    private static boolean in(List<Cidr> cidrs, SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress a) || a.getAddress() == null) {
            return false;
        }
        for (Cidr c : cidrs) {
            if (c.contains(a.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the client address of a PROXY header the transport's remote address. gRPC sets
     * {@code TRANSPORT_ATTR_REMOTE_ADDR} from the socket after the gate has run, so the gate cannot
     * set it itself; transport filters see the negotiated attributes last, and what they return is
     * what every call on the connection reads.
     */
    static final class ProxiedPeer extends ServerTransportFilter {
        @Override
        public Attributes transportReady(Attributes attrs) {
            InetSocketAddress client = attrs.get(PROXIED_CLIENT);
            if (client == null) {
                return attrs;
            }
            return attrs.toBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, client).discard(PROXIED_CLIENT).build();
        }
    }

    @Override
    public AsciiString scheme() {
        return current.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new Handler(current.newHandler(grpcHandler), tls);
    }

    @Override
    public void close() {
        current.close();
    }

    /** Counts and logs (rate-limited per reason and peer) a connection refused after its first bytes. */
    private void refused(String reason, SocketAddress remote, String format, Object... args) {
        rejected.get(reason).inc();
        Peer peer = Peer.of(remote);
        RL.warnPerGroup(reason, PEERS_LOGGED_PER_MINUTE, peer.address(), format, args);
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final ChannelHandler next;
        private final boolean watchTls;
        private boolean checked;
        /** plaintext: waiting for the first bytes to say what the peer speaks; {@code next} is not added yet */
        private boolean waiting;
        /** a trusted balancer's connection before its PROXY header is complete; {@code next} is not added yet */
        private boolean awaitingHeader;
        private boolean refused;
        /** the peer: the TCP peer, or the client a trusted balancer's PROXY header named */
        private SocketAddress remote;
        /** the client of a PROXY header, for the negotiation event; null without one */
        private InetSocketAddress proxiedClient;
        private ScheduledFuture<?> headerTimer;
        /** the first bytes, until they are classified (fewer than the 24 of the HTTP/2 preface, or a PROXY header, plus one read) */
        private ByteBuf opening;
        /** events for {@code next} (gRPC's negotiation event) held until it is added */
        private List<Object> heldEvents;

        Handler(ChannelHandler next, boolean watchTls) {
            this.next = next;
            this.watchTls = watchTls;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // an accepted socket is connected already; checking here means nothing was read yet
            if (ctx.channel().remoteAddress() != null) {
                check(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (check(ctx)) {
                ctx.fireChannelActive();
            }
        }

        /** Once per connection: closes a refused peer, or waits for a balancer's header, or puts the negotiator behind this gate. */
        private boolean check(ChannelHandlerContext ctx) {
            if (checked) {
                return ctx.channel().isOpen();
            }
            checked = true;
            remote = ctx.channel().remoteAddress();
            if (trusted(remote)) {
                // the allowlist is for the device the header names; the balancer itself is trusted
                awaitingHeader = true;
                headerTimer = ctx.executor().schedule(() -> headerTimedOut(ctx), headerTimeoutMillis, TimeUnit.MILLISECONDS);
                return true;
            }
            if (!allowed(remote)) {
                refusedByAllowlist.inc();
                RL.warn("allowlist", "dial-out connection from {} refused: not in teleflux.dialout.allow",
                        Peer.of(remote));
                ctx.close();
                return false;
            }
            admit(ctx);
            return true;
        }

        /** The peer is known and allowed: TLS goes on at once; plaintext waits for the first bytes. */
        private void admit(ChannelHandlerContext ctx) {
            if (watchTls) {
                ctx.pipeline().addAfter(ctx.name(), null, next);
                fireHeld(ctx);
            } else {
                // gRPC (and its HTTP/2 preface, a SETTINGS frame) only once the peer has said it speaks HTTP/2
                waiting = true;
            }
        }

        private void fireHeld(ChannelHandlerContext ctx) {
            if (heldEvents != null) {
                List<Object> events = heldEvents;
                heldEvents = null;
                events.forEach(e -> ctx.fireUserEventTriggered(withClient(e)));
            }
        }

        /** gRPC's negotiation event, carrying the PROXY header's client to {@link ProxiedPeer}. */
        private Object withClient(Object evt) {
            if (proxiedClient == null || !(evt instanceof ProtocolNegotiationEvent pne)) {
                return evt;
            }
            Attributes attrs = InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder()
                    .set(PROXIED_CLIENT, proxiedClient).build();
            return InternalProtocolNegotiationEvent.withAttributes(pne, attrs);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (waiting || awaitingHeader) {
                if (heldEvents == null) {
                    heldEvents = new ArrayList<>(2);
                }
                heldEvents.add(evt);
                return;
            }
            if (!refused) {
                ctx.fireUserEventTriggered(withClient(evt));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (awaitingHeader && msg instanceof ByteBuf in) {
                append(ctx, in);
                readHeader(ctx);
                return;
            }
            if (watchTls) {
                readTls(ctx, msg);
                return;
            }
            if (!waiting || !(msg instanceof ByteBuf in)) {
                ctx.fireChannelRead(msg);
                return;
            }
            append(ctx, in);
            classify(ctx);
        }

        private void append(ChannelHandlerContext ctx, ByteBuf in) {
            if (opening == null) {
                opening = in;
            } else {
                ByteBuf joined = ctx.alloc().buffer(opening.readableBytes() + in.readableBytes());
                joined.writeBytes(opening).writeBytes(in);
                opening.release();
                in.release();
                opening = joined;
            }
        }

        /** A trusted balancer's first bytes: its PROXY header (bounded: {@link ProxyHeader} decides within V2_MAX bytes). */
        private void readHeader(ChannelHandlerContext ctx) {
            byte[] head = new byte[Math.min(opening.readableBytes(), ProxyHeader.V2_MAX)];
            opening.getBytes(opening.readerIndex(), head);
            ProxyHeader.Result r = ProxyHeader.parse(head, head.length);
            switch (r) {
                case ProxyHeader.NeedMore m -> {
                    return;
                }
                case ProxyHeader.Invalid bad -> {
                    refuseHeader(ctx, "dial-out connection from load balancer {} refused: no valid PROXY protocol"
                            + " header ({}; first bytes {}); it is in teleflux.dialout.proxy-protocol.trusted, so it"
                            + " must send one (HAProxy: send-proxy-v2 on its server lines)", Peer.of(remote), bad.why(),
                            FirstBytes.hex(opening));
                    return;
                }
                case ProxyHeader.Local local -> opening.skipBytes(local.length());
                case ProxyHeader.Proxied p -> {
                    opening.skipBytes(p.length());
                    SocketAddress balancer = remote;
                    remote = p.source();
                    proxiedClient = p.source();
                    if (!allowed(remote)) {
                        refused = true;
                        awaitingHeader = false;
                        cancelHeaderTimer();
                        heldEvents = null;
                        releaseOpening();
                        refusedByAllowlist.inc();
                        RL.warn("allowlist", "dial-out connection from {} (through load balancer {}) refused: not in"
                                + " teleflux.dialout.allow", Peer.of(remote), Peer.of(balancer));
                        ctx.close();
                        return;
                    }
                }
            }
            awaitingHeader = false;
            cancelHeaderTimer();
            admit(ctx);
            ByteBuf rest = opening;
            opening = null;
            if (!rest.isReadable()) {
                rest.release();
            } else if (watchTls) {
                readTls(ctx, rest);
            } else {
                opening = rest;
                classify(ctx);
            }
        }

        private void refuseHeader(ChannelHandlerContext ctx, String format, Object... args) {
            awaitingHeader = false;
            refused = true;
            heldEvents = null;
            cancelHeaderTimer();
            refused("proxy_header", remote, format, args);
            releaseOpening();
            ctx.close();
        }

        private void headerTimedOut(ChannelHandlerContext ctx) {
            if (awaitingHeader && !refused && ctx.channel().isOpen()) {
                refuseHeader(ctx, "dial-out connection from load balancer {} closed: no complete PROXY protocol header"
                        + " within teleflux.dialout.proxy-protocol.header-timeout ({} ms, {} bytes received)",
                        Peer.of(remote), headerTimeoutMillis, opening == null ? 0 : opening.readableBytes());
            }
        }

        private void cancelHeaderTimer() {
            if (headerTimer != null) {
                headerTimer.cancel(false);
                headerTimer = null;
            }
        }

        /** Plaintext: what the first bytes say the peer speaks. */
        private void classify(ChannelHandlerContext ctx) {
            FirstBytes.Kind kind = FirstBytes.classify(opening);
            if (kind == FirstBytes.Kind.NEED_MORE) {
                return; // below 24 bytes, and the peer's next read decides
            }
            if (kind == FirstBytes.Kind.HTTP2) {
                pass(ctx);
            } else {
                refuse(ctx, kind);
            }
        }

        /** An HTTP/2 peer: gRPC behind a GOAWAY watch, then what was held and read, then this gate leaves. */
        private void pass(ChannelHandlerContext ctx) {
            waiting = false;
            SocketAddress peer = remote;
            GoAwayWatch watch = new GoAwayWatch((error, debug) -> protocolError(peer, error, debug));
            ctx.pipeline().addAfter(ctx.name(), null, watch);
            ctx.pipeline().addAfter(ctx.pipeline().context(watch).name(), null, next);
            fireHeld(ctx);
            ByteBuf b = opening;
            opening = null;
            ctx.fireChannelRead(b);
            ctx.pipeline().remove(this);
        }

        private void refuse(ChannelHandlerContext ctx, FirstBytes.Kind kind) {
            waiting = false;
            refused = true;
            heldEvents = null;
            Peer peer = Peer.of(remote);
            switch (kind) {
                case TLS -> refused(kind.reason, remote, "dial-out connection from {} refused: a TLS handshake on the"
                        + " plaintext port (the device has TLS on, `grpc pki domain`: enable teleflux.dialout.tls,"
                        + " or remove it on the device)", peer);
                case HTTP1 -> refused(kind.reason, remote, "dial-out connection from {} refused: an HTTP/1 request"
                        + " ({}), not gRPC over HTTP/2; answered 400", peer, FirstBytes.method(opening));
                case PROXY -> refusedUntrustedHeader(remote);
                default -> refused(kind.reason, remote, "dial-out connection from {} refused: not HTTP/2"
                        + " (first bytes {})", peer, FirstBytes.hex(opening));
            }
            releaseOpening();
            if (kind == FirstBytes.Kind.HTTP1) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(HTTP1_RESPONSE)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }

        private void readTls(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf in && startsWithProxyHeader(in)) {
                refused = true;
                ReferenceCountUtil.release(msg);
                refusedUntrustedHeader(remote);
                ctx.close();
                return;
            }
            ChannelHandlerContext sslCtx = ctx.pipeline().context(SslHandler.class);
            if (sslCtx != null) {
                SslHandler ssl = (SslHandler) sslCtx.handler();
                SocketAddress peerAddress = remote;
                // HTTP/2 runs behind TLS: watch what gRPC writes before it is encrypted
                ctx.pipeline().addAfter(sslCtx.name(), null,
                        new GoAwayWatch((error, debug) -> protocolError(peerAddress, error, debug)));
                ssl.handshakeFuture().addListener(f -> {
                    if (!f.isSuccess()) {
                        tlsFailures.inc();
                        String why = String.valueOf(f.cause());
                        if (why.length() > 200) {
                            why = why.substring(0, 200) + "..."; // "not an SSL/TLS record" dumps what was received
                        }
                        // once a minute per kind of failure and peer, at most PEERS_LOGGED_PER_MINUTE peers per
                        // kind: a bad device and a port scan do not hide each other, and a flood stays a few lines
                        Peer peer = Peer.of(peerAddress);
                        RL.warnPerGroup("tls:" + tlsFailureKind(f.cause()), PEERS_LOGGED_PER_MINUTE, peer.address(),
                                "dial-out TLS handshake with {} failed: {}", peer, why);
                    }
                });
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelHeaderTimer();
            if (awaitingHeader && opening != null && opening.isReadable()) {
                // a balancer that closed part-way through its header; one that sent nothing was a port check
                refuseHeader(ctx, "dial-out connection from load balancer {} closed after {} bytes of an incomplete"
                        + " PROXY protocol header ({})", Peer.of(remote), opening.readableBytes(), FirstBytes.hex(opening));
            } else if (waiting && opening != null && opening.isReadable()) {
                // closed part-way through its first bytes (a truncated preface, a lone byte): not HTTP/2
                waiting = false;
                refused = true;
                refused(FirstBytes.Kind.OTHER.reason, remote,
                        "dial-out connection from {} refused: not HTTP/2 (closed after {} bytes: {})",
                        Peer.of(remote), opening.readableBytes(), FirstBytes.hex(opening));
            }
            awaitingHeader = false;
            releaseOpening();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancelHeaderTimer();
            releaseOpening();
        }

        private void releaseOpening() {
            if (opening != null) {
                opening.release();
                opening = null;
            }
        }
    }

    /** TLS port: whether the first read starts with a whole PROXY header signature (a ClientHello never does). */
    private static boolean startsWithProxyHeader(ByteBuf in) {
        int n = Math.min(in.readableBytes(), ProxyHeader.V2_SIGNATURE.length);
        byte[] head = new byte[n];
        in.getBytes(in.readerIndex(), head);
        return ProxyHeader.startsWithSignature(head, n);
    }

    private void refusedUntrustedHeader(SocketAddress remote) {
        refused("proxy_untrusted", remote, "dial-out connection from {} refused: it sent a PROXY protocol header, but"
                + " only load balancers in teleflux.dialout.proxy-protocol.trusted may say who the device is (if {} is"
                + " your load balancer, add its address there)", Peer.of(remote), Peer.of(remote).address());
    }

    /**
     * The kind of a failed handshake, for rate-limiting: the exception and its message without the
     * bytes some messages quote ("not an SSL/TLS record: 8f3a..." differs for every connection).
     */
    static String tlsFailureKind(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String m = String.valueOf(cause.getMessage()).replaceAll("[0-9a-fA-F]{8,}", "..");
        String kind = cause.getClass().getSimpleName() + ": " + m;
        return kind.length() > 120 ? kind.substring(0, 120) : kind;
    }

    private void protocolError(SocketAddress remote, String error, String debug) {
        refused("protocol_error", remote, "dial-out connection from {} closed on an HTTP/2 protocol error: {}{}",
                Peer.of(remote), error, debug.isEmpty() ? "" : " (" + debug + ")");
    }
}
