package io.teleflux;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.proto.h3cv3.gRPCDialoutV3Grpc;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad v3 input against a real collector writing to a real influxd, while a healthy device streams
 * throughout on a stream of its own: every bad message is counted under its reason, the good
 * message that follows it on the SAME stream is stored, a message over max-message-size ends only
 * its own stream, a client that never asks for responses is served like any other, and the healthy
 * device loses not one sample.
 */
class H3cV3BadInputIT {
    static InfluxdFixture influx;
    static Collector collector;
    static ManagedChannel channel;
    static final long T = System.currentTimeMillis() / 1000 * 1000 - 600_000;

    @BeforeAll
    static void start() throws Exception {
        influx = InfluxdFixture.launch();
        collector = TestCollector.start(TestCollector.v1(influx.url())
                + "teleflux.dialout.max-message-size = 64 KiB\nteleflux.dialout.chunk-timeout = 2s\n");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dialoutPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (collector != null) {
            collector.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    static Telemetry.Builder telemetry(String device, String iface, long ts, long inOctets) {
        return Telemetry.newBuilder().setProducerName("H3C").setNodeIdStr(device).setProductName("S6530X")
                .setSensorPath("Ifmgr/Statistics").setMsgTimestamp(ts).setExceptDesc("OK")
                .setDataStr("{\"Statistics\":{\"Interface\":[{\"IfIndex\":7,\"Name\":\"" + iface + "\",\"InOctets\":"
                        + inOctets + ",\"OutOctets\":99}]}}");
    }

    static DialoutV3Args args(Telemetry t) {
        return DialoutV3Args.newBuilder().setReqId(1).setData(t.toByteString()).build();
    }

    /** A bidirectional call; {@link #end} completes with its status, {@link #answers} counts its responses. */
    static final class Call {
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final AtomicInteger answers = new AtomicInteger();
        final StreamObserver<DialoutV3Args> req = gRPCDialoutV3Grpc.newStub(channel).dialoutV3(new StreamObserver<>() {
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

        Status finish(DialoutV3Args... msgs) throws Exception {
            for (DialoutV3Args m : msgs) {
                req.onNext(m);
            }
            req.onCompleted();
            return end.get(30, TimeUnit.SECONDS);
        }
    }

    static double counter(String name, String reason) {
        return collector.metrics().value(name, "reason", reason);
    }

    /** The stored in_octets of a series, in time order, once there are {@code expected} of them (or after 30 s). */
    static List<Object> stored(String device, String iface, int expected) throws InterruptedException {
        String q = "SELECT in_octets FROM interface WHERE device = '" + device + "' AND interface = '" + iface + "'";
        List<Object> v = new ArrayList<>();
        TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            v.clear();
            if (!r.isEmpty()) {
                v.addAll(r.single().column("in_octets"));
            }
            return v.size() >= expected;
        });
        return v;
    }

    @Test
    void badInputIsCountedAndNothingElseIsLost() throws Exception {
        // the healthy device: one sample every 50 ms for as long as the bad input lasts
        AtomicBoolean stop = new AtomicBoolean();
        Call healthy = new Call();
        AtomicInteger healthySent = new AtomicInteger();
        Thread pump = Thread.ofPlatform().name("healthy-device").start(() -> {
            while (!stop.get()) {
                int i = healthySent.getAndIncrement();
                healthy.req.onNext(args(telemetry("good-sw", "GE1/0/1", T + i * 1000L, 1000L * i).build()));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Telemetry good = telemetry("bad-sw", "GE1/0/9", T, 42).build();
        ByteString whole = good.toByteString();
        List<DialoutV3Args> bad = List.of(
                DialoutV3Args.newBuilder().setData(ByteString.copyFrom(new byte[]{0x0a, 0x7f, 1, 2})).build(),
                args(telemetry("bad-sw", "GE1/0/9", T, 1).setDataStr("{\"Statistics\":{\"Interface\":[").build()),
                args(telemetry("bad-sw", "GE1/0/9", T, 1).setEncodingValue(9).build()),
                args(telemetry("bad-sw", "GE1/0/9", T, 1).clearNodeIdStr().build()),
                args(telemetry("bad-sw", "GE1/0/9", T, 1).clearDataStr().setEncoding(Telemetry.Encoding.Encoding_GPB)
                        .setDataGpb(TelemetryGPBTable.newBuilder().addRow(TelemetryRowGPB.newBuilder()
                                .setContent(ByteString.copyFrom(new byte[]{0x0a, 0x09, 1})))).build()),
                DialoutV3Args.newBuilder().setReqId(3).build(),
                DialoutV3Args.newBuilder().setErrors("collection failed").build(),
                // a totalSize over max-message-size: refused before anything is held
                DialoutV3Args.newBuilder().setTotalSize(10 << 20).setData(ByteString.copyFrom(new byte[1000])).build(),
                // half of a chunked message, then a whole one: the half is dropped as restarted
                DialoutV3Args.newBuilder().setTotalSize(whole.size()).setData(whole.substring(0, 10)).build());
        List<String> reasons = List.of("errors:malformed_protobuf", "errors:malformed_json", "warnings:unknown_encoding",
                "errors:missing_device", "errors:malformed_gpb_row", "warnings:empty_message", "warnings:device_error",
                "errors:chunk_too_large", "errors:chunk_restart");
        for (int i = 0; i < bad.size(); i++) {
            String[] r = reasons.get(i).split(":");
            String family = "teleflux_decode_" + r[0] + "_total";
            double before = counter(family, r[1]);
            Call c = new Call();
            long ts = T + (i + 1) * 1000L;
            assertThat(c.finish(bad.get(i), args(telemetry("bad-sw", "GE1/0/9", ts, 100 + i).build())).getCode())
                    .as(reasons.get(i)).isEqualTo(Status.Code.OK);
            assertThat(c.answers.get()).isZero();
            assertThat(counter(family, r[1])).as(reasons.get(i)).isEqualTo(before + 1);
        }
        // the good message after each bad one, on the same stream; and the message of unknown encoding
        // itself (at T), decoded by what it carries
        List<Object> expected = new ArrayList<>(List.of(1L));
        for (int i = 0; i < bad.size(); i++) {
            expected.add(100L + i);
        }
        assertThat(stored("bad-sw", "GE1/0/9", expected.size())).isEqualTo(expected);

        // an incomplete chunked message at the end of a stream, and one left to time out
        Call halfThenEnd = new Call();
        assertThat(halfThenEnd.finish(DialoutV3Args.newBuilder().setTotalSize(whole.size()).setData(whole.substring(0, 10))
                .build()).getCode()).isEqualTo(Status.Code.OK);
        assertThat(TestCollector.await(10, () -> counter("teleflux_decode_errors_total", "chunk_incomplete") == 1)).isTrue();
        Call idle = new Call();
        idle.req.onNext(DialoutV3Args.newBuilder().setTotalSize(whole.size()).setData(whole.substring(0, 10)).build());
        assertThat(TestCollector.await(10, () -> counter("teleflux_decode_errors_total", "chunk_timeout") == 1)).isTrue();
        assertThat(collector.metrics().value("teleflux_dialout_chunk_buffer_bytes")).isZero();
        idle.req.onCompleted();
        assertThat(idle.end.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);

        // a gRPC message over max-message-size ends its own stream only
        Call huge = new Call();
        huge.req.onNext(args(telemetry("bad-sw", "GE1/0/9", T, 1).setDataStr("x".repeat(100_000)).build()));
        assertThat(huge.end.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        // a client that never asks for responses: served, and its call ends OK
        ClientCall<DialoutV3Args, DialoutV3Args> raw = channel.newCall(gRPCDialoutV3Grpc.getDialoutV3Method(), CallOptions.DEFAULT);
        CompletableFuture<Status> rawEnd = new CompletableFuture<>();
        raw.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                rawEnd.complete(status);
            }
        }, new Metadata());
        raw.sendMessage(args(telemetry("deaf-sw", "GE1/0/1", T, 5).build()));
        raw.halfClose();
        assertThat(rawEnd.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(stored("deaf-sw", "GE1/0/1", 1)).containsExactly(5L);

        stop.set(true);
        pump.join();
        assertThat(healthy.finish().getCode()).isEqualTo(Status.Code.OK);
        int n = healthySent.get();
        assertThat(n).isGreaterThan(20);
        List<Object> values = stored("good-sw", "GE1/0/1", n);
        assertThat(values).as("every sample of the healthy device").hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(values.get(i)).isEqualTo(1000L * i);
        }
        assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "good-sw")).isEqualTo(n);
    }
}
