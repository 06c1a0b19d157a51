package io.teleflux.sim.dialout;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.teleflux.config.HostPort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The one place device channels are built. Every device gets its own channel, as every real device
 * has its own TCP connection, but all share one event loop group, one executor and (with TLS) one
 * client TLS context, so thousands of devices cost a few threads.
 */
final class ChannelFactory implements AutoCloseable {
    private final EventLoopGroup group;
    private final Executor executor;
    private final SslContext tls;
    private final String serverName;

    ChannelFactory(int eventLoopThreads, Executor executor) {
        this(eventLoopThreads, executor, null);
    }

    /** @param tls null for plaintext */
    ChannelFactory(int eventLoopThreads, Executor executor, ClientTls tls) {
        this.tls = tls == null ? null : sslContext(tls);
        this.serverName = tls == null ? null : tls.serverName();
        this.group = new MultiThreadIoEventLoopGroup(eventLoopThreads, new DefaultThreadFactory("sim-netty", true),
                NioIoHandler.newFactory());
        this.executor = executor;
    }

    private static SslContext sslContext(ClientTls t) {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient().protocols("TLSv1.3", "TLSv1.2");
            if (t.ca() != null) {
                b.trustManager(t.ca().toFile());
            }
            if (t.cert() != null) {
                b.keyManager(t.cert().toFile(), t.key().toFile());
            }
            return b.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("cannot load the simulator's TLS files: " + e.getMessage(), e));
        }
    }

    ManagedChannel open(HostPort target) {
        // Keepalive stays off (the builder's default): real devices do not ping.
        // Retries would buffer the never-ending stream for replay; a device just redials instead.
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(target.host(), target.port())
                .eventLoopGroup(group)
                .channelType(NioSocketChannel.class)
                .executor(executor)
                .disableRetry()
                .userAgent("teleflux-sim");
        if (tls == null) {
            b.usePlaintext();
        } else {
            b.sslContext(tls);
            if (serverName != null) {
                b.overrideAuthority(serverName);
            }
        }
        return b.build();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
