package io.teleflux.kafka;

import io.teleflux.influx.Batch;
import io.teleflux.influx.InfluxApi;
import io.teleflux.influx.WriteResult;
import io.teleflux.selfmon.Metrics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka producer as a target of the writer machinery, beside InfluxDB's v1 and v2 APIs: one
 * batch becomes records keyed by device ({@link DeviceRecords}), sent, and written once every
 * record is acknowledged by all in-sync replicas. Any failure is reported as retriable, so that the
 * writer retries and spools the whole batch: some of its records may then reach the topic twice,
 * which the relay writes twice with the same series and timestamp (InfluxDB keeps one point). A
 * record too large for the brokers is reported as HTTP 413 is: the batch is split.
 */
final class KafkaApi implements InfluxApi {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final long recordMaxBytes;
    private final long waitMs;
    private final String described;
    private final Metrics.Counter recordsSent;

    KafkaApi(Producer<byte[], byte[]> producer, KafkaConfig cfg, Metrics metrics) {
        this.producer = producer;
        this.topic = cfg.topic();
        this.recordMaxBytes = cfg.recordMaxBytes();
        // the producer fails a record itself after delivery.timeout.ms; this only bounds a hang
        this.waitMs = cfg.timeout().plusSeconds(5).toMillis();
        this.described = "topic \"" + cfg.topic() + "\" at " + String.join(",", cfg.bootstrapServers());
        metrics.describe(KafkaMetrics.RECORDS_SENT, Metrics.Type.COUNTER,
                "Records (the lines of one device from one batch) acknowledged by Kafka.");
        this.recordsSent = metrics.counter(KafkaMetrics.RECORDS_SENT);
    }

    @Override
    public WriteResult write(Batch batch) throws InterruptedException {
        List<DeviceRecords.Rec> recs = DeviceRecords.split(batch.chunks(), recordMaxBytes);
        List<Future<RecordMetadata>> sent = new ArrayList<>(recs.size());
        try {
            for (DeviceRecords.Rec r : recs) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RecordTooLargeException) {
                return WriteResult.tooLarge("record too large: " + cause.getMessage());
            }
            return WriteResult.network(cause);
        } catch (TimeoutException e) {
            return WriteResult.network(new TimeoutException("no acknowledgement within " + waitMs + " ms"));
        } catch (org.apache.kafka.common.KafkaException e) {
            // send() itself fails when the metadata cannot be fetched in max.block.ms (brokers down)
            if (e instanceof RecordTooLargeException) {
                return WriteResult.tooLarge("record too large: " + e.getMessage());
            }
            return WriteResult.network(e);
        }
        recordsSent.add(recs.size());
        return WriteResult.ok();
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
