package io.teleflux.selfmon;

import io.teleflux.point.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    @Test
    void prometheusTextHasTypesHelpAndEscapedLabels() {
        Metrics m = new Metrics();
        m.describe("teleflux_decode_errors_total", Metrics.Type.COUNTER, "Messages that could not be decoded");
        m.counter("teleflux_decode_errors_total", "reason", "malformed_json").add(3);
        m.counter("teleflux_dialout_messages_total", "device", "sw \"1\"\\").inc();
        m.gauge("teleflux_queue_points", () -> 42);
        String text = m.prometheusText();
        assertThat(text).contains("# HELP teleflux_decode_errors_total Messages that could not be decoded\n"
                + "# TYPE teleflux_decode_errors_total counter\n"
                + "teleflux_decode_errors_total{reason=\"malformed_json\"} 3\n");
        assertThat(text).contains("teleflux_dialout_messages_total{device=\"sw \\\"1\\\"\\\\\"} 1\n");
        assertThat(text).contains("# TYPE teleflux_queue_points gauge\nteleflux_queue_points 42\n");
    }

    @Test
    void pointsGroupFamiliesByLabelSetWithStableTypes() {
        Metrics m = new Metrics();
        m.counter("teleflux_points_written_total").add(10);
        m.gauge("teleflux_queue_points", () -> 7);
        m.counter("teleflux_points_dropped_total", "reason", "http_400").add(2);
        List<Point> pts = m.toPoints("c1", 1000);
        assertThat(pts).extracting(Point::toString).containsExactlyInAnyOrder(
                "teleflux,instance=c1 points_written_total=10i,queue_points=7 1000",
                "teleflux,instance=c1,reason=http_400 points_dropped_total=2i 1000");
    }
}
