package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import io.teleflux.point.LineProtocol;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.proto.h3cv3.gRPCDialoutV3Grpc;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class H3cV3DialoutServiceTest {
    final V3Harness h = new V3Harness();

    static Telemetry.Builder header() {
        return Telemetry.newBuilder().setProducerName("H3C").setNodeIdStr("sw1").setProductName("S6850")
                .setSensorPath("Ifmgr/Statistics").setMsgTimestamp(1_718_000_000_123L).setExceptDesc("OK");
    }

    static final String STATS = "{\"Statistics\":{\"Interface\":[{\"IfIndex\":1,\"Name\":\"GE1/0/1\",\"InOctets\":5}]}}";

    static TelemetryGPBTable rows(Wire... contents) {
        TelemetryGPBTable.Builder t = TelemetryGPBTable.newBuilder();
        for (Wire c : contents) {
            t.addRow(TelemetryRowGPB.newBuilder().setContent(c.toByteString()));
        }
        return t.build();
    }

    List<String> lines() {
        return h.points.stream().map(LineProtocol::encode).toList();
    }

    @Test
    void servesTheMethodDevicesCall() {
        assertThat(h.service.methods()).singleElement().satisfies(m -> {
            assertThat(m.getFullMethodName()).isEqualTo("grpc_dialout_v3.gRPCDialoutV3/DialoutV3");
            assertThat(m.getType()).isEqualTo(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING);
        });
        assertThat(gRPCDialoutV3Grpc.SERVICE_NAME).isEqualTo("grpc_dialout_v3.gRPCDialoutV3");
    }

    @Test
    void answersNothingOnTheResponseStream() {
        assertThat(h.stream.finish()).isNull();
    }

    @Test
    void gpbRowsAreKeptGenericallyAndCounted() throws Exception {
        h.send(header().setEncoding(Telemetry.Encoding.Encoding_GPB)
                .setDataGpb(rows(Wire.message().varint(1, 1).text(2, "GE1/0/1"), Wire.message().varint(1, 2).text(2, "GE1/0/2")))
                .build());
        assertThat(lines()).containsExactly(
                "device,device=sw1,source=telemetry device_ip=\"192.0.2.21\",model=\"S6850\",vendor=\"H3C\" 1718000009999",
                "h3c_ifmgr_statistics,device=sw1,f2=GE1/0/1,source=telemetry f1=1i 1718000000123",
                "h3c_ifmgr_statistics,device=sw1,f2=GE1/0/2,source=telemetry f1=2i 1718000000123");
        assertThat(h.counter("teleflux_decode_warnings_total", "unknown_gpb_module")).isEqualTo(2);
        assertThat(h.metrics.value("teleflux_points_received_total", "source", "telemetry")).isEqualTo(3);
        assertThat(h.metrics.value("teleflux_dialout_messages_total", "device", "sw1")).isEqualTo(1);
    }

    @Test
    void whatTheMessageCarriesDecidesWhenEncodingDisagrees() throws Exception {
        // Encoding_JSON is proto3's default, so a GPB message that leaves encoding unset still decodes
        h.send(header().setDataGpb(rows(Wire.message().varint(1, 7))).build());
        h.send(header().setEncoding(Telemetry.Encoding.Encoding_GPB).setDataStr(STATS).build());
        assertThat(lines()).containsExactly(
                "device,device=sw1,source=telemetry device_ip=\"192.0.2.21\",model=\"S6850\",vendor=\"H3C\" 1718000009999",
                "h3c_ifmgr_statistics,device=sw1,row=0,source=telemetry f1=7i 1718000000123",
                "interface,device=sw1,interface=GE1/0/1,source=telemetry ifindex=1i,in_octets=5i 1718000000123");
    }

    @Test
    void anUnknownEncodingIsCountedAndTheMessageDecodedByWhatItCarries() throws Exception {
        h.send(header().setEncodingValue(7).setDataStr(STATS).build());
        assertThat(h.counter("teleflux_decode_warnings_total", "unknown_encoding")).isEqualTo(1);
        assertThat(h.points).extracting(p -> p.measurement()).containsExactly("device", "interface");
    }

    @Test
    void tooManyGpbRowsRefuseTheMessage() throws Exception {
        Wire[] many = new Wire[100_001];
        java.util.Arrays.fill(many, Wire.message().varint(1, 1));
        h.send(header().setEncoding(Telemetry.Encoding.Encoding_GPB).setDataGpb(rows(many)).build());
        assertThat(h.counter("teleflux_decode_errors_total", "too_many_rows")).isEqualTo(1);
        assertThat(h.points).as("no data, so no device point either").isEmpty();
    }

    @Test
    void theDevicesErrorsAreCountedAndTheStreamCarriesOn() throws Exception {
        h.stream.process(DialoutV3Args.newBuilder().setErrors("subscription SUB1: sensor path not supported").build());
        assertThat(h.counter("teleflux_decode_warnings_total", "device_error")).isEqualTo(1);
        assertThat(h.counter("teleflux_decode_warnings_total", "empty_message")).isZero();
        h.stream.process(DialoutV3Args.newBuilder().setReqId(5).build());
        assertThat(h.counter("teleflux_decode_warnings_total", "empty_message")).isEqualTo(1);
        h.send(header().setDataStr(STATS).build());
        assertThat(h.points).hasSize(2);
    }

    @Test
    void aMessageWithoutNodeIdIsDroppedUntilTheStreamHasANameThenKeepsIt() throws Exception {
        h.send(header().clearNodeIdStr().setDataStr(STATS).build());
        assertThat(h.points).isEmpty();
        h.send(header().setDataStr(STATS).build());
        h.send(header().setNodeIdStr("  ").setDataStr(STATS).build());
        assertThat(h.counter("teleflux_decode_errors_total", "missing_device")).isEqualTo(2);
        assertThat(h.points).extracting(p -> p.tag("device")).containsExactly("sw1", "sw1", "sw1");
    }

    @Test
    void overlongNamesAndPathsRejectTheMessage() throws Exception {
        h.send(header().setNodeIdStr("x".repeat(257)).setDataStr(STATS).build());
        h.send(header().setSensorPath("Ifmgr/" + "x".repeat(257)).setDataStr(STATS).build());
        assertThat(h.counter("teleflux_decode_errors_total", "name_too_long")).isEqualTo(2);
        assertThat(h.points).isEmpty();
    }

    @Test
    void bytesThatAreNotATelemetryAreCounted() throws Exception {
        h.stream.process(DialoutV3Args.newBuilder().setData(ByteString.copyFrom(new byte[]{0x0a, 0x7f, 1})).build());
        // proto3 strings must be UTF-8: one bad byte in any of them (a GBK description in data_str)
        // fails the whole Telemetry
        ByteString badUtf8 = Telemetry.newBuilder().setNodeIdStr("sw1").setDataStr("{}").build().toByteString();
        byte[] b = badUtf8.toByteArray();
        b[b.length - 1] = (byte) 0xff;
        h.stream.process(DialoutV3Args.newBuilder().setData(ByteString.copyFrom(b)).build());
        assertThat(h.counter("teleflux_decode_errors_total", "malformed_protobuf")).isEqualTo(2);
        assertThat(h.points).isEmpty();
    }

    @Test
    void theDevicePointComesAtTheStartOnChangeAndEveryFiveMinutes() throws Exception {
        h.send(header().setDataStr(STATS).build());
        h.now.addAndGet(1000);
        h.send(header().setDataStr(STATS).build());
        h.now.addAndGet(H3cV3DialoutService.DEVICE_INFO_EVERY_MS);
        h.send(header().setDataStr(STATS).build());
        h.now.addAndGet(1000);
        h.send(header().setProductName("S6850-2").setDataStr(STATS).build());
        assertThat(h.points.stream().filter(p -> p.measurement().equals("device")).count()).isEqualTo(3);
    }

    @Test
    void chunkedMessagesAreReassembledAndAStreamEndingMidMessageLosesItCounted() throws Exception {
        Telemetry t = header().setDataStr(STATS).build();
        h.sendChunked(t, 10);
        assertThat(h.points).hasSize(2);
        ByteString all = t.toByteString();
        h.stream.process(DialoutV3Args.newBuilder().setTotalSize(all.size()).setData(all.substring(0, 10)).build());
        assertThat(h.budget.used()).isPositive();
        h.stream.closed();
        assertThat(h.budget.used()).isZero();
        assertThat(h.counter("teleflux_decode_errors_total", "chunk_incomplete")).isEqualTo(1);
    }

    @Test
    void timesAreReadInTheirUnit() {
        assertThat(Epoch.toMs(1_718_000_000L)).isEqualTo(1_718_000_000_000L);
        assertThat(Epoch.toMs(1_718_000_000_123L)).isEqualTo(1_718_000_000_123L);
        assertThat(Epoch.toMs(1_718_000_000_123_456L)).isEqualTo(1_718_000_000_123L);
        assertThat(Epoch.toMs(1_718_000_000_123_456_789L)).isEqualTo(1_718_000_000_123L);
        assertThat(Epoch.toMs(0)).isZero();
        assertThat(Epoch.toMs(-1)).as("2^64 - 1 as unsigned: no time").isZero();
        assertThat(H3cV3DialoutService.messageTime(Telemetry.newBuilder().setCollectionStartTime(1_718_000_000L).build()))
                .isEqualTo(1_718_000_000_000L);
    }
}
