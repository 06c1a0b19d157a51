package io.teleflux.kafka;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code teleflux.kafka} and {@code teleflux.relay}: every key read, every bad value named by its key. */
class KafkaConfigTest {
    @TempDir
    Path tmp;

    private TelefluxConfig load(String hocon, Map<String, String> env) {
        return ConfigLoader.fromConfig(ConfigFactory.parseString(hocon), env, List.of(KafkaConfig.SECTION, RelayConfig.SECTION));
    }

    private KafkaConfig kafka(String hocon) {
        return load(hocon, Map.of()).get(KafkaConfig.SECTION);
    }

    private List<String> problems(String hocon) {
        try {
            load(hocon, Map.of());
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem reported for " + hocon);
    }

    @Test
    void defaults() {
        KafkaConfig k = kafka("teleflux.kafka.spool.dir = \"" + tmp.resolve("s") + "\"");
        assertThat(k.enabled()).isFalse();
        assertThat(k.bootstrapServers()).containsExactly("127.0.0.1:9092");
        assertThat(k.topic()).isEqualTo("teleflux-lines");
        assertThat(k.clientIdFor("c1")).isEqualTo("teleflux-c1");
        assertThat(k.compression()).isEqualTo("zstd");
        assertThat(k.recordMaxBytes()).isEqualTo(512 * 1024);
        assertThat(k.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(k.writer().batchSize()).isEqualTo(5000);
        assertThat(k.writer().writers()).isEqualTo(1);
        assertThat(k.writer().spool().enabled()).isTrue();
        assertThat(k.security().protocol()).isEqualTo("PLAINTEXT");
        RelayConfig r = load("", Map.of()).get(RelayConfig.SECTION);
        assertThat(r.groupId()).isEqualTo("teleflux-relay");
        assertThat(r.maxPollRecords()).isEqualTo(500);
        assertThat(r.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "file-secret\n");
        Path ts = tmp.resolve("trust.p12");
        Files.writeString(ts, "x");
        Path ks = tmp.resolve("client.jks");
        Files.writeString(ks, "x");
        KafkaConfig k = kafka("""
                teleflux.kafka {
                  enabled = true, bootstrap-servers = "k1:9092, k2:9093", topic = lines.v1, client-id = c
                  compression = LZ4, record-max-bytes = 64 KiB, timeout = 5s
                  batch-size = 100, flush-interval = 200ms, writers = 2, queue-max-points = 1000
                  retry { initial-backoff = 1s, max-backoff = 5s, multiplier = 3, jitter = 0.1 }
                  spool { dir = "%s", max-bytes = 10 MiB, segment-size = 1 MiB, on-full = block, fsync = never,
                          fsync-interval = 2s, replay-share = 0.25 }
                  security {
                    protocol = sasl_ssl
                    sasl { mechanism = SCRAM-SHA-512, username = u, password-file = "%s" }
                    tls { truststore = "%s", truststore-password = tp, keystore = "%s", keystore-password = kp }
                  }
                }
                teleflux.relay { group-id = g, max-poll-records = 50, max-poll-interval = 1m, session-timeout = 6s }
                """.formatted(tmp.resolve("sp"), pw, ts, ks));
        assertThat(k.bootstrapServers()).containsExactly("k1:9092", "k2:9093");
        assertThat(k.topic()).isEqualTo("lines.v1");
        assertThat(k.clientIdFor("x")).isEqualTo("c");
        assertThat(k.compression()).isEqualTo("lz4");
        assertThat(k.recordMaxBytes()).isEqualTo(64 * 1024);
        assertThat(k.writer().flushInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(k.writer().retry().multiplier()).isEqualTo(3.0);
        assertThat(k.writer().spool().replayShare()).isEqualTo(0.25);
        assertThat(k.security().sasl().password().reveal()).isEqualTo("file-secret");
        assertThat(k.security().sasl().mechanism()).isEqualTo("SCRAM-SHA-512");

        Map<String, Object> p = KafkaOutput.producerProps(k, "i");
        assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12")
                .containsEntry(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "JKS")
                .containsEntry(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, "kp");
        assertThat((String) p.get(SaslConfigs.SASL_JAAS_CONFIG))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"file-secret\";");
        // the producer accepts the combination (delivery.timeout >= linger + request.timeout)
        new ProducerConfig(withSerializers(p));

        RelayConfig r = load("teleflux.relay { group-id = g, max-poll-records = 50, max-poll-interval = 1m, "
                + "session-timeout = 6s, writers = 3 }", Map.of()).get(RelayConfig.SECTION);
        assertThat(r).isEqualTo(new RelayConfig("g", 50, Duration.ofMinutes(1), Duration.ofSeconds(6), 3));
    }

    private static Map<String, Object> withSerializers(Map<String, Object> p) {
        Map<String, Object> m = new java.util.HashMap<>(p);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return m;
    }

    @Test
    void theEnvironmentOverridesThePasswordAndCheckConfigRedactsIt() {
        TelefluxConfig c = load("teleflux.kafka.security { protocol = SASL_PLAINTEXT, sasl { username = u, password = inline } }",
                Map.of(KafkaConfig.ENV_PASSWORD, "from-env"));
        assertThat(c.get(KafkaConfig.SECTION).security().sasl().password().reveal()).isEqualTo("from-env");
        String shown = ConfigLoader.describe(c);
        assertThat(shown).doesNotContain("from-env").doesNotContain("inline")
                .contains("teleflux.kafka.security.sasl.password = (set, redacted)");
    }

    @Test
    void badValuesNameTheirKeys() throws Exception {
        Path aFile = tmp.resolve("a-file");
        Files.writeString(aFile, "x");
        assertThat(problems("teleflux.kafka.bootstrap-servers = \"k1, k2:x\"")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.bootstrap-servers: 'k1' is not host:port"));
        assertThat(problems("teleflux.kafka.bootstrap-servers = \"\"")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.bootstrap-servers: must name"));
        assertThat(problems("teleflux.kafka.topic = \"a b\"")).anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.topic:"));
        assertThat(problems("teleflux.kafka.compression = brotli")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.compression: 'brotli'"));
        assertThat(problems("teleflux.kafka.record-max-bytes = 10")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.record-max-bytes"));
        assertThat(problems("teleflux.kafka.timeout = 10ms")).anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.timeout"));
        assertThat(problems("teleflux.kafka.batch-size = 0")).anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.batch-size"));
        assertThat(problems("teleflux.relay.writers = 0")).anySatisfy(p -> assertThat(p).startsWith("teleflux.relay.writers: 0"));
        assertThat(problems("teleflux.kafka { batch-size = 10, queue-max-points = 5 }")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.queue-max-points: 5 is smaller"));
        assertThat(problems("teleflux.kafka.writers = 0")).anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.writers"));
        assertThat(problems("teleflux.kafka.retry.jitter = 2")).anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.retry.jitter"));
        assertThat(problems("teleflux.kafka.spool.on-full = explode")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.spool.on-full"));
        assertThat(problems("teleflux.kafka { enabled = true, spool.dir = \"" + aFile + "\" }")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.spool.dir"));
        assertThat(problems("teleflux.kafka.security.protocol = TLS")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.security.protocol: 'TLS'"));
        assertThat(problems("teleflux.kafka.security.sasl.mechanism = GSSAPI")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.security.sasl.mechanism: 'GSSAPI'"));
        assertThat(problems("teleflux.kafka.security.protocol = SASL_SSL"))
                .anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.security.sasl.username: required"))
                .anySatisfy(p -> assertThat(p).startsWith("teleflux.kafka.security.sasl.password: required"));
        assertThat(problems("teleflux.kafka.security.tls.truststore = \"" + tmp.resolve("none.p12") + "\"")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.security.tls.truststore: '"));
        assertThat(problems("teleflux.kafka.security.sasl.password-file = \"" + tmp.resolve("absent") + "\"")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.security.sasl.password-file: cannot read"));
        assertThat(problems("teleflux.relay.group-id = \"\"")).anySatisfy(p -> assertThat(p).startsWith("teleflux.relay.group-id"));
        assertThat(problems("teleflux.relay.max-poll-records = 0")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.relay.max-poll-records"));
        assertThat(problems("teleflux.relay { session-timeout = 1m, max-poll-interval = 30s }")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.relay.session-timeout"));
    }

    @Test
    void tlsFilesWithoutATlsProtocolAreAnError() throws Exception {
        Path ts = tmp.resolve("t.p12");
        Files.writeString(ts, "x");
        assertThat(problems("teleflux.kafka.security.tls.truststore = \"" + ts + "\"")).anySatisfy(p ->
                assertThat(p).startsWith("teleflux.kafka.security.protocol: PLAINTEXT does not use TLS"));
        assertThatThrownBy(() -> load("teleflux.kafka.security { protocol = SSL, tls { keystore = \"" + ts + "\" } }",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("teleflux.kafka.security.tls.keystore-password");
    }

    @Test
    void aPemCaIsReadAsPemAndAPemKeystoreIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path ca = tmp.resolve("ca.crt");
        Files.writeString(ca, "x");
        KafkaConfig k = kafka("teleflux.kafka { enabled = true, security { protocol = SSL, tls { truststore = \"" + ca
                + "\", truststore-password = ignored } } }");
        Map<String, Object> p = KafkaOutput.producerProps(k, "i");
        assertThat(p).containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
                .doesNotContainKey(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG); // Kafka refuses a password with a PEM file
        assertThat(ClientProps.storeType("/x/CA.PEM")).isEqualTo("PEM");
        assertThat(ClientProps.storeType("/x/t.p12")).isEqualTo("PKCS12");

        Path pem = tmp.resolve("client.pem");
        Files.writeString(pem, "x");
        assertThat(problems("teleflux.kafka.security { protocol = SSL, tls { keystore = \"" + pem + "\", keystore-password = k } }"))
                .anySatisfy(m -> assertThat(m).startsWith("teleflux.kafka.security.tls.keystore: '").contains("openssl pkcs12 -export"));
    }
}
