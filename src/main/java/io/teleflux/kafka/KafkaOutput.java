package io.teleflux.kafka;

import io.teleflux.influx.InfluxWriter;
import io.teleflux.selfmon.Metrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.util.Map;

/**
 * The collector's Kafka output: the writer machinery (batches, error policy, retries, the durable
 * spool in {@code teleflux.kafka.spool.dir}) with the Kafka producer as its target, so that a Kafka
 * outage is covered exactly as an InfluxDB outage is.
 */
public final class KafkaOutput {
    private KafkaOutput() {
    }

    /** The writer (a {@code PointSink} and {@code Component} named "kafka"); opens the spool. */
    public static InfluxWriter create(KafkaConfig cfg, String instance, Metrics metrics) throws IOException {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(cfg, instance),
                new ByteArraySerializer(), new ByteArraySerializer());
        try {
            return new InfluxWriter(cfg.writerConfig(), metrics, new KafkaApi(producer, cfg, metrics), KafkaMetrics.OUTPUT);
        } catch (IOException | RuntimeException e) {
            producer.close(java.time.Duration.ZERO);
            throw e;
        }
    }

    static Map<String, Object> producerProps(KafkaConfig cfg, String instance) {
        Map<String, Object> p = ClientProps.common(cfg, cfg.clientIdFor(instance));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // the most idempotence keeps in order
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, cfg.compression());
        // the writer has batched already: send what a batch produced now
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long timeout = cfg.timeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(100, timeout - 10)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                Math.max(1024 * 1024, cfg.recordMaxBytes() + 64 * 1024)));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return p;
    }
}
