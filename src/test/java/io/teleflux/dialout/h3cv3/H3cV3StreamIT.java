package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.teleflux.config.HostPort;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.dialout.DialoutServer;
import io.teleflux.dialout.h3c.H3cDialoutService;
import io.teleflux.point.Point;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.proto.h3cv3.gRPCDialoutV3Grpc;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The v3 service on a real gRPC server beside the classic one: a bidirectional stream carrying a
 * JSON message, a GPB message chunked by totalSize and an error report; the server answers no
 * message, and ends the call with OK once the device half-closes.
 */
class H3cV3StreamIT {

    @Test
    void aDeviceStreamsJsonAndChunkedGpbAndGetsNoAnswerButOk() throws Exception {
        Metrics metrics = new Metrics();
        List<Point> points = new CopyOnWriteArrayList<>();
        DialoutConfig cfg = new DialoutConfig(true, new HostPort("127.0.0.1", 0), 1 << 20, 2, 1 << 20,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        DialoutServer server = new DialoutServer(cfg, metrics);
        server.register(H3cDialoutService.create(server.context(points::addAll)));
        server.register(H3cV3DialoutService.create(server.context(points::addAll)));
        server.start();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            AtomicInteger answers = new AtomicInteger();
            CompletableFuture<Status> end = new CompletableFuture<>();
            AtomicReference<Metadata> headers = new AtomicReference<>();
            StreamObserver<DialoutV3Args> req = gRPCDialoutV3Grpc.newStub(ch)
                    .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
                    .dialoutV3(new StreamObserver<>() {
                        @Override
                        public void onNext(DialoutV3Args value) {
                            answers.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            end.complete(Status.OK);
                        }
                    });
            Telemetry json = Telemetry.newBuilder().setProducerName("H3C").setNodeIdStr("v3-sw1")
                    .setProductName("S6530X").setSensorPath("Ifmgr/Statistics").setMsgTimestamp(1_718_000_000_123L)
                    .setDataStr("{\"Statistics\":{\"Interface\":[{\"IfIndex\":1,\"Name\":\"GE1/0/1\",\"InOctets\":5}]}}")
                    .build();
            req.onNext(DialoutV3Args.newBuilder().setReqId(1).setData(json.toByteString()).build());

            TelemetryGPBTable.Builder rows = TelemetryGPBTable.newBuilder();
            for (int i = 0; i < 200; i++) {
                rows.addRow(TelemetryRowGPB.newBuilder().setTimestamp(1_718_000_000_200L)
                        .setContent(Wire.message().message(1, Wire.message().message(1,
                                Wire.message().varint(1, i).text(2, "GE1/0/" + i).varint(3, 1000L * i))).toByteString()));
            }
            Telemetry gpb = json.toBuilder().clearDataStr().setEncoding(Telemetry.Encoding.Encoding_GPB)
                    .setDataGpb(rows).build();
            ByteString all = gpb.toByteString();
            int pieces = 0;
            for (int off = 0; off < all.size(); off += 1000, pieces++) {
                req.onNext(DialoutV3Args.newBuilder().setReqId(2).setTotalSize(all.size())
                        .setData(all.substring(off, Math.min(all.size(), off + 1000))).build());
            }
            assertThat(pieces).isGreaterThan(3);
            req.onNext(DialoutV3Args.newBuilder().setReqId(3).setErrors("sensor path not supported").build());
            req.onCompleted();

            assertThat(end.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            assertThat(answers.get()).as("messages on the response stream").isZero();
            assertThat(points.stream().filter(p -> p.measurement().equals("interface")).count()).isEqualTo(1);
            assertThat(points.stream().filter(p -> p.measurement().equals("h3c_ifmgr_statistics")).count()).isEqualTo(200);
            assertThat(points.stream().filter(p -> p.measurement().equals("h3c_ifmgr_statistics"))
                    .filter(p -> "GE1/0/199".equals(p.tag("f1_f1_f2"))).findFirst().orElseThrow().field("f1_f1_f3"))
                    .isEqualTo(199_000L);
            assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "device_error")).isEqualTo(1);
            assertThat(metrics.value("teleflux_dialout_messages_total", "device", "v3-sw1")).isEqualTo(2);
            assertThat(metrics.value("teleflux_dialout_chunk_buffer_bytes")).isZero();
            assertThat(metrics.sum("teleflux_decode_errors_total")).isZero();

            // the classic service on the same listener is untouched
            CompletableFuture<DialoutResponse> classic = new CompletableFuture<>();
            StreamObserver<DialoutMsg> c = GRPCDialoutGrpc.newStub(ch).dialout(new StreamObserver<>() {
                @Override
                public void onNext(DialoutResponse value) {
                    classic.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    classic.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });
            c.onNext(DialoutMsg.newBuilder().setDeviceMsg(DeviceInfo.newBuilder().setDeviceName("classic-sw"))
                    .setSensorPath("Ifmgr/Statistics").setJsonData("{\"Notification\":{\"Timestamp\":1,"
                            + "\"Ifmgr\":{\"Statistics\":{\"Interface\":{\"Name\":\"GE1/0/1\",\"InOctets\":1}}}}}")
                    .build());
            c.onCompleted();
            assertThat(classic.get(30, TimeUnit.SECONDS).getResponse()).isEqualTo("ok");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop(2_000);
        }
    }
}
