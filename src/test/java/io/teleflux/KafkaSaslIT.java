package io.teleflux;

import io.teleflux.config.ConfigLoader;
import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.point.Point;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SASL/PLAIN against a real broker: the right password writes, a wrong one is refused by the broker
 * and its batches wait in the spool, and neither password reaches a log line or check-config.
 */
class KafkaSaslIT {
    static final String GOOD = "kafka-good-pw-7f3a";
    static final String BAD = "kafka-wrong-pw-91c2";

    @Test
    void theRightPasswordWritesAWrongOneSpoolsAndNeitherIsLogged() throws Exception {
        Path dir = TempDirs.create("teleflux-kafka-sasl-");
        try (KafkaFixture kafka = KafkaFixture.launchWithSasl("teleflux", GOOD);
             LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            kafka.createTopic("lines", 1);
            assertThat(write(kafka, dir.resolve("good"), GOOD, 40)).as("written with the right password").isTrue();
            assertThat(write(kafka, dir.resolve("bad"), BAD, 40)).as("refused with a wrong password").isFalse();
            assertThat(logs.text()).doesNotContain(GOOD).doesNotContain(BAD)
                    .contains("Kafka write to topic \"lines\"");
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** A collector writing {@code n} points with {@code password}; true when all were acknowledged, false when all went to the spool. */
    private static boolean write(KafkaFixture kafka, Path spool, String password, int n) throws Exception {
        String hocon = """
                teleflux {
                  selfmon.enabled = false
                  influx.enabled = false
                  kafka {
                    enabled = true, bootstrap-servers = "%s", topic = lines, flush-interval = 100ms, timeout = 3s
                    retry { initial-backoff = 200ms, max-backoff = 1s }
                    spool.dir = "%s"
                    security { protocol = SASL_PLAINTEXT, sasl { mechanism = PLAIN, username = teleflux, password = "%s" } }
                  }
                }
                """.formatted(kafka.bootstrap(), spool, password);
        Collector c = TestCollector.start(hocon);
        try {
            String described = ConfigLoader.describe(TestCollector.config(hocon));
            assertThat(described).doesNotContain(password).contains("teleflux.kafka.security.sasl.password = (set, redacted)");
            return writtenOrSpooled(c, "sw", 4, n);
        } finally {
            c.close();
        }
    }

    /**
     * Hands {@code c} {@code n} points of {@code devices} devices named {@code prefix-0...}: true when
     * the brokers acknowledged all of them, false when all went to the spool (a refused login or
     * handshake fails the write, and the writer spools the batch: either outcome is final).
     */
    static boolean writtenOrSpooled(Collector c, String prefix, int devices, int n) throws Exception {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(Point.builder("interface").tag("device", prefix + "-" + (i % devices)).tag("interface", "if" + i)
                    .field("in_octets", (long) i).time(1_700_000_000_000L).build());
        }
        c.pipeline().accept(points);
        assertThat(TestCollector.await(30, () -> c.metrics().value(KafkaMetrics.WRITTEN) == n
                || c.metrics().value(KafkaMetrics.SPOOL_POINTS) == n)).as("written or spooled").isTrue();
        boolean written = c.metrics().value(KafkaMetrics.WRITTEN) == n;
        if (!written) {
            assertThat(c.metrics().value(KafkaMetrics.WRITTEN)).isZero();
        }
        return written;
    }
}
