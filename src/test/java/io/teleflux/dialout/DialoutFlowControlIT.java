package io.teleflux.dialout;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.config.HostPort;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.dialout.h3c.H3cDialoutService;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow control on a real gRPC connection: while the pipeline behind the decoder is blocked, the
 * decode queue fills, the stream is paused, the device's side stops being ready; when the
 * pipeline resumes, every message is decoded — none is dropped.
 */
class DialoutFlowControlIT {

    static String stats(int i) {
        return "{\"Notification\":{\"Timestamp\":\"" + (1_700_000_000_000L + i * 1000L)
                + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"IfIndex\":1,\"Name\":\"GE1/0/1\",\"InOctets\":" + i
                + ",\"Pad\":\"" + "x".repeat(4000) + "\"}]}}}}";
    }

    @Test
    void aBlockedPipelinePausesTheStreamAndLosesNothing() throws Exception {
        Metrics metrics = new Metrics();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        // the sink blocks, as the writer does when InfluxDB is down and its queue is full
        DialoutConfig cfg = new DialoutConfig(true, new HostPort("127.0.0.1", 0), 1 << 20, 1, 16 * 1024,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        DialoutServer server = new DialoutServer(cfg, metrics);
        server.register(new H3cDialoutService(new H3cDecoder(metrics), server.context(points -> {
            release.await();
            delivered.addAndGet((int) points.stream().filter(p -> p.measurement().equals("interface")).count());
        })));
        server.start();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            int total = 400; // ~1.6 MB: far more than the 16 KiB decode queue and gRPC's windows hold
            DeviceInfo dev = DeviceInfo.newBuilder().setDeviceName("fc-sw").build();
            CompletableFuture<DialoutResponse> done = new CompletableFuture<>();
            AtomicInteger sent = new AtomicInteger();
            CountDownLatch notReady = new CountDownLatch(1);
            GRPCDialoutGrpc.newStub(ch).dialout(new ClientResponseObserver<DialoutMsg, DialoutResponse>() {
                ClientCallStreamObserver<DialoutMsg> req;

                @Override
                public void beforeStart(ClientCallStreamObserver<DialoutMsg> requestStream) {
                    req = requestStream;
                    requestStream.setOnReadyHandler(this::pump);
                }

                private synchronized void pump() {
                    while (sent.get() < total) {
                        if (!req.isReady()) {
                            notReady.countDown();
                            return;
                        }
                        int i = sent.getAndIncrement();
                        req.onNext(DialoutMsg.newBuilder().setDeviceMsg(dev).setSensorPath("Ifmgr/Statistics")
                                .setJsonData(stats(i)).build());
                    }
                    if (sent.get() == total) {
                        sent.incrementAndGet();
                        req.onCompleted();
                    }
                }

                @Override
                public void onNext(DialoutResponse value) {
                    done.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });

            assertThat(notReady.await(30, TimeUnit.SECONDS)).as("the device's side stops being writable").isTrue();
            assertThat(waitFor(() -> metrics.value("teleflux_dialout_streams_waiting") == 1)).isTrue();
            assertThat(metrics.value("teleflux_dialout_flow_paused_total")).isGreaterThan(0);
            assertThat(sent.get()).isLessThan(total);
            assertThat(metrics.value("teleflux_dialout_queue_bytes")).isLessThanOrEqualTo(16 * 1024 + 8 * 1024);

            release.countDown();
            assertThat(done.get(60, TimeUnit.SECONDS).getResponse()).isEqualTo("ok");
            assertThat(delivered.get()).isEqualTo(total);
            assertThat(metrics.sum("teleflux_decode_errors_total")).isZero();
            assertThat(metrics.value("teleflux_dialout_queue_bytes")).isZero();
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop(2_000);
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 300 && !c.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        return c.getAsBoolean();
    }
}
