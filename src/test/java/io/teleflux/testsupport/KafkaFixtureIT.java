package io.teleflux.testsupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixture itself: a real KRaft broker on loopback that keeps its records across a crash and a restart. */
class KafkaFixtureIT {

    @Test
    void brokerStartsKeepsRecordsAcrossAKillAndCleansUp() throws Exception {
        Path dir;
        long pid;
        try (KafkaFixture kafka = KafkaFixture.launch()) {
            dir = kafka.dir();
            assertThat(Files.readString(kafka.configFile())).contains("listeners=PLAINTEXT://127.0.0.1:" + kafka.port())
                    .contains("process.roles=broker,controller");
            kafka.createTopic("fx", 2);
            produce(kafka, "a", "one");
            pid = kafka.pid();
            kafka.kill();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            kafka.start();
            assertThat(kafka.pid()).isNotEqualTo(pid);
            produce(kafka, "b", "two");
            assertThat(consumeAll(kafka, "fx", 2)).containsExactlyInAnyOrder("one", "two");
        }
        assertThat(dir).doesNotExist();
    }

    private static void produce(KafkaFixture kafka, String key, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("fx", key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(KafkaFixture kafka, String topic, int want) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG,
                KafkaFixture.uniqueName("fx"), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < want && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
