package io.teleflux;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of bad input from the issue, sent by a raw gRPC client to a real collector writing to
 * a real influxd: each is counted under its reason, and a good message that follows on the SAME
 * stream is stored.
 */
class DialoutBadInputIT {
    static InfluxdFixture influx;
    static Collector collector;
    static ManagedChannel channel;
    static final AtomicInteger MARK = new AtomicInteger();
    static final long T = System.currentTimeMillis() / 1000 * 1000 - 120_000;

    @BeforeAll
    static void start() throws Exception {
        influx = InfluxdFixture.launch();
        collector = TestCollector.start(TestCollector.v1(influx.url()) + "teleflux.dialout.max-message-size = 64 KiB\n");
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

    static DeviceInfo device(String name) {
        return DeviceInfo.newBuilder().setProducerName("H3C").setDeviceName(name).setDeviceModel("S6850").build();
    }

    static String stats(String iface, long ts, String inOctets) {
        return "{\"Notification\":{\"Timestamp\":\"" + ts + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"IfIndex\":7,\"Name\":\""
                + iface.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"InOctets\":" + inOctets + ",\"OutOctets\":99}]}}}}";
    }

    static DialoutMsg msg(String device, String path, String json) {
        DialoutMsg.Builder b = DialoutMsg.newBuilder().setJsonData(json);
        if (device != null) {
            b.setDeviceMsg(device(device));
        }
        if (path != null) {
            b.setSensorPath(path);
        }
        return b.build();
    }

    /** Sends the messages on one stream and waits for the server's answer. */
    static DialoutResponse stream(DialoutMsg... msgs) throws Exception {
        CompletableFuture<DialoutResponse> done = new CompletableFuture<>();
        StreamObserver<DialoutMsg> req = GRPCDialoutGrpc.newStub(channel).dialout(new StreamObserver<>() {
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
                done.complete(null);
            }
        });
        for (DialoutMsg m : msgs) {
            req.onNext(m);
        }
        req.onCompleted();
        return done.get(30, TimeUnit.SECONDS);
    }

    static double counter(String name, String... labels) {
        return collector.metrics().value(name, labels);
    }

    static Object stored(String device, String iface, String field) throws InterruptedException {
        String q = "SELECT " + field + " FROM interface WHERE device = '" + esc(device) + "' AND interface = '" + esc(iface) + "'";
        Object[] v = new Object[1];
        TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            if (r.isEmpty()) {
                return false;
            }
            v[0] = r.single().value(0, field);
            return true;
        });
        return v[0];
    }

    static String esc(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }

    static Stream<Arguments> badMessages() {
        String dev = "bad-sw";
        return Stream.of(
                Arguments.of("malformed JSON", msg(dev, "Ifmgr/Statistics", "{\"Notification\":{\"Ifmgr\" 12}"),
                        "teleflux_decode_errors_total", "malformed_json"),
                Arguments.of("truncated JSON", msg(dev, "Ifmgr/Statistics", stats("x", T, "1").substring(0, 60)),
                        "teleflux_decode_errors_total", "malformed_json"),
                Arguments.of("empty jsonData", msg(dev, "Ifmgr/Statistics", ""),
                        "teleflux_decode_errors_total", "empty_json"),
                Arguments.of("JSON array, not an object", msg(dev, "Ifmgr/Statistics", "[1,2,3]"),
                        "teleflux_decode_errors_total", "not_object"),
                Arguments.of("JSON string, not an object", msg(dev, "Ifmgr/Statistics", "\"hello\""),
                        "teleflux_decode_errors_total", "not_object"),
                Arguments.of("rows with no usable fields", msg(dev, "Ifmgr/Statistics",
                                "{\"Notification\":{\"Timestamp\":\"" + T + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"GE1\",\"LastClear\":\"--\"}]}}}}"),
                        "teleflux_decode_errors_total", "no_usable_rows"),
                Arguments.of("missing deviceMsg on the first message", msg(null, "Ifmgr/Statistics", stats("x", T, "1")),
                        "teleflux_decode_errors_total", "missing_device"),
                Arguments.of("non-numeric garbage in a counter", msg(dev, "Ifmgr/Statistics", stats("garbage-if", T, "\"lots\"")),
                        "teleflux_fields_dropped_total", "non_numeric"),
                Arguments.of("counter >= 2^63", msg(dev, "Ifmgr/Statistics", stats("huge-if", T, "9223372036854775808")),
                        "teleflux_fields_dropped_total", "uint64_overflow"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void badMessageIsCountedAndTheStreamCarriesOn(String what, DialoutMsg bad, String counter, String reason) throws Exception {
        double before = counter(counter, "reason", reason);
        String good = "after-" + MARK.incrementAndGet();
        DialoutResponse r = stream(bad, msg("bad-sw", "Ifmgr/Statistics", stats(good, T, "12345")));
        assertThat(r.getResponse()).isEqualTo("ok");
        assertThat(counter(counter, "reason", reason)).as(what).isEqualTo(before + 1);
        assertThat(stored("bad-sw", good, "in_octets")).as("good message after " + what).isEqualTo(12345L);
    }

    @Test
    void aDeviceWhoseEveryMessageFailsToDecodeGoesSilent() throws Exception {
        // received, counted, but no data: "last heard" (what the silent-device alert reads) does not move
        String dev = "all-broken";
        stream(msg(dev, "Ifmgr/Statistics", "{\"Notification\":{\"Ifmgr\" 12}"), msg(dev, "Ifmgr/Statistics", "[1,2,3]"));
        assertThat(counter("teleflux_dialout_messages_total", "device", dev)).isEqualTo(2);
        assertThat(counter("teleflux_dialout_bytes_total", "device", dev)).isGreaterThan(20);
        assertThat(counter("teleflux_dialout_data_messages_total", "device", dev)).isZero();
        assertThat(counter("teleflux_dialout_last_data_ms", "device", dev)).isZero();
        stream(msg("alive-sw", "Ifmgr/Statistics", stats("alive-if", T, "5")));
        assertThat(stored("alive-sw", "alive-if", "in_octets")).isEqualTo(5L);
        assertThat(counter("teleflux_dialout_data_messages_total", "device", "alive-sw")).isEqualTo(1);
        assertThat(counter("teleflux_dialout_last_data_ms", "device", "alive-sw")).isPositive();
        assertThat(influx.query("telemetry", "SELECT * FROM device WHERE device = '" + dev + "'").isEmpty())
                .as("no device point for a device that sent no data").isTrue();
        assertThat(influx.query("telemetry", "SELECT * FROM device WHERE device = 'alive-sw'").isEmpty()).isFalse();
    }

    @Test
    void garbageAndOverflowDropOnlyTheBadFieldNeverNegative() throws Exception {
        stream(msg("bad-sw", "Ifmgr/Statistics", stats("huge-only", T, "18446744073709551615")));
        assertThat(stored("bad-sw", "huge-only", "out_octets")).isEqualTo(99L);
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE interface = 'huge-only'");
        assertThat(r.isEmpty()).as("no in_octets at all, in particular no negative one: %s", r).isTrue();
    }

    @Test
    void missingSensorPathStillDecodesFromTheJsonAndIsCounted() throws Exception {
        double before = counter("teleflux_decode_warnings_total", "reason", "missing_sensor_path");
        stream(msg("bad-sw", null, stats("no-path-if", T, "777")));
        assertThat(counter("teleflux_decode_warnings_total", "reason", "missing_sensor_path")).isEqualTo(before + 1);
        assertThat(stored("bad-sw", "no-path-if", "in_octets")).isEqualTo(777L);
    }

    @Test
    void awkwardNamesReadBackUnchanged() throws Exception {
        String device = "core sw,1=\"A\" \\ 上联";
        String iface = "Bridge-Aggregation 1,x=y \"q\" \\ 口";
        stream(msg(device, "Ifmgr/Statistics", stats(iface, T, "4242")));
        assertThat(stored(device, iface, "in_octets")).isEqualTo(4242L);
        InfluxQueryResult tags = influx.query("telemetry", "SHOW TAG VALUES FROM interface WITH KEY = interface");
        assertThat(tags.single().column("value")).contains(iface);
    }

    @Test
    void unknownMethodIsUnimplementedCountedAndOtherStreamsCarryOn() throws Exception {
        double before = counter("teleflux_decode_errors_total", "reason", "unknown_method");
        MethodDescriptor.Marshaller<InputStream> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InputStream value) {
                return value;
            }

            @Override
            public InputStream parse(InputStream stream) {
                return stream;
            }
        };
        MethodDescriptor<InputStream, InputStream> unknown = MethodDescriptor.<InputStream, InputStream>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("acme_dialout.gRPCNothing/publish")
                .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        ClientCall<InputStream, InputStream> call = channel.newCall(unknown, CallOptions.DEFAULT);
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(call, new ByteArrayInputStream(new byte[] {1, 2})))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThat(counter("teleflux_decode_errors_total", "reason", "unknown_method")).isEqualTo(before + 1);
        assertThat(counter("teleflux_dialout_unknown_method_total", "method", "acme_dialout.gRPCNothing/publish"))
                .isGreaterThanOrEqualTo(1);
        stream(msg("bad-sw", "Ifmgr/Statistics", stats("after-unknown", T, "5")));
        assertThat(stored("bad-sw", "after-unknown", "in_octets")).isEqualTo(5L);
    }

    @Test
    void theDocumentedServiceSpellingIsServedToo() throws Exception {
        MethodDescriptor<DialoutMsg, DialoutResponse> alt = GRPCDialoutGrpc.getDialoutMethod().toBuilder()
                .setFullMethodName("grpc_dialout.gRPCDialout/Dialout").build();
        CompletableFuture<DialoutResponse> done = new CompletableFuture<>();
        StreamObserver<DialoutMsg> req = ClientCalls.asyncClientStreamingCall(channel.newCall(alt, CallOptions.DEFAULT),
                new StreamObserver<>() {
                    public void onNext(DialoutResponse v) {
                        done.complete(v);
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {
                    }
                });
        req.onNext(msg("alt-sw", "Ifmgr/Statistics", stats("alt-if", T, "31337")));
        req.onCompleted();
        assertThat(done.get(30, TimeUnit.SECONDS).getResponse()).isEqualTo("ok");
        assertThat(stored("alt-sw", "alt-if", "in_octets")).isEqualTo(31337L);
    }

    @Test
    void messageOverTheSizeLimitFailsOnlyItsOwnStream() throws Exception {
        double before = counter("teleflux_decode_errors_total", "reason", "message_too_large");
        // a second stream that stays open across the failure of the first
        CompletableFuture<DialoutResponse> otherDone = new CompletableFuture<>();
        StreamObserver<DialoutMsg> other = GRPCDialoutGrpc.newStub(channel).dialout(new StreamObserver<>() {
            public void onNext(DialoutResponse v) {
                otherDone.complete(v);
            }

            public void onError(Throwable t) {
                otherDone.completeExceptionally(t);
            }

            public void onCompleted() {
            }
        });
        other.onNext(msg("big-sw-2", "Ifmgr/Statistics", stats("before-big", T, "1")));

        String pad = "x".repeat(80 * 1024);
        String big = "{\"Notification\":{\"Timestamp\":\"" + T + "\",\"Pad\":\"" + pad + "\"}}";
        assertThatThrownBy(() -> stream(msg("big-sw", "Ifmgr/Statistics", big), msg("big-sw", "Ifmgr/Statistics", stats("never", T, "1"))))
                .hasRootCauseInstanceOf(StatusRuntimeException.class)
                .rootCause().satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(TestCollector.await(10, () -> counter("teleflux_decode_errors_total", "reason", "message_too_large") == before + 1)).isTrue();

        other.onNext(msg("big-sw-2", "Ifmgr/Statistics", stats("after-big", T, "2")));
        other.onCompleted();
        assertThat(otherDone.get(30, TimeUnit.SECONDS).getResponse()).isEqualTo("ok");
        assertThat(stored("big-sw-2", "before-big", "in_octets")).isEqualTo(1L);
        assertThat(stored("big-sw-2", "after-big", "in_octets")).isEqualTo(2L);
        assertThat(List.of(influx.query("telemetry", "SELECT * FROM interface WHERE interface = 'never'").isEmpty())).containsExactly(true);
    }
}
