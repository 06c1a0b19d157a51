package io.teleflux;

import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.TempDirs;
import io.teleflux.testsupport.TestPki;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka output over TLS against a real broker whose SSL listener requires client
 * certificates: the brokers' CA as a PEM file and the client's PKCS12 keystore write every point;
 * a truststore of another CA, or no client certificate, is refused by the handshake and the points
 * wait in the spool; the keystore password reaches no log line.
 */
class KafkaTlsIT {
    static final String KEYSTORE_PASSWORD = "ks-secret-5d1e";

    @Test
    void mutualTlsWritesAWrongCaOrNoClientCertificateSpools() throws Exception {
        Path dir = TempDirs.create("teleflux-kafka-tls-");
        TestPki.Ca ca = TestPki.ca("teleflux test kafka CA");
        TestPki.Files server = ca.server("127.0.0.1").write(dir, "broker");
        Path brokerPem = dir.resolve("broker.pem"); // Kafka's PEM keystore: the certificate chain and the key in one file
        Files.writeString(brokerPem, Files.readString(server.cert()) + Files.readString(server.key()));
        Path caFile = ca.write(dir, "kafka-ca");
        Path otherCa = TestPki.ca("someone else's CA").write(dir, "other-ca");
        Path clientP12 = dir.resolve("client.p12");
        TestPki.Issued client = ca.client("teleflux-collector");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", client.key(), KEYSTORE_PASSWORD.toCharArray(), new Certificate[]{client.cert(), ca.cert()});
        try (OutputStream out = Files.newOutputStream(clientP12)) {
            ks.store(out, KEYSTORE_PASSWORD.toCharArray());
        }

        try (KafkaFixture kafka = KafkaFixture.launchWithTls(new KafkaFixture.Tls(brokerPem, caFile));
             LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            kafka.createTopic("lines", 1);
            String keystore = "keystore = \"" + clientP12 + "\", keystore-password = \"" + KEYSTORE_PASSWORD + "\"";
            assertThat(write(kafka, dir.resolve("good"), "truststore = \"" + caFile + "\", " + keystore, "good", 30))
                    .as("written with the right CA and a client certificate").isTrue();
            assertThat(write(kafka, dir.resolve("wrong-ca"), "truststore = \"" + otherCa + "\", " + keystore, "wrong-ca", 30))
                    .as("the broker's certificate is not trusted").isFalse();
            assertThat(write(kafka, dir.resolve("no-cert"), "truststore = \"" + caFile + "\"", "no-cert", 30))
                    .as("the broker requires a client certificate").isFalse();

            // what reached the topic: exactly the accepted collector's points
            Set<String> devices = new HashSet<>();
            int lines = 0;
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of("lines"));
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (lines < 30 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        for (String line : new String(r.value(), StandardCharsets.UTF_8).split("\n")) {
                            lines++;
                            devices.add(line.substring(line.indexOf("device=") + 7, line.indexOf(',', line.indexOf("device="))));
                        }
                    }
                }
            }
            assertThat(lines).isEqualTo(30);
            assertThat(devices).allSatisfy(d -> assertThat(d).startsWith("good-"));

            assertThat(logs.text()).doesNotContain(KEYSTORE_PASSWORD).contains("Kafka write to topic \"lines\"");
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** A collector writing {@code n} points over TLS; true when all were acknowledged, false when all went to the spool. */
    private static boolean write(KafkaFixture kafka, Path spool, String tls, String device, int n) throws Exception {
        Collector c = TestCollector.start("""
                teleflux {
                  selfmon.enabled = false
                  influx.enabled = false
                  kafka {
                    enabled = true, bootstrap-servers = "%s", topic = lines, flush-interval = 100ms, timeout = 3s
                    retry { initial-backoff = 200ms, max-backoff = 1s }
                    spool.dir = "%s"
                    security { protocol = SSL, tls { %s } }
                  }
                }
                """.formatted(kafka.tlsBootstrap(), spool, tls));
        try {
            return KafkaSaslIT.writtenOrSpooled(c, device, 3, n);
        } finally {
            c.close();
        }
    }
}
