package io.teleflux.gnmi;

import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.GnmiTargetFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow control against a real target (Python grpcio, sending 20 samples a second): while the
 * pipeline does not take points, the session reads nothing more (one notification is handed on,
 * the next waits in gRPC's transport window, nothing is queued in the collector), /health says so
 * unless the output is holding back, and reading resumes when the pipeline does.
 */
class GnmiFlowControlIT {
    static final String DEVICE = "fc";

    static boolean await(int seconds, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    @Test
    void aBlockedPipelineStopsTheReadingAndNothingPilesUp() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000;
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handedOn = new AtomicInteger();
        PointSink sink = points -> {
            handedOn.incrementAndGet();
            release.await();
        };
        try (GnmiTargetFixture target = GnmiTargetFixture.builder().devices(DEVICE).startMs(now).samples(1).stepMs(50)
                .live().launch()) {
            GnmiTarget t = new GnmiTarget("t", DEVICE, new HostPort("127.0.0.1", target.port()), "", Secret.EMPTY,
                    GnmiTls.PLAINTEXT, Duration.ofMillis(100), Duration.ZERO, GnmiTarget.StateMode.SAMPLE, "", "",
                    List.of("/interfaces/interface/state/counters"), GnmiTarget.EncodingChoice.AUTO);
            GnmiConfig cfg = new GnmiConfig(List.of(t), "", new GnmiConfig.Redial(Duration.ofMillis(100),
                    Duration.ofSeconds(1), 2, 0.2), Duration.ofSeconds(5), Duration.ZERO, 16 << 20, GnmiConfig.Limits.DEFAULTS);
            Metrics metrics = new Metrics();
            GnmiClient client = new GnmiClient(cfg, sink, metrics, System::currentTimeMillis);
            client.start();
            try {
                assertThat(await(20, () -> handedOn.get() == 1)).isTrue();
                Thread.sleep(1500); // the target goes on producing 20 samples a second
                assertThat(handedOn.get()).isEqualTo(1);
                assertThat(metrics.value(GnmiMetrics.NOTIFICATIONS, "device", DEVICE)).as("read while blocked").isEqualTo(1);
                assertThat(client.problem(1000, false)).contains("gNMI target fc: one notification has been in processing for 1 s");
                assertThat(client.problem(1000, true)).as("the output holds back: not stuck").isNull();

                release.countDown();
                assertThat(await(20, () -> metrics.value(GnmiMetrics.NOTIFICATIONS, "device", DEVICE) > 40)).isTrue();
                assertThat(client.problem(1000, false)).isNull();
                assertThat(metrics.value(GnmiMetrics.RECONNECTS, "device", DEVICE)).isZero();
            } finally {
                release.countDown();
                long t0 = System.nanoTime();
                client.close(Duration.ofSeconds(5));
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("close is bounded").isLessThan(5000);
                client.close(Duration.ofSeconds(5)); // idempotent
            }
            assertThat(metrics.value(GnmiMetrics.CONNECTED, "device", DEVICE)).isZero();
        }
    }

    @Test
    void closeBeforeStartAndAgainIsHarmless() throws Exception {
        GnmiConfig cfg = new GnmiConfig(List.of(), "", new GnmiConfig.Redial(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 0),
                Duration.ofSeconds(1), null, 1 << 20, GnmiConfig.Limits.DEFAULTS);
        GnmiClient client = new GnmiClient(cfg, points -> { }, new Metrics(), System::currentTimeMillis);
        client.close(Duration.ofSeconds(1));
        client.close(Duration.ofSeconds(1));
        assertThat(client.problem(1, false)).isNull();
    }
}
