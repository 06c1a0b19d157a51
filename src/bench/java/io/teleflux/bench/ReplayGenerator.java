package io.teleflux.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load: one dial-out stream per device of a {@link ReplayCorpus}, each on its own channel (as
 * every device has its own TCP connection), sending as fast as the server's flow control lets it:
 * a message whenever the stream {@code isReady()}, nothing buffered beyond that.
 *
 * <p>It calls the generated service's method {@code grpc_dialout.GRPCDialout/Dialout} with the
 * request marshaller swapped for one that passes the corpus's serialized DialoutMsg bytes through.
 */
final class ReplayGenerator implements AutoCloseable {
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], DialoutResponse> DIALOUT_BYTES = GRPCDialoutGrpc.getDialoutMethod()
            .toBuilder(BYTES, GRPCDialoutGrpc.getDialoutMethod().getResponseMarshaller()).build();

    private final ReplayCorpus corpus;
    private final EventLoopGroup group;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Feed> feeds = new ArrayList<>();
    private final LongAdder sent = new LongAdder();

    ReplayGenerator(ReplayCorpus corpus, int port) {
        this.corpus = corpus;
        this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("gen-netty", true), NioIoHandler.newFactory());
        for (int d = 0; d < corpus.devices(); d++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .eventLoopGroup(group).channelType(NioSocketChannel.class)
                    .directExecutor().usePlaintext().disableRetry().userAgent("teleflux-bench")
                    .build();
            channels.add(ch);
            feeds.add(new Feed(d));
        }
    }

    void start() {
        for (int d = 0; d < feeds.size(); d++) {
            ClientCalls.asyncClientStreamingCall(channels.get(d).newCall(DIALOUT_BYTES, CallOptions.DEFAULT), feeds.get(d));
        }
    }

    /**
     * Stops sending until {@link #resume()}; the streams stay open and every message keeps its own
     * timestamp, so the server sees a device that paused, not one that started over.
     */
    void pause() {
        for (Feed f : feeds) {
            f.setPaused(true);
        }
    }

    void resume() {
        for (Feed f : feeds) {
            f.setPaused(false);
        }
    }

    /** Messages handed to gRPC so far (the server has them or will read them next). */
    long sent() {
        return sent.sum();
    }

    /** The first stream that failed, or null: a server that ends streams invalidates its figures. */
    Throwable failure() {
        for (Feed f : feeds) {
            if (f.done.isCompletedExceptionally()) {
                try {
                    f.done.getNow(null);
                } catch (Exception e) {
                    return e.getCause() == null ? e : e.getCause();
                }
            }
        }
        return null;
    }

    /** Stops sending, half-closes every stream and waits (bounded) for the servers' responses. */
    @Override
    public void close() throws InterruptedException {
        for (Feed f : feeds) {
            f.finish();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Feed f : feeds) {
            try {
                f.done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // reported through failure() while running; at the end only the shutdown matters
            }
        }
        for (ManagedChannel ch : channels) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels) {
            ch.awaitTermination(10, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** One device's stream. gRPC calls its handlers one at a time; finish() comes from another thread. */
    private final class Feed implements ClientResponseObserver<byte[], DialoutResponse> {
        private final int device;
        private final CompletableFuture<DialoutResponse> done = new CompletableFuture<>();
        private ClientCallStreamObserver<byte[]> request;
        private long seq;
        private boolean finished;
        private boolean paused;

        Feed(int device) {
            this.device = device;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            request = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
            requestStream.setOnReadyHandler(this::pump);
        }

        private synchronized void pump() {
            while (!finished && !paused && request != null && request.isReady()) {
                request.onNext(corpus.message(device, seq++));
                sent.increment();
            }
        }

        synchronized void setPaused(boolean p) {
            paused = p;
            if (!p) {
                pump(); // the stream may have been ready all along: onReady comes only on a change
            }
        }

        synchronized void finish() {
            if (!finished) {
                finished = true;
                if (!done.isDone()) {
                    request.onCompleted();
                }
            }
        }

        @Override
        public void onNext(DialoutResponse value) {
            // the response's content does not matter, as for devices
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }
}
