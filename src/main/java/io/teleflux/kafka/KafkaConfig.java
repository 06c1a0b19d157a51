package io.teleflux.kafka;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Inline;
import io.teleflux.config.Secret;
import io.teleflux.config.Section;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.influx.spool.SpoolConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code teleflux.kafka}: the Kafka output of a collector, and the connection (brokers, topic,
 * security) that {@code teleflux relay} consumes with.
 */
public record KafkaConfig(boolean enabled, List<String> bootstrapServers, String topic, String clientId,
                          String compression, long recordMaxBytes, Duration timeout, Writer writer, Security security) {

    public static final String ENV_PASSWORD = "TELEFLUX_KAFKA_PASSWORD";
    public static final String ENV_TRUSTSTORE_PASSWORD = "TELEFLUX_KAFKA_TRUSTSTORE_PASSWORD";
    public static final String ENV_KEYSTORE_PASSWORD = "TELEFLUX_KAFKA_KEYSTORE_PASSWORD";

    static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "lz4", "zstd", "snappy");
    static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** The writer machinery's settings (batching, retry, spool), as for InfluxDB. */
    public record Writer(int batchSize, Duration flushInterval, int writers, int queueMaxPoints, InfluxConfig.Retry retry,
                         SpoolConfig spool) implements Inline {
    }

    /** How the clients reach the brokers; passwords are {@link Secret}s (redacted in check-config, never logged). */
    public record Security(String protocol, Sasl sasl, Tls tls) {
        boolean usesSasl() {
            return protocol.startsWith("SASL_");
        }

        boolean usesTls() {
            return protocol.equals("SSL") || protocol.equals("SASL_SSL");
        }
    }

    /** {@code security.sasl}. */
    public record Sasl(String mechanism, String username, Secret password) {
    }

    /** {@code security.tls}: null paths are not set. */
    public record Tls(Path truststore, Secret truststorePassword, Path keystore, Secret keystorePassword) {
    }

    /** {@code teleflux.kafka}. */
    public static final Section<KafkaConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.kafka";
        }

        @Override
        public KafkaConfig read(ConfigReader r) {
            return KafkaConfig.read(r);
        }
    };

    /** The writer's settings in the form the writer machinery takes. */
    public InfluxConfig writerConfig() {
        return InfluxConfig.forTarget(writer.batchSize(), writer.flushInterval(), writer.writers(),
                writer.queueMaxPoints(), timeout, writer.retry(), writer.spool());
    }

    /** {@code client-id}, or {@code teleflux-<instance>} when it is empty. */
    public String clientIdFor(String instance) {
        return clientId.isEmpty() ? "teleflux-" + instance : clientId;
    }

    static KafkaConfig read(ConfigReader r) {
        String p = "teleflux.kafka.";
        boolean enabled = r.bool(p + "enabled");
        List<String> servers = new ArrayList<>();
        for (String s : r.str(p + "bootstrap-servers").split(",")) {
            String hp = s.strip();
            if (hp.isEmpty()) {
                continue;
            }
            int colon = hp.lastIndexOf(':');
            boolean ok = colon > 0 && colon < hp.length() - 1;
            if (ok) {
                try {
                    int port = Integer.parseInt(hp.substring(colon + 1));
                    ok = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                r.problem(p + "bootstrap-servers: '" + hp + "' is not host:port");
            }
            servers.add(hp);
        }
        if (servers.isEmpty()) {
            r.problem(p + "bootstrap-servers: must name at least one host:port");
        }
        String topic = r.str(p + "topic");
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            r.problem(p + "topic: '" + topic + "' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
        String compression = r.str(p + "compression").strip().toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(compression)) {
            r.problem(p + "compression: '" + compression + "' is not one of none, gzip, lz4, zstd, snappy");
        }
        long recordMax = r.bytes(p + "record-max-bytes", 1024, 64L * 1024 * 1024);
        Duration timeout = r.duration(p + "timeout", Duration.ofSeconds(1));
        int batchSize = r.intIn(p + "batch-size", 1, 1_000_000);
        int queueMax = r.intIn(p + "queue-max-points", 1, Integer.MAX_VALUE);
        if (queueMax < batchSize) {
            r.problem(p + "queue-max-points: " + queueMax + " is smaller than batch-size " + batchSize);
        }
        Writer writer = new Writer(batchSize, r.duration(p + "flush-interval", Duration.ofMillis(1)),
                r.intIn(p + "writers", 1, 64), queueMax, InfluxConfig.retry(r, p + "retry."),
                InfluxConfig.spool(r, p + "spool.", enabled));
        return new KafkaConfig(enabled, List.copyOf(servers), topic, r.str(p + "client-id").strip(), compression,
                recordMax, timeout, writer, security(r, p + "security."));
    }

    private static Security security(ConfigReader r, String p) {
        String protocol = r.str(p + "protocol").strip().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            r.problem(p + "protocol: '" + protocol + "' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        }
        String mechanism = r.str(p + "sasl.mechanism").strip().toUpperCase(Locale.ROOT);
        if (!MECHANISMS.contains(mechanism)) {
            r.problem(p + "sasl.mechanism: '" + mechanism + "' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512");
        }
        String user = r.str(p + "sasl.username");
        Secret password = r.secret(p + "sasl.password", p + "sasl.password-file", ENV_PASSWORD);
        if (protocol.startsWith("SASL_")) {
            if (user.isEmpty()) {
                r.problem(p + "sasl.username: required when protocol = " + protocol);
            }
            if (password.isEmpty()) {
                r.problem(p + "sasl.password: required when protocol = " + protocol + " (set it, password-file, or "
                        + "the environment variable " + ENV_PASSWORD + ")");
            }
        }
        Path truststore = store(r, p + "tls.truststore");
        Path keystore = store(r, p + "tls.keystore");
        Secret tsPass = r.secret(p + "tls.truststore-password", p + "tls.truststore-password-file", ENV_TRUSTSTORE_PASSWORD);
        Secret ksPass = r.secret(p + "tls.keystore-password", p + "tls.keystore-password-file", ENV_KEYSTORE_PASSWORD);
        boolean tls = protocol.equals("SSL") || protocol.equals("SASL_SSL");
        if (!tls && (truststore != null || keystore != null)) {
            r.problem(p + "protocol: " + protocol + " does not use TLS, but tls.truststore or tls.keystore is set "
                    + "(use SSL or SASL_SSL)");
        }
        if (keystore != null && ClientProps.isPem(keystore.toString())) {
            r.problem(p + "tls.keystore: '" + keystore + "' is PEM; give a PKCS12 (or JKS) keystore with the client's certificate "
                    + "and key, e.g. openssl pkcs12 -export -in client.crt -inkey client.key -out client.p12");
        } else if (keystore != null && ksPass.isEmpty()) {
            r.problem(p + "tls.keystore-password: required with tls.keystore (or " + ENV_KEYSTORE_PASSWORD + ")");
        }
        return new Security(protocol, new Sasl(mechanism, user, password), new Tls(truststore, tsPass, keystore, ksPass));
    }

    /** A keystore path: empty = none; else it must be a readable file. */
    private static Path store(ConfigReader r, String key) {
        String v = r.str(key).strip();
        if (v.isEmpty()) {
            return null;
        }
        Path f = r.path(key, v);
        if (f != null && !(Files.isRegularFile(f) && Files.isReadable(f))) {
            r.problem(key + ": '" + v + "' is not a readable file");
        }
        return f;
    }
}
