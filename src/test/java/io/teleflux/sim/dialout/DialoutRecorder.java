package io.teleflux.sim.dialout;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC dial-out server on 127.0.0.1 that records every message. It reads with manual flow
 * control, so a test can stop reading one device's stream (after its first message) the way an
 * overloaded collector would, and resume later.
 */
final class DialoutRecorder implements AutoCloseable {
    final ConcurrentLinkedQueue<DialoutMsg> messages = new ConcurrentLinkedQueue<>();
    final AtomicInteger streamsOpened = new AtomicInteger();
    final AtomicInteger streamsCompleted = new AtomicInteger();
    final AtomicInteger streamsFailed = new AtomicInteger();
    final Set<String> completedDevices = ConcurrentHashMap.newKeySet();
    private final Set<String> stall;
    private final Map<String, ServerCallStreamObserver<DialoutResponse>> stalled = new ConcurrentHashMap<>();
    private final Server server;

    private DialoutRecorder(int port, int flowControlWindow, Set<String> stall) throws IOException {
        this.stall = stall;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new Service())
                .maxInboundMessageSize(64 * 1024 * 1024)
                .flowControlWindow(flowControlWindow)
                .build()
                .start();
    }

    static DialoutRecorder start(int port) throws IOException {
        return new DialoutRecorder(port, 1024 * 1024, Set.of());
    }

    /** Stops reading each of {@code devices}' streams after its first message, with a small HTTP/2 window. */
    static DialoutRecorder stalling(Set<String> devices) throws IOException {
        return new DialoutRecorder(0, 64 * 1024, devices);
    }

    int port() {
        return server.getPort();
    }

    List<DialoutMsg> of(String device) {
        return messages.stream().filter(m -> m.getDeviceMsg().getDeviceName().equals(device)).toList();
    }

    long count(String device, String path) {
        return messages.stream().filter(m -> m.getDeviceMsg().getDeviceName().equals(device)
                && m.getSensorPath().equals(path)).count();
    }

    boolean isStalled(String device) {
        return stalled.containsKey(device);
    }

    /** Resumes reading a stalled device's stream. */
    void release(String device) {
        ServerCallStreamObserver<DialoutResponse> call = stalled.remove(device);
        if (call != null) {
            call.request(Integer.MAX_VALUE);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!server.isTerminated()) {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private final class Service extends GRPCDialoutGrpc.GRPCDialoutImplBase {
        @Override
        public StreamObserver<DialoutMsg> dialout(StreamObserver<DialoutResponse> responses) {
            ServerCallStreamObserver<DialoutResponse> call = (ServerCallStreamObserver<DialoutResponse>) responses;
            call.disableAutoRequest();
            call.request(1);
            streamsOpened.incrementAndGet();
            return new StreamObserver<>() {
                private String device;

                @Override
                public void onNext(DialoutMsg msg) {
                    device = msg.getDeviceMsg().getDeviceName();
                    messages.add(msg);
                    if (stall.contains(device) && !stalled.containsKey(device) && stalledOnce.add(device)) {
                        stalled.put(device, call);
                    } else {
                        call.request(1);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    streamsFailed.incrementAndGet();
                }

                @Override
                public void onCompleted() {
                    streamsCompleted.incrementAndGet();
                    if (device != null) {
                        completedDevices.add(device);
                    }
                    responses.onNext(DialoutResponse.newBuilder().setResponse("ok").build());
                    responses.onCompleted();
                }
            };
        }
    }

    private final Set<String> stalledOnce = ConcurrentHashMap.newKeySet();
}
