package io.teleflux;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.huawei.Ifm;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryGPBTable;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.gRPCDataserviceGrpc;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Every kind of bad Huawei input, each on a stream of its own, sent by a raw gRPC client to a real
 * collector writing to a real influxd: counted under its reason, and a good message that follows
 * on the SAME stream is stored. A healthy device streams on one long call through all of it, and
 * must lose nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HuaweiBadInputIT {
    static final String PATH = "huawei-ifm:ifm/interfaces/interface/mib-statistics";
    static final long T = System.currentTimeMillis() / 1000 * 1000 - 300_000;
    static InfluxdFixture influx;
    static Collector collector;
    static ManagedChannel channel;
    static final AtomicInteger MARK = new AtomicInteger();
    /** The healthy device's stream, open from the first test to the last. */
    static StreamObserver<serviceArgs> healthy;
    static final CompletableFuture<Status> healthyDone = new CompletableFuture<>();
    static int healthySent;

    @BeforeAll
    static void start() throws Exception {
        influx = InfluxdFixture.launch();
        collector = TestCollector.start(TestCollector.v1(influx.url()) + "teleflux.dialout.max-message-size = 64 KiB\n");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dialoutPort()).usePlaintext().build();
        healthy = gRPCDataserviceGrpc.newStub(channel).dataPublish(observer(healthyDone));
        // its series is established before the other streams start: the rate stage's first idle
        // sweep can drop a series created at that very moment by another thread (reported)
        healthyTick();
        healthyTick();
        assertThat(TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", "SELECT in_bps FROM interface WHERE device = 'healthy-pe'");
            return !r.isEmpty() && r.single().size() == 1;
        })).isTrue();
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

    /** One more sample of the healthy device: 1,000 octets more each second. */
    static void healthyTick() {
        healthy.onNext(gpb("healthy-pe", PATH, T + healthySent * 1000L, ifm("100GE1/0/1", 1_000_000L + healthySent * 1000L)));
        healthySent++;
    }

    static StreamObserver<serviceArgs> observer(CompletableFuture<Status> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(serviceArgs value) {
                done.completeExceptionally(new AssertionError("Teleflux must send nothing on the response stream"));
            }

            @Override
            public void onError(Throwable t) {
                done.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                done.complete(Status.OK);
            }
        };
    }

    static byte[] ifm(String name, long inOctets) {
        return Ifm.newBuilder().setInterfaces(Ifm.Interfaces.newBuilder().addInterface(Ifm.Interfaces.Interface.newBuilder()
                .setName(name).setMibStatistics(Ifm.Interfaces.Interface.MibStatistics.newBuilder()
                        .setReceiveByte(inOctets).setSendByte(99)))).build().toByteArray();
    }

    static Telemetry.Builder telemetry(String node, String path, long ts) {
        return Telemetry.newBuilder().setNodeIdStr(node).setSensorPath(path).setMsgTimestamp(ts).setExceptDesc("OK");
    }

    static serviceArgs gpb(String node, String path, long ts, byte[] content) {
        return data(telemetry(node, path, ts).setDataGpb(TelemetryGPBTable.newBuilder().addRow(
                TelemetryRowGPB.newBuilder().setTimestamp(ts).setContent(ByteString.copyFrom(content)))).build().toByteArray());
    }

    static serviceArgs data(byte[] bytes) {
        return serviceArgs.newBuilder().setData(ByteString.copyFrom(bytes)).build();
    }

    static serviceArgs json(String text) {
        return serviceArgs.newBuilder().setDataJson(text).build();
    }

    /** Sends the messages on one stream, half-closes and waits for the end of the call. */
    static Status stream(serviceArgs... msgs) throws Exception {
        CompletableFuture<Status> done = new CompletableFuture<>();
        StreamObserver<serviceArgs> req = gRPCDataserviceGrpc.newStub(channel).dataPublish(observer(done));
        for (serviceArgs m : msgs) {
            req.onNext(m);
        }
        req.onCompleted();
        return done.get(30, TimeUnit.SECONDS);
    }

    static double counter(String name, String... labels) {
        return collector.metrics().value(name, labels);
    }

    static Object stored(String measurement, String field, String where) throws InterruptedException {
        String q = "SELECT " + field + " FROM " + measurement + " WHERE " + where;
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

    static Object storedIf(String iface, String field) throws InterruptedException {
        return stored("interface", field, "device = 'bad-pe' AND interface = '" + iface + "'");
    }

    static Stream<Arguments> badMessages() {
        byte[] good = gpb("bad-pe", PATH, T, ifm("x", 1)).getData().toByteArray();
        byte[] content = ifm("GE1", 1);
        String envelope = "{\"node_id_str\":\"bad-pe\",\"sensor_path\":\"" + PATH + "\",\"msg_timestamp\":" + T;
        return Stream.of(
                Arguments.of("data that is no Telemetry", data(new byte[]{0x0a, (byte) 0xc8, 0x01, 'x'}),
                        "teleflux_decode_errors_total", "malformed_envelope"),
                Arguments.of("a Telemetry cut short", data(Arrays.copyOf(good, good.length - 5)),
                        "teleflux_decode_errors_total", "malformed_envelope"),
                Arguments.of("an unknown encoding", data(telemetry("bad-pe", PATH, T).setEncodingValue(7).setDataStr("{}")
                        .build().toByteArray()), "teleflux_decode_errors_total", "unknown_encoding"),
                Arguments.of("an unknown encoding in data_json", json(envelope + ",\"encoding\":\"Encoding_XML\"}"),
                        "teleflux_decode_errors_total", "unknown_encoding"),
                Arguments.of("malformed data_json", json(envelope + ",\"data_str\":{\"row\":["),
                        "teleflux_decode_errors_total", "malformed_envelope"),
                Arguments.of("malformed data_str", data(telemetry("bad-pe", PATH, T).setEncoding(Telemetry.Encoding.Encoding_JSON)
                        .setDataStr("{\"row\":[{\"content\":").build().toByteArray()),
                        "teleflux_decode_errors_total", "malformed_json"),
                Arguments.of("GPB content that is no message", gpb("bad-pe", PATH, T, new byte[]{0x0a, 0x7f, 0x01}),
                        "teleflux_decode_errors_total", "malformed_gpb_content"),
                Arguments.of("GPB content of an unknown path", gpb("bad-pe", "huawei-devm:devm/cpuInfos/cpuInfo", T,
                        new byte[]{0x0a, 0x07, 0x0a, 0x03, '1', '/', '1', 0x10, 0x17}),
                        "teleflux_decode_errors_total", "unknown_gpb_content"),
                Arguments.of("a serviceArgs with no data", serviceArgs.newBuilder().setReqId(5).build(),
                        "teleflux_decode_errors_total", "empty_message"),
                Arguments.of("no node_id_str on the first message", gpb("", PATH, T, content),
                        "teleflux_decode_errors_total", "missing_device"),
                Arguments.of("a counter >= 2^63", gpb("bad-pe", PATH, T, ifm("huge-if", -1L)),
                        "teleflux_fields_dropped_total", "uint64_overflow"),
                Arguments.of("GPB rows without a name", gpb("bad-pe", PATH, T, Ifm.newBuilder().setInterfaces(
                        Ifm.Interfaces.newBuilder().addInterface(Ifm.Interfaces.Interface.newBuilder().setMibStatistics(
                                Ifm.Interfaces.Interface.MibStatistics.newBuilder().setReceiveByte(5)))).build().toByteArray()),
                        "teleflux_decode_errors_total", "no_usable_rows"));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void badMessageIsCountedAndTheStreamCarriesOn(String what, serviceArgs bad, String counter, String reason) throws Exception {
        double before = counter(counter, "reason", reason);
        String good = "after-" + MARK.incrementAndGet();
        healthyTick();
        Status s = stream(bad, gpb("bad-pe", PATH, T, ifm(good, 12345)));
        assertThat(s.getCode()).isEqualTo(Status.Code.OK);
        assertThat(counter(counter, "reason", reason)).as(what).isEqualTo(before + 1);
        assertThat(storedIf(good, "in_octets")).as("good message after " + what).isEqualTo(12345L);
        healthyTick();
    }

    @Order(2)
    @Test
    void unknownGpbContentIsStoredWithFieldNumberNames() throws Exception {
        assertThat(stored("huawei_devm_cpu_infos_cpu_info", "gpb_1_2", "device = 'bad-pe' AND gpb_1_1 = '1/1'")).isEqualTo(23L);
        InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets FROM interface WHERE interface = 'huge-if'");
        assertThat(r.isEmpty()).as("no in_octets at all, in particular no negative one: %s", r).isTrue();
        assertThat(storedIf("huge-if", "out_octets")).isEqualTo(99L);
    }

    @Order(3)
    @Test
    void messageOverTheSizeLimitFailsOnlyItsOwnStream() throws Exception {
        double before = counter("teleflux_decode_errors_total", "reason", "message_too_large");
        healthyTick();
        byte[] big = telemetry("big-pe", PATH, T).setDataStr("x".repeat(80 * 1024)).build().toByteArray();
        assertThatThrownBy(() -> {
            Status s = stream(data(big), gpb("big-pe", PATH, T, ifm("never", 1)));
            throw s.asException();
        }).isInstanceOfSatisfying(io.grpc.StatusException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(TestCollector.await(10, () -> counter("teleflux_decode_errors_total", "reason", "message_too_large") == before + 1))
                .isTrue();
        healthyTick();
        assertThat(influx.query("telemetry", "SELECT * FROM interface WHERE interface = 'never'").isEmpty()).isTrue();
    }

    /**
     * A device that never asks for a response message (no request() on its side of the call) is
     * served like any other: Teleflux writes nothing on the response stream, so nothing waits on it.
     */
    @Order(4)
    @Test
    void aStreamThatNeverReadsResponsesIsServedAndEnds() throws Exception {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<serviceArgs, serviceArgs> call = channel.newCall(gRPCDataserviceGrpc.getDataPublishMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        for (int i = 0; i < 200; i++) {
            call.sendMessage(gpb("deaf-pe", PATH, T + i * 1000L, ifm("100GE1/0/1", 1000L * i)));
        }
        call.halfClose();
        healthyTick();
        assertThat(closed.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry",
                    "SELECT count(in_octets) FROM interface WHERE device = 'deaf-pe'");
            return !r.isEmpty() && ((Number) r.single().value(0, "count")).longValue() == 200;
        })).isTrue();
    }

    @Order(5)
    @Test
    void theHealthyDeviceLostNothingAndItsRatesAreExact() throws Exception {
        healthy.onCompleted();
        assertThat(healthyDone.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        String q = "SELECT in_octets, in_bps FROM interface WHERE device = 'healthy-pe' AND interface = '100GE1/0/1' ORDER BY time";
        assertThat(TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            return !r.isEmpty() && r.single().size() == healthySent;
        })).as("%d samples of the healthy device", healthySent).isTrue();
        InfluxQueryResult.Series s = influx.query("telemetry", q).single();
        for (int i = 1; i < healthySent; i++) {
            assertThat(s.value(i, "in_octets")).isEqualTo(1_000_000L + i * 1000L);
            assertThat(s.value(i, "in_bps")).as("row %d of %s", i, s.rows()).isNotNull();
            assertThat(((Number) s.value(i, "in_bps")).doubleValue()).isCloseTo(8000.0, within(1e-9));
        }
        assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "healthy-pe")).isEqualTo(healthySent);
    }
}
