package io.teleflux.dialout;

import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceLabelsTest {
    private final Metrics metrics = new Metrics();
    private final DeviceLabels labels = new DeviceLabels(metrics, 4, 2, 60_000);

    @Test
    void aDeviceKeepsItsLabelAndItsSeries() {
        DeviceLabels.Label a = labels.acquire("sw1", "10.0.0.1", 0);
        a.touch(5, 100);
        a.heard(5);
        a.touch(6, 50); // a message that yielded nothing: received, but not heard from
        assertThat(labels.acquire("sw1", "10.0.0.1", 7)).isSameAs(a);
        assertThat(metrics.value(DeviceLabels.MESSAGES, "device", "sw1")).isEqualTo(2);
        assertThat(metrics.value(DeviceLabels.BYTES, "device", "sw1")).isEqualTo(150);
        assertThat(metrics.value(DeviceLabels.DATA_MESSAGES, "device", "sw1")).isEqualTo(1);
        assertThat(metrics.value(DeviceLabels.LAST_DATA, "device", "sw1")).isEqualTo(5);
    }

    @Test
    void onePeerCannotTakeMoreThanItsShare() {
        assertThat(labels.acquire("fake1", "10.6.6.6", 0).value()).isEqualTo("fake1");
        assertThat(labels.acquire("fake2", "10.6.6.6", 0).value()).isEqualTo("fake2");
        assertThat(labels.acquire("fake3", "10.6.6.6", 0).value()).isEqualTo(DeviceLabels.OTHER);
        assertThat(labels.acquire("real", "10.0.0.1", 0).value()).isEqualTo("real");
        assertThat(metrics.value("teleflux_dialout_device_labels_folded_total", "reason", "peer_share")).isEqualTo(1);
    }

    @Test
    void aFullTableReclaimsQuietLabelsButNeverBusyOnes() {
        for (int i = 0; i < 4; i++) {
            labels.acquire("d" + i, "10.0.0." + i, 0).touch(0, 1);
        }
        labels.acquire("d0", "10.0.0.0", 0).touch(100_000, 1); // d0 is still sending
        assertThat(labels.acquire("new-busy", "10.0.1.1", 30_000).value()).as("nothing quiet long enough yet")
                .isEqualTo(DeviceLabels.OTHER);
        assertThat(metrics.value("teleflux_dialout_device_labels_folded_total", "reason", "full")).isEqualTo(1);

        DeviceLabels.Label fresh = labels.acquire("fresh", "10.0.1.2", 120_000);
        assertThat(fresh.value()).isEqualTo("fresh");
        assertThat(labels.size()).isEqualTo(2); // d0 and fresh: d1..d3 were quiet for two minutes
        assertThat(metrics.value("teleflux_dialout_device_labels_reclaimed_total")).isEqualTo(3);
        assertThat(metrics.prometheusText()).doesNotContain("device=\"d1\"").contains("device=\"d0\"");

        // a reclaimed device that comes back gets a label again, as a new device
        assertThat(labels.acquire("d1", "10.0.0.1", 121_000).value()).isEqualTo("d1");
    }

    @Test
    void aReclaimedLabelTellsItsStream() {
        DeviceLabels small = new DeviceLabels(metrics, 1, 1, 1_000);
        DeviceLabels.Label old = small.acquire("old", "10.0.0.1", 0);
        assertThat(old.released()).isFalse();
        small.acquire("new", "10.0.0.2", 5_000);
        assertThat(old.released()).isTrue();
    }
}
