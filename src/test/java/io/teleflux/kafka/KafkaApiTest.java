package io.teleflux.kafka;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.influx.WriteResult;
import io.teleflux.selfmon.Metrics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The producer as the writer's target: records per device, and every outcome as the error policy reads it. */
class KafkaApiTest {
    private static final KafkaConfig CFG = ConfigLoader.fromConfig(ConfigFactory.parseString(
            "teleflux.kafka { topic = t, record-max-bytes = 1 KiB, timeout = 1s }"), Map.of(),
            List.of(KafkaConfig.SECTION)).get(KafkaConfig.SECTION);

    /** A batch through the public writer API is package-private to build: reflection keeps Batch's constructor private. */
    private static io.teleflux.influx.Batch batch(String lines) throws Exception {
        Constructor<io.teleflux.influx.Batch> c = io.teleflux.influx.Batch.class.getDeclaredConstructor(long.class, byte[].class,
                int.class);
        c.setAccessible(true);
        byte[] b = lines.getBytes(StandardCharsets.UTF_8);
        return c.newInstance(1L, b, (int) lines.chars().filter(x -> x == '\n').count());
    }

    @Test
    void aBatchBecomesOneRecordPerDeviceAndIsWrittenWhenAllAreAcknowledged() throws Exception {
        MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        Metrics m = new Metrics();
        KafkaApi api = new KafkaApi(p, CFG, m);
        WriteResult r = api.write(batch("i,device=a x=1i 1\ni,device=b x=1i 1\ni,device=a x=2i 2\n"));
        assertThat(r.status()).isEqualTo(204);
        List<ProducerRecord<byte[], byte[]>> sent = p.history();
        assertThat(sent).hasSize(2);
        assertThat(new String(sent.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(new String(sent.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("i,device=a x=1i 1\ni,device=a x=2i 2\n");
        assertThat(sent.get(0).topic()).isEqualTo("t");
        assertThat(m.value(KafkaMetrics.RECORDS_SENT)).isEqualTo(2);
        assertThat(api.describe()).isEqualTo("topic \"t\" at 127.0.0.1:9092");
    }

    @Test
    void aBrokerFailureIsRetriableAndATooLargeRecordSplitsTheBatch() throws Exception {
        MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaApi api = new KafkaApi(p, CFG, new Metrics());
        Thread t = Thread.ofPlatform().start(() -> {
            while (p.history().isEmpty()) {
                Thread.onSpinWait();
            }
            p.errorNext(new NotEnoughReplicasException("2 in sync needed"));
        });
        WriteResult r = api.write(batch("i,device=a x=1i 1\n"));
        t.join();
        assertThat(r.status()).isZero();
        assertThat(r.networkError()).contains("NotEnoughReplicasException");

        MockProducer<byte[], byte[]> p2 = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaApi api2 = new KafkaApi(p2, CFG, new Metrics());
        Thread t2 = Thread.ofPlatform().start(() -> {
            while (p2.history().isEmpty()) {
                Thread.onSpinWait();
            }
            p2.errorNext(new RecordTooLargeException("too big"));
        });
        WriteResult r2 = api2.write(batch("i,device=a x=1i 1\n"));
        t2.join();
        assertThat(r2.status()).isEqualTo(413);
    }

    @Test
    void noAcknowledgementInTimeIsRetriable() throws Exception {
        MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaApi api = new KafkaApi(p, CFG, new Metrics()); // never completed: waits timeout + 5 s
        long t0 = System.nanoTime();
        WriteResult r = api.write(batch("i,device=a x=1i 1\n"));
        assertThat(r.status()).isZero();
        assertThat(r.networkError()).contains("no acknowledgement within 6000 ms");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(5_900L, 15_000L);
    }
}
