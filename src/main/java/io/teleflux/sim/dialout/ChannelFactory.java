package io.teleflux.sim.dialout;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.teleflux.config.HostPort;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The one place device channels are built (TLS will be added here). Every device gets its own
 * channel, as every real device has its own TCP connection, but all share one event loop group and
 * one executor, so thousands of devices cost a few threads.
 */
final class ChannelFactory implements AutoCloseable {
    private final EventLoopGroup group;
    private final Executor executor;

    ChannelFactory(int eventLoopThreads, Executor executor) {
        this.group = new MultiThreadIoEventLoopGroup(eventLoopThreads, new DefaultThreadFactory("sim-netty", true),
                NioIoHandler.newFactory());
        this.executor = executor;
    }

    ManagedChannel open(HostPort target) {
        // Keepalive stays off (the builder's default): real devices do not ping.
        // Retries would buffer the never-ending stream for replay; a device just redials instead.
        return NettyChannelBuilder.forAddress(target.host(), target.port())
                .eventLoopGroup(group)
                .channelType(NioSocketChannel.class)
                .executor(executor)
                .usePlaintext()
                .disableRetry()
                .userAgent("teleflux-sim")
                .build();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
