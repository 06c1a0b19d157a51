package io.teleflux.dialout.huawei;

import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.teleflux.config.HostPort;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.dialout.DeviceBinding;
import io.teleflux.dialout.DeviceLabels;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
import io.teleflux.proto.huawei.Ifm;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryGPBTable;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-stream side: device name, device point, metrics, what is dropped and what carries on. */
class HuaweiDialoutServiceTest {
    static final String PATH = "huawei-ifm:ifm/interfaces/interface/mib-statistics";
    final Metrics metrics = new Metrics();
    final List<Point> points = new ArrayList<>();
    final AtomicLong now = new AtomicLong(1_718_000_010_000L);

    HuaweiDialoutService service(boolean requireNameMatch) {
        DialoutConfig cfg = new DialoutConfig(true, new HostPort("127.0.0.1", 0), 1 << 20, 1, 1 << 20,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        DialoutConfig.Limits l = cfg.limits();
        DialoutContext ctx = new DialoutContext(points::addAll, metrics, cfg, ChunkBudget.unlimited(),
                new DeviceLabels(metrics, l.maxDeviceLabels(), l.maxDeviceLabelsPerPeer(), l.deviceLabelExpiry().toMillis()),
                requireNameMatch ? new DeviceBinding(metrics) : null, now::get);
        return HuaweiDialoutService.create(ctx);
    }

    static byte[] ifm(String name, long in, long out) {
        return Ifm.newBuilder().setInterfaces(Ifm.Interfaces.newBuilder().addInterface(Ifm.Interfaces.Interface.newBuilder()
                .setName(name).setMibStatistics(Ifm.Interfaces.Interface.MibStatistics.newBuilder()
                        .setReceiveByte(in).setSendByte(out)))).build().toByteArray();
    }

    static serviceArgs gpb(String node, long ts, byte[] content) {
        Telemetry t = Telemetry.newBuilder().setNodeIdStr(node).setSensorPath(PATH).setMsgTimestamp(ts)
                .setProductName("NetEngine 8000 F").setSoftwareVersion("V800R022C00").setExceptDesc("OK")
                .setDataGpb(TelemetryGPBTable.newBuilder().addRow(TelemetryRowGPB.newBuilder().setTimestamp(ts)
                        .setContent(ByteString.copyFrom(content)))).build();
        return serviceArgs.newBuilder().setReqId(1).setData(t.toByteString()).build();
    }

    List<Point> measurement(String m) {
        return points.stream().filter(p -> p.measurement().equals(m)).toList();
    }

    @Test
    void servesTheMethodDevicesCallBidirectional() {
        List<MethodDescriptor<serviceArgs, serviceArgs>> m = service(false).methods();
        assertThat(m).hasSize(1);
        assertThat(m.get(0).getFullMethodName()).isEqualTo("huawei_dialout.gRPCDataservice/dataPublish");
        assertThat(m.get(0).getType()).isEqualTo(MethodDescriptor.MethodType.BIDI_STREAMING);
    }

    @Test
    void decodesAStreamWithADevicePointAndNothingOnTheResponseStream() throws Exception {
        StreamProcessor<serviceArgs, serviceArgs> s = service(false).open(new Peer("192.0.2.7", 40000));
        s.process(gpb("PE1", 1_718_000_000_000L, ifm("100GE1/0/1", 1000, 2000)));
        now.addAndGet(10_000);
        s.process(gpb("PE1", 1_718_000_010_000L, ifm("100GE1/0/1", 2000, 4000)));

        List<Point> ifs = measurement("interface");
        assertThat(ifs).hasSize(2);
        assertThat(ifs.get(1).tags()).containsEntry("device", "PE1").containsEntry("interface", "100GE1/0/1")
                .containsEntry("source", "telemetry");
        assertThat(ifs.get(1).field("in_octets")).isEqualTo(2000L);
        assertThat(ifs.get(1).timeMs()).isEqualTo(1_718_000_010_000L);
        List<Point> dev = measurement("device");
        assertThat(dev).as("once per stream start, then every 5 min or on change").hasSize(1);
        assertThat(dev.get(0).fields()).containsEntry("device_ip", "192.0.2.7").containsEntry("vendor", "Huawei")
                .containsEntry("model", "NetEngine 8000 F").containsEntry("software_version", "V800R022C00");
        assertThat(metrics.value("teleflux_dialout_messages_total", "device", "PE1")).isEqualTo(2);
        assertThat(metrics.value("teleflux_points_received_total", "source", "telemetry")).isEqualTo(3);
        assertThat(s.finish()).as("the response stream stays silent").isNull();
        s.closed();
        assertThat(metrics.sum("teleflux_decode_errors_total")).isZero();
    }

    @Test
    void aMessageWithoutNodeIdKeepsTheStreamsNameAndTheFirstIsDropped() throws Exception {
        StreamProcessor<serviceArgs, serviceArgs> s = service(false).open(new Peer("192.0.2.7", 40000));
        s.process(gpb("", 1_718_000_000_000L, ifm("GE0/0/1", 1, 1)));
        assertThat(points).isEmpty();
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "missing_device")).isEqualTo(1);
        s.process(gpb("PE9", 1_718_000_000_000L, ifm("GE0/0/1", 1, 1)));
        s.process(gpb("  ", 1_718_000_005_000L, ifm("GE0/0/1", 2, 2)));
        assertThat(measurement("interface")).extracting(p -> p.tag("device")).containsExactly("PE9", "PE9");
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "missing_device")).isEqualTo(2);
    }

    @Test
    void badMessagesAreCountedByReasonAndTheStreamCarriesOn() throws Exception {
        StreamProcessor<serviceArgs, serviceArgs> s = service(false).open(new Peer("192.0.2.7", 40000));
        s.process(serviceArgs.newBuilder().setData(ByteString.copyFrom(new byte[]{0x0a, (byte) 0xc8, 0x01, 0x41})).build());
        s.process(serviceArgs.newBuilder().setDataJson("{\"node_id_str\":").build());
        s.process(serviceArgs.newBuilder().setReqId(3).build());
        s.process(serviceArgs.newBuilder().setErrors("sensor path not supported").build());
        s.process(gpb("PE1", 1_718_000_000_000L, new byte[]{0x0a, 0x7f}));
        s.process(gpb("PE1", 1_718_000_000_000L, ifm("GE0/0/1", 5, 6)));
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "malformed_envelope")).isEqualTo(2);
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "empty_message")).isEqualTo(1);
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "device_reported_error")).isEqualTo(1);
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "malformed_gpb_content")).isEqualTo(1);
        assertThat(measurement("interface")).singleElement().satisfies(p -> assertThat(p.field("in_octets")).isEqualTo(5L));
    }

    @Test
    void overlongNodeIdOrSensorPathIsRejectedNotCut() throws Exception {
        StreamProcessor<serviceArgs, serviceArgs> s = service(false).open(new Peer("192.0.2.7", 40000));
        s.process(gpb("x".repeat(257), 1_718_000_000_000L, ifm("GE0/0/1", 1, 1)));
        Telemetry longPath = Telemetry.newBuilder().setNodeIdStr("PE1").setSensorPath("a/".repeat(200)).build();
        s.process(serviceArgs.newBuilder().setData(longPath.toByteString()).build());
        assertThat(points).isEmpty();
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "name_too_long")).isEqualTo(2);
    }

    @Test
    void aNameBoundToAnotherAddressIsRefused() throws Exception {
        HuaweiDialoutService svc = service(true);
        svc.open(new Peer("192.0.2.7", 1)).process(gpb("PE1", 1_718_000_000_000L, ifm("GE0/0/1", 1, 1)));
        svc.open(new Peer("198.51.100.9", 2)).process(gpb("PE1", 1_718_000_000_000L, ifm("GE0/0/1", 666, 666)));
        assertThat(measurement("interface")).singleElement().satisfies(p -> assertThat(p.field("in_octets")).isEqualTo(1L));
        assertThat(metrics.value("teleflux_decode_errors_total", "reason", "device_name_mismatch")).isEqualTo(1);
    }

    @Test
    void theDevicePointIsRepeatedWhenItsFieldsChangeAndEveryFiveMinutes() throws Exception {
        StreamProcessor<serviceArgs, serviceArgs> s = service(false).open(new Peer("192.0.2.7", 40000));
        s.process(gpb("PE1", 1_718_000_000_000L, ifm("GE0/0/1", 1, 1)));
        now.addAndGet(HuaweiDialoutService.DEVICE_INFO_EVERY_MS);
        s.process(gpb("PE1", 1_718_000_300_000L, ifm("GE0/0/1", 1, 1)));
        Telemetry upgraded = Telemetry.parseFrom(gpb("PE1", 1, ifm("GE0/0/1", 1, 1)).getData()).toBuilder()
                .setSoftwareVersion("V800R023C00").build();
        s.process(serviceArgs.newBuilder().setData(upgraded.toByteString()).build());
        assertThat(measurement("device")).extracting(p -> p.field("software_version"))
                .containsExactly("V800R022C00", "V800R022C00", "V800R023C00");
    }
}
