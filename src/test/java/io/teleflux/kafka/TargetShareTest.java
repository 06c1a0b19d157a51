package io.teleflux.kafka;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.FreePorts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The membership before Kafka ever answers (brokers on a port nothing listens on): it owns no
 * target, /health stays quiet for the documented bound and then says why, and close returns.
 */
class TargetShareTest {
    @Test
    void withoutKafkaItOwnsNothingAndHealthSaysSoAfterTheBound() {
        KafkaConfig kafka = ConfigLoader.fromConfig(ConfigFactory.parseString(
                "teleflux.kafka.bootstrap-servers = \"127.0.0.1:" + FreePorts.next() + "\""), Map.of(),
                List.of(KafkaConfig.SECTION)).get(KafkaConfig.SECTION);
        ShareConfig cfg = ConfigLoader.fromConfig(ConfigFactory.parseString("teleflux.share { enabled = true, session-timeout = 6s }"),
                Map.of(), List.of(ShareConfig.SECTION)).get(ShareConfig.SECTION);
        AtomicLong now = new AtomicLong(1_000_000);
        Metrics metrics = new Metrics();
        TargetShare share = new TargetShare(cfg, kafka, "t1", metrics, now::get);
        List<Integer> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        share.onChange(() -> changes.add(1));
        try {
            share.start();
            assertThat(share.owns("sw-1")).isFalse();
            assertThat(share.problem(now.get() + 29_000)).isNull();
            assertThat(share.problem(now.get() + 31_000)).isEqualTo(
                    "shared polling: no assignment from group \"teleflux-collectors\" in 31 s (is Kafka reachable?)");
            assertThat(metrics.value(KafkaMetrics.SHARE_PARTITIONS)).isZero();
            assertThat(metrics.value(KafkaMetrics.SHARE_ASSIGNMENT_AGE)).isEqualTo(-1);
        } finally {
            long t = System.nanoTime();
            share.close(Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(changes).as("nothing was owned, so nothing changed").isEmpty();
        assertThat(share.problem(now.get() + 60_000)).as("closed").isNull();
    }
}
