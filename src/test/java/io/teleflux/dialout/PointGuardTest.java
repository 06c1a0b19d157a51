package io.teleflux.dialout;

import io.teleflux.dialout.DialoutConfig;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PointGuardTest {
    private final Metrics metrics = new Metrics();
    private final List<List<Point>> delivered = new ArrayList<>();
    private final DialoutConfig.Limits limits = new DialoutConfig.Limits(256, 128, Duration.ofMinutes(10), Duration.ofSeconds(20), 1000,
            Duration.ofSeconds(10), 1 << 20, 1 << 20, 64, 3, 5, 10, 100, 10, Duration.ofMinutes(15));
    private final PointGuard guard = new PointGuard(delivered::add, limits, metrics);

    private static Point point(String device, String measurement, int fields) {
        Point.Builder b = Point.builder(measurement).tag("device", device).tag("source", "telemetry").time(1000);
        for (int i = 0; i < fields; i++) {
            b.field("f" + i, (long) i);
        }
        return b.build();
    }

    @Test
    void aWellFormedMessagePassesAsTheSameList() throws InterruptedException {
        List<Point> in = List.of(point("sw1", "interface", 3), point("sw1", "interface", 3), point("sw1", "device", 1));
        guard.accept(in);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0)).isSameAs(in);
        assertThat(metrics.sum(PointGuard.TRUNCATED) + metrics.sum("teleflux_points_dropped_total")).isZero();
    }

    @Test
    void everyLongNameIsCutWithAHashAndCounted() throws InterruptedException {
        String longIface = "Ten-GigabitEthernet" + "9".repeat(10_000);
        Point p = Point.builder("h3c_" + "m".repeat(100)).tag("device", "sw1").tag("interface", longIface)
                .tag("k".repeat(70), "v").field("x".repeat(80), 1L).field("ok", 2.5).field("s", "text").time(7).build();
        guard.accept(List.of(point("sw1", "interface", 1), p));
        Point out = delivered.get(0).get(1);
        assertThat(out.measurement()).hasSize(64).startsWith("h3c_mmm");
        assertThat(out.tag("interface")).hasSize(64).startsWith("Ten-GigabitEthernet999").matches(".*~[0-9a-f]{8}");
        assertThat(out.tags().keySet()).allMatch(k -> k.length() <= 64);
        assertThat(out.fields()).containsEntry("ok", 2.5).containsEntry("s", "text").hasSize(3);
        assertThat(out.fields().keySet()).allMatch(k -> k.length() <= 64);
        assertThat(out.timeMs()).isEqualTo(7);
        assertThat(delivered.get(0).get(0)).isEqualTo(point("sw1", "interface", 1));
        assertThat(metrics.value(PointGuard.TRUNCATED, "kind", "measurement")).isEqualTo(1);
        assertThat(metrics.value(PointGuard.TRUNCATED, "kind", "tag_value")).isEqualTo(1);
        assertThat(metrics.value(PointGuard.TRUNCATED, "kind", "tag_key")).isEqualTo(1);
        assertThat(metrics.value(PointGuard.TRUNCATED, "kind", "field_key")).isEqualTo(1);
    }

    @Test
    void fieldsBeyondTheLimitAreDroppedAndCounted() throws InterruptedException {
        guard.accept(List.of(point("sw1", "h3c_x", 100_000)));
        Point out = delivered.get(0).get(0);
        assertThat(out.fieldCount()).isEqualTo(10);
        assertThat(out.fields()).containsEntry("f0", 0L).containsEntry("f9", 9L);
        assertThat(metrics.value("teleflux_fields_dropped_total", "reason", "field_limit")).isEqualTo(99_990);
    }

    @Test
    void measurementsBeyondThePerMessageLimitAreDroppedAndCounted() throws InterruptedException {
        List<Point> in = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            in.add(point("sw1", "h3c_t" + (i % 4), 1)); // 4 measurements, each many times
        }
        guard.accept(in);
        assertThat(delivered.get(0)).hasSize(15_000).allMatch(p -> !p.measurement().equals("h3c_t3"));
        assertThat(metrics.value("teleflux_points_dropped_total", "reason", "measurement_limit")).isEqualTo(5_000);
    }

    @Test
    void aDeviceCannotCreateMoreMeasurementsThanItsShareOverManyMessagesButOthersCan() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            guard.accept(List.of(point("flood", "h3c_t" + i, 1)));
        }
        assertThat(delivered).hasSize(5);
        guard.accept(List.of(point("flood", "h3c_t2", 1))); // one it has already: still written
        assertThat(delivered).hasSize(6);
        guard.accept(List.of(point("sw-real", "h3c_t19", 1)));
        assertThat(delivered).hasSize(7);
        assertThat(metrics.value("teleflux_points_dropped_total", "reason", "measurement_limit")).isEqualTo(15);
    }
}
