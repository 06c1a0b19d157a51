package io.teleflux;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static io.teleflux.DialoutClients.msg;
import static io.teleflux.DialoutClients.storedInOctets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dial-out listener against hostile or misconfigured peers, on a real collector writing to a
 * real influxd: the allowlist (a second loopback address, 127.0.0.2, plays the outsider), the
 * device-name binding, and each limit. Each refusal is counted, and everyone else carries on.
 */
class DialoutLimitsIT {
    static final String OUTSIDER = "127.0.0.2"; // Linux routes all of 127.0.0.0/8 to lo
    static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static InfluxdFixture influx;
    static final long T = System.currentTimeMillis() / 1000 * 1000 - 240_000;

    @BeforeAll
    static void start() {
        influx = InfluxdFixture.launch();
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
    }

    static Collector collector(String extra) throws Exception {
        return TestCollector.start(TestCollector.v1(influx.url()) + extra);
    }

    @Test
    void allowlistClosesOutsidersBeforeReadingAnythingAndLetsTheRestIn() throws Exception {
        try (Collector c = collector("teleflux.dialout.allow = [\"127.0.0.1/32\", \"2001:db8::/32\"]\n")) {
            // a raw client: the connection is closed and nothing is ever answered, not even HTTP/2 settings
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(OUTSIDER, 0));
                s.connect(new InetSocketAddress("127.0.0.1", c.dialoutPort()), 5000);
                s.setSoTimeout(10_000);
                int first;
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(HTTP2_PREFACE);
                    out.flush();
                    InputStream in = s.getInputStream();
                    first = in.read();
                } catch (SocketException reset) {
                    first = -1; // closed while we wrote: a reset, still nothing read
                }
                assertThat(first).as("bytes from the collector to an outsider").isEqualTo(-1);
            }
            assertThat(TestCollector.await(10, () -> rejected(c, "allowlist") == 1)).isTrue();

            ManagedChannel outsider = DialoutClients.plaintext(c.dialoutPort(), OUTSIDER);
            ManagedChannel insider = DialoutClients.plaintext(c.dialoutPort(), "127.0.0.1");
            try {
                assertThatThrownBy(() -> DialoutClients.stream(outsider, msg("sw-outside", "GE1/0/1", T, 5)))
                        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                assertThat(rejected(c, "allowlist")).isGreaterThanOrEqualTo(2);
                assertThat(DialoutClients.stream(insider, msg("sw-inside", "GE1/0/1", T, 6)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-inside", "GE1/0/1")).isEqualTo(6L);
            } finally {
                DialoutClients.close(outsider);
                DialoutClients.close(insider);
            }
            assertThat(influx.query("telemetry", "SELECT * FROM interface WHERE device = 'sw-outside'").isEmpty()).isTrue();
            assertThat(c.metrics().value("teleflux_dialout_streams_total")).as("outsiders never got a stream").isEqualTo(1);
        }
    }

    @Test
    void maxStreamsRefusesTheNextStreamAndTheOpenOnesCarryOn() throws Exception {
        try (Collector c = collector("teleflux.dialout.max-streams = 2\n")) {
            ManagedChannel ch = DialoutClients.plaintext(c.dialoutPort(), null);
            try {
                DialoutClients.Stream a = new DialoutClients.Stream(ch).send(msg("sw-ms-a", "first", T, 1));
                DialoutClients.Stream b = new DialoutClients.Stream(ch).send(msg("sw-ms-b", "first", T, 1));
                assertThat(storedInOctets(influx, "sw-ms-a", "first")).isEqualTo(1L);
                assertThat(storedInOctets(influx, "sw-ms-b", "first")).isEqualTo(1L);

                assertThatThrownBy(() -> DialoutClients.stream(ch, msg("sw-ms-c", "first", T, 1)))
                        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                assertThat(rejected(c, "max_streams")).isEqualTo(1);
                assertThat(c.metrics().value("teleflux_decode_errors_total", "reason", "message_too_large"))
                        .as("a refused stream is not an oversized message").isZero();

                a.send(msg("sw-ms-a", "second", T + 5000, 2));
                assertThat(a.finish().getResponse()).isEqualTo("ok");
                b.send(msg("sw-ms-b", "second", T + 5000, 2));
                assertThat(storedInOctets(influx, "sw-ms-a", "second")).isEqualTo(2L);
                assertThat(storedInOctets(influx, "sw-ms-b", "second")).isEqualTo(2L);

                // a's end made room: the refused device gets in when it redials
                assertThat(TestCollector.await(10, () -> c.metrics().value("teleflux_dialout_streams") <= 1)).isTrue();
                assertThat(DialoutClients.stream(ch, msg("sw-ms-c", "first", T, 3)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-ms-c", "first")).isEqualTo(3L);
                assertThat(b.finish().getResponse()).isEqualTo("ok");
            } finally {
                DialoutClients.close(ch);
            }
        }
    }

    @Test
    void maxRowsAndMaxDepthRejectTheDocumentAndTheStreamCarriesOn() throws Exception {
        try (Collector c = collector("teleflux.dialout { max-rows = 3, max-depth = 8 }\n")) {
            ManagedChannel ch = DialoutClients.plaintext(c.dialoutPort(), null);
            try {
                StringBuilder rows = new StringBuilder();
                for (int i = 1; i <= 4; i++) {
                    rows.append(i > 1 ? "," : "").append("{\"IfIndex\":").append(i).append(",\"Name\":\"GE").append(i)
                            .append("\",\"InOctets\":").append(i).append('}');
                }
                DialoutMsg tooMany = raw("sw-limits", "{\"Notification\":{\"Timestamp\":\"" + T
                        + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[" + rows + "]}}}}");
                String deep = "{\"Notification\":{\"Timestamp\":\"" + T + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"Name\":\"GE9\","
                        + "\"A\":{\"B\":{\"C\":{\"D\":1}}}}]}}}}";
                assertThat(DialoutClients.stream(ch, tooMany, raw("sw-limits", deep), msg("sw-limits", "after", T, 77))
                        .getResponse()).isEqualTo("ok");
                assertThat(c.metrics().value("teleflux_decode_errors_total", "reason", "too_many_rows")).isEqualTo(1);
                assertThat(c.metrics().value("teleflux_decode_errors_total", "reason", "too_deep")).isEqualTo(1);
                assertThat(storedInOctets(influx, "sw-limits", "after")).isEqualTo(77L);
                assertThat(influx.query("telemetry", "SELECT * FROM interface WHERE device = 'sw-limits' AND interface =~ /^GE/")
                        .isEmpty()).as("nothing of a rejected document is stored").isTrue();
            } finally {
                DialoutClients.close(ch);
            }
        }
    }

    @Test
    void aNameBoundToAnotherAddressIsDroppedCountedAndLoggedOthersCarryOn() throws Exception {
        try (Collector c = collector("teleflux.dialout.require-device-name-match = true\n");
             LogCapture logs = LogCapture.of("io.teleflux.dialout")) {
            ManagedChannel real = DialoutClients.plaintext(c.dialoutPort(), "127.0.0.1");
            ManagedChannel spoofer = DialoutClients.plaintext(c.dialoutPort(), OUTSIDER);
            try {
                assertThat(DialoutClients.stream(real, msg("sw-bound", "GE1/0/1", T, 100)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-bound", "GE1/0/1")).isEqualTo(100L);

                // same stream: the stolen name is dropped, the spoofer's own name is fine
                assertThat(DialoutClients.stream(spoofer, msg("sw-bound", "GE1/0/1", T + 5000, 999),
                        msg("sw-other", "GE1/0/1", T, 200)).getResponse()).isEqualTo("ok");
                assertThat(storedInOctets(influx, "sw-other", "GE1/0/1")).isEqualTo(200L);
                assertThat(c.metrics().value("teleflux_decode_errors_total", "reason", "device_name_mismatch")).isEqualTo(1);
                assertThat(logs.containing("'sw-bound' expected from 127.0.0.1 but sent from 127.0.0.2")).hasSize(1);

                assertThat(DialoutClients.stream(real, msg("sw-bound", "GE1/0/1", T + 10_000, 300)).getResponse()).isEqualTo("ok");
                TestCollector.flush(c);
                assertThat(influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = 'sw-bound' ORDER BY time")
                        .single().column("in_octets")).containsExactly(100L, 300L);
                assertThat(c.metrics().value("teleflux_dialout_messages_total", "device", "sw-bound"))
                        .as("the spoofed message is not counted as the device's").isEqualTo(2);
            } finally {
                DialoutClients.close(real);
                DialoutClients.close(spoofer);
            }
        }
    }

    static DialoutMsg raw(String device, String json) {
        return DialoutMsg.newBuilder()
                .setDeviceMsg(DeviceInfo.newBuilder().setProducerName("H3C").setDeviceName(device).setDeviceModel("S6850"))
                .setSensorPath("Ifmgr/Statistics").setJsonData(json).build();
    }

    static double rejected(Collector c, String reason) {
        return c.metrics().value("teleflux_dialout_rejected_total", "reason", reason);
    }
}
