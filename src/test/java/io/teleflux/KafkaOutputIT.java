package io.teleflux;

import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.SentLog;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.TempDirs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collector with both outputs: every point reaches InfluxDB directly and the Kafka topic, where
 * each record holds whole lines of the one device its key names, each device's records are in one
 * partition, and every sample is there once.
 */
class KafkaOutputIT {
    @Test
    void bothOutputsGetEveryPointAndRecordsAreKeyedByDevice() throws Exception {
        Path dir = TempDirs.create("teleflux-kafka-out-");
        try (KafkaFixture kafka = KafkaFixture.launch(); InfluxdFixture influx = InfluxdFixture.launch()) {
            kafka.createTopic("lines", 3);
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux {
                      selfmon.enabled = false
                      kafka {
                        enabled = true, bootstrap-servers = "%s", topic = lines, flush-interval = 100ms, batch-size = 500
                        record-max-bytes = 8 KiB, spool.dir = "%s"
                      }
                    }
                    """.formatted(kafka.bootstrap(), dir.resolve("kspool")));
            SentLog sent;
            try {
                sent = SpoolCrashIT.send(new CounterModel(SpoolCrashIT.DEVICES, 48, "out-"), collector.dialoutPort(),
                        (System.currentTimeMillis() / 1000) * 1000 - 600_000);
                long want = sent.points() + SpoolCrashIT.DEVICES; // plus each stream's device point
                assertThat(TestCollector.await(60, () -> collector.metrics().value(KafkaMetrics.WRITTEN) == want
                        && SpoolCrashIT.total(influx) == sent.points())).as("written to both").isTrue();
                assertThat(collector.metrics().value(KafkaMetrics.DROPPED, "reason", "no_fields")).isZero();
                assertThat(collector.health().json()).as("/health shows the Kafka output beside InfluxDB")
                        .containsPattern("\"kafka\":\\{\"queue_points\":0,\"spool_points\":0,\"last_write_ms\":1\\d{12}\\}");
            } finally {
                collector.close();
            }

            Map<String, Set<Integer>> partitionsByDevice = new TreeMap<>();
            Map<String, Set<Long>> times = new HashMap<>();
            long lines = 0;
            long statistics = 0;
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of("lines"));
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (lines < sent.points() + SpoolCrashIT.DEVICES && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        assertThat(r.value().length).isLessThanOrEqualTo(8 * 1024);
                        String value = new String(r.value(), StandardCharsets.UTF_8);
                        assertThat(value).endsWith("\n");
                        partitionsByDevice.computeIfAbsent(key, k -> new HashSet<>()).add(r.partition());
                        for (String line : value.split("\n")) {
                            lines++;
                            assertThat(line).contains(",device=" + key + ",").as("record of %s", key);
                            if (line.startsWith("interface,")) {
                                statistics++;
                                long t = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                                String series = line.substring(0, line.indexOf(' '));
                                assertThat(times.computeIfAbsent(series, k -> new HashSet<>()).add(t))
                                        .as("%s at %d once", series, t).isTrue();
                            }
                        }
                    }
                }
            }
            assertThat(statistics).isEqualTo(sent.points());
            assertThat(times).hasSize(SpoolCrashIT.DEVICES * 48)
                    .allSatisfy((series, ts) -> assertThat(ts).as(series).hasSize(SpoolCrashIT.SAMPLES));
            assertThat(partitionsByDevice).hasSize(SpoolCrashIT.DEVICES)
                    .allSatisfy((device, partitions) -> assertThat(partitions).as(device).hasSize(1));
        } finally {
            TempDirs.delete(dir);
        }
    }
}
