package io.teleflux.bench;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A dial-out server that reads each message's bytes and drops them: the cheapest receiver there
 * is, so a run against it shows how many messages per second the generator can send at most.
 */
final class NullDialoutSink implements ServerUnderTest {
    private final LongAdder messages = new LongAdder();
    private final Server server;

    NullDialoutSink() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(GRPCDialoutGrpc.SERVICE_NAME)
                .addMethod(ReplayGenerator.DIALOUT_BYTES, ServerCalls.asyncClientStreamingCall(this::open))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(service).build().start();
    }

    @Override
    public String name() {
        return "null sink";
    }

    @Override
    public int port() {
        return server.getPort();
    }

    /** The sink runs inside the driver, so its CPU time is the driver's, generator included. */
    @Override
    public long pid() {
        return ProcCpu.self();
    }

    @Override
    public long messages() {
        return messages.sum();
    }

    @Override
    public long points() {
        return -1;
    }

    private StreamObserver<byte[]> open(StreamObserver<DialoutResponse> response) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                messages.increment();
            }

            @Override
            public void onError(Throwable t) {
                // the generator went away; nothing to answer
            }

            @Override
            public void onCompleted() {
                response.onNext(DialoutResponse.newBuilder().setResponse("ok").build());
                response.onCompleted();
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
