package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link H3cDecoder#decodeWithMetadata}: documents whose device, sensor path and time come from
 * outside them (H3C v3 dial-out's data_str). The golden cases of the v3 package cover the shapes
 * real devices send; these cover the edges of the walk.
 */
class DecodeWithMetadataTest {
    static final long TIME = 1_718_000_000_123L;
    final Metrics metrics = new Metrics();
    final H3cDecoder decoder = new H3cDecoder(metrics);

    List<String> decode(String path, String json) throws DecodeException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        List<Point> out = new ArrayList<>();
        int n = decoder.decodeWithMetadata("sw1", path, b, 0, b.length, TIME, out);
        assertThat(n).isEqualTo(out.size());
        return out.stream().map(LineProtocol::encode).toList();
    }

    String reason(String path, String json) {
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> decode(path, json));
        assertThat(e).isNotNull();
        return e.reason();
    }

    @Test
    void withoutASensorPathTheTopLevelHoldsModules() throws Exception {
        assertThat(decode("", "{\"Ifmgr\":{\"Statistics\":{\"Interface\":{\"Name\":\"GE1/0/1\",\"InOctets\":5}}}}"))
                .containsExactly("interface,device=sw1,interface=GE1/0/1,source=telemetry in_octets=5i 1718000000123");
    }

    @Test
    void scalarsAtTheTopAreSkippedAndTheGivenTimeStands() throws Exception {
        assertThat(decode("/Ifmgr/Statistics", "{\"Timestamp\":\"1\",\"x\":[1,2],\"Statistics\":{\"Interface\":"
                + "[{\"Name\":\"GE1/0/1\",\"InOctets\":5}]}}"))
                .containsExactly("interface,device=sw1,interface=GE1/0/1,source=telemetry in_octets=5i 1718000000123");
        assertThat(metrics.sum("teleflux_decode_warnings_total")).isZero();
    }

    @Test
    void anEnvelopeAndATableBesideItBothDecodeEachWithItsTime() throws Exception {
        assertThat(decode("Ifmgr/Statistics", "{\"Notification\":{\"Timestamp\":1718000000000,\"Ifmgr\":{\"Statistics\":"
                + "{\"Interface\":{\"Name\":\"GE1/0/1\",\"InOctets\":5}}}},"
                + "\"Statistics\":{\"Interface\":{\"Name\":\"GE1/0/2\",\"InOctets\":6}}}"))
                .containsExactly("interface,device=sw1,interface=GE1/0/1,source=telemetry in_octets=5i 1718000000000",
                        "interface,device=sw1,interface=GE1/0/2,source=telemetry in_octets=6i 1718000000123");
    }

    @Test
    void documentLevelFailuresAreTheClassicOnes() {
        assertThat(reason("Ifmgr/Statistics", "")).isEqualTo(DecodeException.EMPTY_JSON);
        assertThat(reason("Ifmgr/Statistics", "[1]")).isEqualTo(DecodeException.NOT_OBJECT);
        assertThat(reason("Ifmgr/Statistics", "{\"Statistics\":{}} {}")).isEqualTo(DecodeException.MALFORMED_JSON);
        assertThat(reason("Ifmgr/Statistics", "{\"Statistics\":{\"Interface\":[]}}")).isEqualTo(DecodeException.NO_USABLE_ROWS);
        assertThat(reason("Ifmgr/Statistics", "{\"Statistics\":{\"Interface\":[{\"InOctets\":1}]}}"))
                .as("a row without its key").isEqualTo(DecodeException.NO_USABLE_ROWS);
    }

    @Test
    void depthIsCountedAsIfTheEnvelopeWereThere() {
        H3cDecoder shallow = new H3cDecoder(metrics, 100, 6);
        byte[] b = "{\"Statistics\":{\"Interface\":[{\"Name\":\"GE1/0/1\",\"InOctets\":{\"a\":1}}]}}"
                .getBytes(StandardCharsets.UTF_8);
        DecodeException e = catchThrowableOfType(DecodeException.class,
                () -> shallow.decodeWithMetadata("sw1", "Ifmgr/Statistics", b, 0, b.length, TIME, new ArrayList<>()));
        assertThat(e.reason()).isEqualTo(DecodeException.TOO_DEEP);
    }

    @Test
    void theClassicWalkStillCountsAMissingTimestampAfterwardsOnTheSameThread() throws Exception {
        decode("Ifmgr/Statistics", "{\"Notification\":{\"Ifmgr\":{\"Statistics\":{\"Interface\":{\"Name\":\"a\",\"InOctets\":1}}}}}");
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "missing_timestamp")).isZero();
        decoder.decode("sw1", "Ifmgr/Statistics",
                "{\"Notification\":{\"Ifmgr\":{\"Statistics\":{\"Interface\":{\"Name\":\"a\",\"InOctets\":1}}}}}", TIME,
                new ArrayList<>());
        assertThat(metrics.value("teleflux_decode_warnings_total", "reason", "missing_timestamp")).isEqualTo(1);
    }

    @Test
    void genericMeasurementIsTheUnmappedPathsName() {
        assertThat(H3cDecoder.genericMeasurement("NETANALYSIS", "UnifiedFlowMonitorEvent"))
                .isEqualTo("h3c_netanalysis_unified_flow_monitor_event");
    }
}
