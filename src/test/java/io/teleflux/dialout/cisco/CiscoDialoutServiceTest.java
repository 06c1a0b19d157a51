package io.teleflux.dialout.cisco;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.teleflux.Components;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.dialout.TotalSizeChunks;
import io.teleflux.dialout.DeviceBinding;
import io.teleflux.dialout.DeviceLabels;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.PointGuard;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream around the decoder: devices, chunks, names, errors, the device point, no response. */
class CiscoDialoutServiceTest {
    static final String GENERIC_COUNTERS =
            "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters";

    final Metrics metrics = new Metrics();
    final List<Point> points = new ArrayList<>();
    final AtomicLong clock = new AtomicLong(1_718_000_010_000L);
    ChunkBudget budget = new ChunkBudget(1 << 20);

    CiscoDialoutService service(String hocon, boolean binding) {
        DialoutConfig config = Components.fromConfig(ConfigFactory.parseString(hocon + "\nteleflux.influx { api = v1, database = telemetry }"), Map.of())
                .get(DialoutConfig.SECTION);
        DialoutContext ctx = new DialoutContext(new PointGuard(points::addAll, config.limits(), metrics), metrics, config,
                budget, new DeviceLabels(metrics, 100, 100, 60_000), binding ? new DeviceBinding(metrics) : null, clock::get);
        return CiscoDialoutService.create(ctx);
    }

    CiscoDialoutService service() {
        return service("", false);
    }

    static Telemetry counters(String device, String iface, long ts, long inOctets) {
        TelemetryField row = TelemetryField.newBuilder().setTimestamp(ts)
                .addFields(TelemetryField.newBuilder().setName("keys")
                        .addFields(TelemetryField.newBuilder().setName("interface-name").setStringValue(iface)))
                .addFields(TelemetryField.newBuilder().setName("content")
                        .addFields(TelemetryField.newBuilder().setName("bytes-received").setUint64Value(inOctets))
                        .addFields(TelemetryField.newBuilder().setName("bytes-sent").setUint64Value(2 * inOctets)))
                .build();
        Telemetry.Builder t = Telemetry.newBuilder().setEncodingPath(GENERIC_COUNTERS).setMsgTimestamp(ts).addDataGpbkv(row);
        if (device != null) {
            t.setNodeIdStr(device);
        }
        return t.build();
    }

    static MdtDialoutArgs whole(Telemetry t) {
        return MdtDialoutArgs.newBuilder().setReqId(1).setData(t.toByteString()).build();
    }

    /** The message cut into {@code n} NX-OS chunks, each carrying totalSize. */
    static List<MdtDialoutArgs> chunks(Telemetry t, int n) {
        ByteString data = t.toByteString();
        List<MdtDialoutArgs> out = new ArrayList<>();
        int step = (data.size() + n - 1) / n;
        for (int off = 0; off < data.size(); off += step) {
            out.add(MdtDialoutArgs.newBuilder().setReqId(7).setTotalSize(data.size())
                    .setData(data.substring(off, Math.min(data.size(), off + step))).build());
        }
        return out;
    }

    double errors(String reason) {
        return metrics.value("teleflux_decode_errors_total", "reason", reason);
    }

    List<String> interfaceLines() {
        return points.stream().filter(p -> p.measurement().equals("interface")).map(LineProtocol::encode).toList();
    }

    @Test
    void decodesAWholeMessageAddsTheDevicePointAndSendsNoResponse() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(whole(counters("xr-pe1", "Gi0/0/0/0", 1_718_000_000_000L, 100)));
        assertThat(interfaceLines()).containsExactly(
                "interface,device=xr-pe1,interface=Gi0/0/0/0,source=telemetry in_octets=100i,out_octets=200i 1718000000000");
        assertThat(points.stream().filter(p -> p.measurement().equals("device")).map(LineProtocol::encode))
                .containsExactly("device,device=xr-pe1,source=telemetry device_ip=\"192.0.2.7\" 1718000010000");
        assertThat(s.finish()).as("devices do not read the response stream").isNull();
        s.closed();
        assertThat(metrics.value("teleflux_dialout_messages_total", "device", "xr-pe1")).isEqualTo(1);
        assertThat(metrics.value("teleflux_points_received_total", "source", "telemetry")).isEqualTo(2);
    }

    @Test
    void theDevicePointComesAgainOnlyEveryFewMinutes() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(whole(counters("xr-pe1", "Gi0", 1, 1)));
        s.process(whole(counters("xr-pe1", "Gi0", 2, 2)));
        clock.addAndGet(CiscoDialoutService.DEVICE_INFO_EVERY_MS);
        s.process(whole(counters("xr-pe1", "Gi0", 3, 3)));
        assertThat(points.stream().filter(p -> p.measurement().equals("device"))).hasSize(2);
    }

    @Test
    void nxosChunksAreJoinedInOrder() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        List<MdtDialoutArgs> parts = chunks(counters("nx-1", "Ethernet1/1", 1_718_000_000_000L, 5), 4);
        assertThat(parts).hasSize(4);
        for (MdtDialoutArgs p : parts.subList(0, 3)) {
            s.process(p);
            assertThat(points).isEmpty();
        }
        assertThat(budget.used()).isPositive();
        s.process(parts.get(3));
        assertThat(interfaceLines()).containsExactly(
                "interface,device=nx-1,interface=Ethernet1/1,source=telemetry in_octets=5i,out_octets=10i 1718000000000");
        assertThat(budget.used()).isZero();
    }

    @Test
    void aTruncatedChunkedMessageIsCountedAndTheNextMessageStillDecodes() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        List<MdtDialoutArgs> parts = chunks(counters("nx-1", "Ethernet1/1", 1, 5), 3);
        s.process(parts.get(0));
        s.process(whole(counters("nx-1", "Ethernet1/2", 2, 6)));
        assertThat(errors("chunk_restart")).isEqualTo(1);
        s.process(parts.get(0));
        s.closed();
        assertThat(errors("chunk_incomplete")).isEqualTo(1);
        assertThat(budget.used()).isZero();
        assertThat(interfaceLines()).hasSize(1).first().asString().contains("Ethernet1/2");
    }

    @Test
    void aTotalSizeAboveTheMessageLimitIsRefusedAtOnceAndItsRestDiscardedQuietly() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s =
                service("teleflux.dialout.max-message-size = 1 KiB", false).open(new Peer("192.0.2.7", 40000));
        ByteString junk = ByteString.copyFrom(new byte[600]);
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(1800).setData(junk).build());
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(1800).setData(junk).build());
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(1800).setData(junk).build());
        assertThat(errors("chunk_too_large")).isEqualTo(1);
        assertThat(budget.used()).isZero();
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(-5).setData(junk).build());
        assertThat(errors("chunk_too_large")).isEqualTo(2);
        s.process(whole(counters("nx-1", "Ethernet1/3", 3, 7)));
        assertThat(interfaceLines()).hasSize(1);
        assertThat(metrics.sum("teleflux_decode_errors_total")).isEqualTo(2);
    }

    @Test
    void theSharedChunkBudgetBoundsWhatAllStreamsHold() throws Exception {
        budget = new ChunkBudget(1000);
        CiscoDialoutService svc = service();
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> a = svc.open(new Peer("192.0.2.7", 1));
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> b = svc.open(new Peer("192.0.2.8", 2));
        ByteString part = ByteString.copyFrom(new byte[700]);
        a.process(MdtDialoutArgs.newBuilder().setTotalSize(5000).setData(part).build());
        b.process(MdtDialoutArgs.newBuilder().setTotalSize(5000).setData(part).build());
        assertThat(errors("chunk_overflow")).isEqualTo(1);
        assertThat(budget.used()).isEqualTo(700 + TotalSizeChunks.FRAGMENT_OVERHEAD);
        a.closed();
        b.closed();
        assertThat(budget.used()).isZero();
        assertThat(errors("chunk_incomplete")).isEqualTo(1);
    }

    @Test
    void anIncompleteMessageExpiresAfterTheChunkTimeoutEvenOnASilentStream() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service("teleflux.dialout.chunk-timeout = 10s", false)
                .open(new Peer("192.0.2.7", 40000));
        s.process(chunks(counters("nx-1", "Ethernet1/1", 1, 5), 2).get(0));
        assertThat(budget.used()).isPositive();
        budget.sweep(clock.get() + 10_001); // the dial-out timer
        assertThat(errors("chunk_timeout")).isEqualTo(1);
        assertThat(budget.used()).isZero();
        s.closed();
        assertThat(errors("chunk_incomplete")).isZero();
    }

    @Test
    void moreBytesThanAnnouncedDropTheMessage() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(10).setData(ByteString.copyFrom(new byte[6])).build());
        s.process(MdtDialoutArgs.newBuilder().setTotalSize(10).setData(ByteString.copyFrom(new byte[6])).build());
        assertThat(errors("chunk_size_mismatch")).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aMessageWithoutNodeIdReusesTheStreamsDeviceAndIsCounted() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(whole(counters(null, "Gi0", 1, 1)));
        assertThat(errors("missing_device")).isEqualTo(1);
        assertThat(points).isEmpty();
        s.process(whole(counters("xr-pe1", "Gi0", 2, 2)));
        s.process(whole(counters("", "Gi0", 3, 3)));
        assertThat(errors("missing_device")).isEqualTo(2);
        assertThat(interfaceLines()).hasSize(2).allMatch(l -> l.contains("device=xr-pe1,"));
    }

    @Test
    void overlongNamesRejectTheMessageAndMissingPathsAreCounted() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(whole(counters("x".repeat(257), "Gi0", 1, 1)));
        s.process(whole(counters("xr-pe1", "Gi0", 1, 1).toBuilder().setEncodingPath("p".repeat(257)).build()));
        assertThat(errors("name_too_long")).isEqualTo(2);
        s.process(whole(counters("xr-pe1", "Gi0", 1, 1).toBuilder().clearEncodingPath().build()));
        assertThat(errors("missing_encoding_path")).isEqualTo(1);
        assertThat(interfaceLines()).isEmpty();
    }

    @Test
    void deviceErrorsAndEmptyDataAreWarningsAndDataBesideAnErrorIsKept() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(MdtDialoutArgs.newBuilder().setErrors("subscription SUB1: sensor path not supported").build());
        s.process(MdtDialoutArgs.newBuilder().build());
        s.process(whole(counters("xr-pe1", "Gi0", 1, 1)).toBuilder().setErrors("partial").build());
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "device_error")).isEqualTo(2);
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "empty_data")).isEqualTo(1);
        assertThat(interfaceLines()).hasSize(1);
    }

    @Test
    void badPayloadsAreCountedByReasonAndTheStreamCarriesOn() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        s.process(MdtDialoutArgs.newBuilder().setData(ByteString.copyFrom(new byte[]{0x0a, (byte) 0xff})).build());
        s.process(MdtDialoutArgs.newBuilder().setData(ByteString.copyFromUtf8("{\"node_id_str\": }")).build());
        s.process(whole(Telemetry.newBuilder().setCollectionId(3).build()));
        s.process(whole(counters("xr-pe1", "Gi0", 1, 1).toBuilder().clearDataGpbkv()
                .setDataGpb(io.teleflux.proto.cisco.TelemetryGPBTable.newBuilder()
                        .addRow(io.teleflux.proto.cisco.TelemetryRowGPB.newBuilder().setContent(ByteString.copyFromUtf8("x"))))
                .build()));
        assertThat(errors("malformed_envelope")).isEqualTo(1);
        assertThat(errors("malformed_json")).isEqualTo(1);
        assertThat(errors("unknown_encoding")).isEqualTo(1);
        assertThat(errors("unknown_gpb_content")).isEqualTo(1);
        s.process(whole(counters("xr-pe1", "Gi0", 2, 2)));
        assertThat(interfaceLines()).hasSize(1);
    }

    @Test
    void jsonMessagesAreDecodedToo() throws Exception {
        StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> s = service().open(new Peer("192.0.2.7", 40000));
        String json = "{\"node_id_str\":\"xr-json\",\"encoding_path\":\"" + GENERIC_COUNTERS + "\",\"msg_timestamp\":\"1718000000000\","
                + "\"data_json\":[{\"timestamp\":\"1718000000001\",\"keys\":[{\"interface-name\":\"Gi0\"}],"
                + "\"content\":{\"bytes-received\":\"77\"}}]}";
        s.process(MdtDialoutArgs.newBuilder().setData(ByteString.copyFrom(json, StandardCharsets.UTF_8)).build());
        assertThat(interfaceLines()).containsExactly(
                "interface,device=xr-json,interface=Gi0,source=telemetry in_octets=77i 1718000000001");
    }

    @Test
    void aNameBoundToAnotherAddressIsRefusedWhenTheCheckIsOn() throws Exception {
        CiscoDialoutService svc = service("teleflux.dialout.require-device-name-match = true", true);
        svc.open(new Peer("192.0.2.7", 1)).process(whole(counters("xr-pe1", "Gi0", 1, 1)));
        svc.open(new Peer("192.0.2.99", 2)).process(whole(counters("xr-pe1", "Gi0", 2, 2)));
        assertThat(errors("device_name_mismatch")).isEqualTo(1);
        assertThat(interfaceLines()).hasSize(1);
    }

    @Test
    void servesExactlyTheMethodDevicesCall() {
        assertThat(service().methods()).singleElement()
                .satisfies(m -> assertThat(m.getFullMethodName()).isEqualTo("mdt_dialout.gRPCMdtDialout/MdtDialout"))
                .satisfies(m -> assertThat(m.getType()).isEqualTo(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING));
    }
}
