package io.teleflux.dialout;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.teleflux.config.Cidr;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The first handler of every accepted connection, ahead of TLS and HTTP/2.
 *
 * <p>A peer outside {@code teleflux.dialout.allow} is closed as soon as the connection is set up,
 * before a single byte is read from it, so it never reaches the TLS handshake or the HTTP/2 parser.
 * Any other connection gets the current protocol negotiator (plaintext, or TLS with the current
 * certificates: {@link #useTls} swaps it for later connections), and on its first bytes the gate
 * watches the TLS handshake and counts a failure. A connection that closes without sending
 * anything (a port probe) is not a TLS failure and is not counted.
 *
 * <p>This uses grpc-netty's {@code Internal*} negotiator API: the public builder has no hook that
 * runs before the handshake. The dial-out integration tests exercise every path through it.
 */
final class ConnectionGate implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);

    private final List<Cidr> allow;
    private final Metrics.Counter refusedByAllowlist;
    private final Metrics.Counter tlsFailures;
    private volatile InternalProtocolNegotiator.ProtocolNegotiator current;
    private volatile boolean tls;

    ConnectionGate(List<Cidr> allow, Metrics metrics) {
        this.allow = List.copyOf(allow);
        this.refusedByAllowlist = metrics.counter(DialoutServer.REJECTED, "reason", "allowlist");
        this.tlsFailures = metrics.counter(DialoutServer.REJECTED, "reason", "tls");
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
        if (allow.isEmpty()) {
            return true;
        }
        if (!(remote instanceof InetSocketAddress a) || a.getAddress() == null) {
            return false;
        }
        for (Cidr c : allow) {
            if (c.contains(a.getAddress())) {
                return true;
            }
        }
        return false;
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

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final ChannelHandler next;
        private final boolean watchTls;
        private boolean checked;

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

        /** Once per connection: closes a refused peer, or puts the negotiator behind this gate. */
        private boolean check(ChannelHandlerContext ctx) {
            if (checked) {
                return ctx.channel().isOpen();
            }
            checked = true;
            SocketAddress remote = ctx.channel().remoteAddress();
            if (!allowed(remote)) {
                refusedByAllowlist.inc();
                RL.warn("allowlist", "dial-out connection from {} refused: not in teleflux.dialout.allow",
                        Peer.of(remote));
                ctx.close();
                return false;
            }
            ctx.pipeline().addAfter(ctx.name(), null, next);
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (watchTls) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    SocketAddress remote = ctx.channel().remoteAddress();
                    ssl.handshakeFuture().addListener(f -> {
                        if (!f.isSuccess()) {
                            tlsFailures.inc();
                            String why = String.valueOf(f.cause());
                            if (why.length() > 200) {
                                why = why.substring(0, 200) + "..."; // "not an SSL/TLS record" dumps what was received
                            }
                            // once a minute per kind of failure: a bad device and a port scan do not hide each other
                            RL.warn("tls:" + why.substring(0, Math.min(why.length(), 120)),
                                    "dial-out TLS handshake with {} failed: {}", Peer.of(remote), why);
                        }
                    });
                }
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }
}
