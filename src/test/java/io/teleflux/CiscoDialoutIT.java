package io.teleflux;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.proto.cisco.TelemetryGPBTable;
import io.teleflux.proto.cisco.TelemetryRowGPB;
import io.teleflux.proto.cisco.gRPCMdtDialoutGrpc;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cisco MDT dial-out end to end: a real collector writing to a real influxd, fed by an independent
 * Python grpcio router (stubs generated at test time from {@code proto/cisco/}) and, for the bad
 * input, by a Java client with a healthy second stream flowing throughout.
 */
class CiscoDialoutIT {
    static final String PYTHON = PythonClientIT.PYTHON;
    static final String GENERIC =
            "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters";

    @TempDir
    Path gen;

    @Test
    void pythonRouterStreamsCountersIntoInterfaceWithExactRates() throws Exception {
        assertThat(Path.of(PYTHON)).as("Debian python3 (apt-get install python3-grpcio python3-grpc-tools)").exists();
        Path proto = Path.of("proto/cisco").toAbsolutePath();
        PythonClientIT.run(List.of(PYTHON, "-m", "grpc_tools.protoc", "-I" + proto, "--python_out=" + gen,
                "--grpc_python_out=" + gen, "mdt_grpc_dialout.proto", "cisco_telemetry.proto"));
        assertThat(gen.resolve("mdt_grpc_dialout_pb2_grpc.py")).exists();

        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()));
            try {
                long ts = System.currentTimeMillis() / 1000 * 1000 - 60_000;
                String out = PythonClientIT.run(List.of(PYTHON,
                        Path.of("src/test/python/cisco_dialout_client.py").toAbsolutePath().toString(),
                        "--target", "127.0.0.1:" + collector.dialoutPort(), "--gen-dir", gen.toString(),
                        "--timestamp", Long.toString(ts), "--base", "1000000000", "--step", "6250000"));
                assertThat(out).contains("responses: 0").contains("status: OK");

                String q = "SELECT in_octets, out_octets, in_pkts, in_errors, in_bps, out_bps, in_pps, speed_bps, in_util_pct,"
                        + " oper_status, crc_errors FROM interface WHERE device = 'py-xr1' AND interface = 'HundredGigE0/0/0/0'"
                        + " AND source = 'telemetry' ORDER BY time";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", q);
                    return !r.isEmpty() && r.single().size() == 3 && r.single().value(2, "in_bps") != null;
                })).as("three samples with rates").isTrue();
                InfluxQueryResult.Series s = influx.query("telemetry", q).single();
                assertThat(s.column("time")).containsExactly(ts, ts + 5000, ts + 10000);
                assertThat(s.column("in_octets")).containsExactly(1_000_000_000L, 1_006_250_000L, 1_012_500_000L);
                assertThat(s.column("out_octets")).containsExactly(2_000_000_000L, 2_012_500_000L, 2_025_000_000L);
                assertThat(s.column("in_pkts")).containsExactly(10_000_000L, 10_062_500L, 10_125_000L);
                assertThat(s.value(0, "in_bps")).as("no rate on a series' first sample").isNull();
                // 6,250,000 octets in 5 s of device time: exactly 10 Mbit/s in, 20 out, 12,500 packets/s
                assertThat(num(s.value(1, "in_bps"))).isEqualTo(10_000_000.0);
                assertThat(num(s.value(1, "out_bps"))).isEqualTo(20_000_000.0);
                assertThat(num(s.value(1, "in_pps"))).isEqualTo(12_500.0);
                assertThat(num(s.value(2, "in_bps"))).as("from the JSON sample").isEqualTo(10_000_000.0);
                assertThat(s.value(1, "speed_bps")).as("interface-xr speed 1,000,000 kbit/s").isEqualTo(1_000_000_000L);
                assertThat(s.value(1, "oper_status")).isEqualTo(1L);
                assertThat(num(s.value(2, "in_util_pct"))).isEqualTo(1.0);
                assertThat(s.value(0, "in_errors")).isEqualTo(1L);
                assertThat(num(s.value(0, "crc_errors"))).isEqualTo(2.0);

                InfluxQueryResult bundle = influx.query("telemetry",
                        "SELECT in_octets, in_bps FROM interface WHERE device = 'py-xr1' AND interface = 'Bundle-Ether1 ,x=y'");
                assertThat(bundle.single().column("in_octets")).containsExactly(1_000_000_007L, 1_006_250_007L);
                assertThat(num(bundle.single().value(1, "in_bps"))).isEqualTo(10_000_000.0);

                InfluxQueryResult cpu = influx.query("telemetry", "SELECT total_cpu_one_minute, node_name FROM"
                        + " cisco_ios_xr_wdsysmon_fd_oper_system_monitoring_cpu_utilization WHERE device = 'py-xr1'");
                assertThat(cpu.single().value(0, "total_cpu_one_minute")).isEqualTo(7L);
                assertThat(cpu.single().value(0, "node_name")).isEqualTo("0/RP0/CPU0");

                InfluxQueryResult dev = influx.query("telemetry", "SELECT device_ip FROM device WHERE device = 'py-xr1'");
                assertThat(dev.single().value(0, "device_ip")).isEqualTo("127.0.0.1");

                assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", "malformed_envelope")).isEqualTo(1);
                assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", "py-xr1")).isEqualTo(5);
                assertThat(collector.metrics().value("teleflux_dialout_chunk_buffer_bytes")).isZero();
            } finally {
                collector.close();
            }
        }
    }

    /** InfluxDB's JSON answer gives integral floats as integers. */
    static Double num(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    // ---------------------------------------------------------------- bad input

    static TelemetryField row(long ts, String iface, long inOctets) {
        return TelemetryField.newBuilder().setTimestamp(ts)
                .addFields(TelemetryField.newBuilder().setName("keys")
                        .addFields(TelemetryField.newBuilder().setName("interface-name").setStringValue(iface)))
                .addFields(TelemetryField.newBuilder().setName("content")
                        .addFields(TelemetryField.newBuilder().setName("bytes-received").setUint64Value(inOctets))
                        .addFields(TelemetryField.newBuilder().setName("bytes-sent").setUint64Value(99)))
                .build();
    }

    static Telemetry counters(String device, String iface, long ts, long inOctets) {
        return Telemetry.newBuilder().setNodeIdStr(device).setEncodingPath(GENERIC).setMsgTimestamp(ts)
                .addDataGpbkv(row(ts, iface, inOctets)).build();
    }

    static MdtDialoutArgs whole(Telemetry t) {
        return MdtDialoutArgs.newBuilder().setData(t.toByteString()).build();
    }

    static MdtDialoutArgs raw(byte[] data) {
        return MdtDialoutArgs.newBuilder().setData(ByteString.copyFrom(data)).build();
    }

    /** A stream that records how it ended. */
    static final class Ending implements StreamObserver<MdtDialoutArgs> {
        final CompletableFuture<Status> status = new CompletableFuture<>();
        final AtomicInteger responses = new AtomicInteger();

        @Override
        public void onNext(MdtDialoutArgs value) {
            responses.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            status.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            status.complete(Status.OK);
        }
    }

    @Test
    void badInputIsCountedByReasonWhileAHealthyStreamFlowsThroughout() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url())
                    + "teleflux.dialout.max-message-size = 64 KiB\n");
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dialoutPort()).usePlaintext().build();
            try {
                long t0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;
                int samples = 40;
                Ending healthyEnd = new Ending();
                StreamObserver<MdtDialoutArgs> healthy = gRPCMdtDialoutGrpc.newStub(channel).mdtDialout(healthyEnd);
                Thread flow = Thread.ofPlatform().name("healthy-xr").start(() -> {
                    try {
                        for (int i = 0; i < samples; i++) {
                            healthy.onNext(whole(counters("healthy-xr", "Gi0/0/0/0", t0 + i * 5000L, 1_000_000L + i * 625_000L)));
                            Thread.sleep(50);
                        }
                        healthy.onCompleted();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });

                Ending badEnd = new Ending();
                StreamObserver<MdtDialoutArgs> bad = gRPCMdtDialoutGrpc.newStub(channel).mdtDialout(badEnd);
                Telemetry big = counters("bad-xr", "Gi0/0/0/9", t0, 1);
                ByteString bigData = big.toByteString();
                bad.onNext(raw(new byte[]{0x0a, (byte) 0xff, (byte) 0xff}));                       // malformed envelope
                bad.onNext(raw("{\"node_id_str\":\"bad-xr\",\"data_json\":[}".getBytes()));        // malformed JSON
                bad.onNext(whole(Telemetry.newBuilder().setCollectionId(1).build()));              // unknown encoding
                bad.onNext(whole(Telemetry.newBuilder().setNodeIdStr("bad-xr").setEncodingPath(GENERIC)
                        .setDataGpb(TelemetryGPBTable.newBuilder().addRow(TelemetryRowGPB.newBuilder()
                                .setContent(ByteString.copyFromUtf8("\010\001")))).build()));      // unknown GPB content
                bad.onNext(MdtDialoutArgs.newBuilder().setTotalSize(1 << 20)
                        .setData(ByteString.copyFrom(new byte[1000])).build());                  // oversized totalSize
                bad.onNext(MdtDialoutArgs.newBuilder().setTotalSize(bigData.size())
                        .setData(bigData.substring(0, bigData.size() / 2)).build());              // truncated chunk...
                bad.onNext(whole(counters("bad-xr", "Gi0/0/0/1", t0, 4242)));                      // ...interrupted: this one counts
                bad.onNext(whole(Telemetry.newBuilder(counters("bad-xr", "Gi0/0/0/2", t0, 0)).clearDataGpbkv()
                        .addDataGpbkv(TelemetryField.newBuilder().setTimestamp(t0)
                                .addFields(TelemetryField.newBuilder().setName("keys").addFields(TelemetryField.newBuilder()
                                        .setName("interface-name").setStringValue("Gi0/0/0/2")))
                                .addFields(TelemetryField.newBuilder().setName("content")
                                        .addFields(TelemetryField.newBuilder().setName("bytes-received").setUint64Value(-1L))
                                        .addFields(TelemetryField.newBuilder().setName("bytes-sent").setUint64Value(77))))
                        .build()));                                                                 // uint64 >= 2^63
                bad.onNext(MdtDialoutArgs.newBuilder().setTotalSize(bigData.size())
                        .setData(bigData.substring(0, 10)).build());                                // cut off by the end
                bad.onCompleted();

                assertThat(badEnd.status.get(30, TimeUnit.SECONDS).isOk()).as("the bad stream ends normally").isTrue();
                flow.join(30_000);
                assertThat(healthyEnd.status.get(30, TimeUnit.SECONDS).isOk()).isTrue();
                assertThat(badEnd.responses.get() + healthyEnd.responses.get()).as("nothing on the response streams").isZero();

                for (String reason : List.of("malformed_envelope", "malformed_json", "unknown_encoding", "unknown_gpb_content",
                        "chunk_too_large", "chunk_restart", "chunk_incomplete")) {
                    assertThat(collector.metrics().value("teleflux_decode_errors_total", "reason", reason)).as(reason).isEqualTo(1);
                }
                assertThat(collector.metrics().value("teleflux_fields_dropped_total", "reason", "uint64_overflow")).isEqualTo(1);

                String hq = "SELECT in_octets, in_bps FROM interface WHERE device = 'healthy-xr' ORDER BY time";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", hq);
                    return !r.isEmpty() && r.single().size() == samples;
                })).as("every sample of the healthy stream").isTrue();
                InfluxQueryResult.Series h = influx.query("telemetry", hq).single();
                for (int i = 1; i < samples; i++) {
                    assertThat(num(h.value(i, "in_bps"))).as("rate %d", i).isEqualTo(1_000_000.0);
                }
                assertThat(TestCollector.await(30, () -> !influx.query("telemetry",
                        "SELECT in_octets FROM interface WHERE device = 'bad-xr' AND interface = 'Gi0/0/0/1'").isEmpty())).isTrue();
                assertThat(influx.query("telemetry", "SELECT in_octets FROM interface WHERE interface = 'Gi0/0/0/1'")
                        .single().value(0, "in_octets")).isEqualTo(4242L);
                InfluxQueryResult overflow = influx.query("telemetry",
                        "SELECT in_octets, out_octets FROM interface WHERE interface = 'Gi0/0/0/2'");
                assertThat(overflow.single().value(0, "out_octets")).isEqualTo(77L);
                assertThat(overflow.single().value(0, "in_octets")).as("dropped, never negative").isNull();
                assertThat(collector.metrics().value("teleflux_dialout_chunk_buffer_bytes")).isZero();
            } finally {
                DialoutClients.close(channel);
                collector.close();
            }
        }
    }

    /**
     * A client that never asks for a response message (it never calls request()) streams many
     * messages and half-closes: nothing is ever sent its way, so nothing waits on it, and the call
     * ends OK with every message stored.
     */
    @Test
    void aStreamThatNeverReadsResponsesCostsNothing() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dialoutPort()).usePlaintext().build();
            try {
                long t0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;
                CompletableFuture<Status> closed = new CompletableFuture<>();
                ClientCall<MdtDialoutArgs, MdtDialoutArgs> call =
                        channel.newCall(gRPCMdtDialoutGrpc.getMdtDialoutMethod(), CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                }, new Metadata());
                int n = 300;
                for (int i = 0; i < n; i++) {
                    call.sendMessage(whole(counters("deaf-xr", "Gi" + (i % 3), t0 + (i / 3) * 5000L, 1000L + i)));
                }
                call.halfClose();
                assertThat(closed.get(60, TimeUnit.SECONDS).isOk()).isTrue();
                String q = "SELECT count(in_octets) FROM interface WHERE device = 'deaf-xr'";
                assertThat(TestCollector.await(30, () -> {
                    InfluxQueryResult r = influx.query("telemetry", q);
                    return !r.isEmpty() && ((Number) r.single().value(0, "count")).intValue() == n;
                })).isTrue();
                assertThat(collector.metrics().value("teleflux_dialout_streams")).isZero();
            } finally {
                DialoutClients.close(channel);
                collector.close();
            }
        }
    }
}
