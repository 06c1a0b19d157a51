package io.teleflux.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process) for
 * integration tests, run as a JVM of its own ({@code kafka.Kafka}) from the broker jars on the
 * test classpath ({@code org.apache.kafka:kafka_2.13}, test scope): no Docker, no download.
 *
 * <p>Its log dir, config and log file are in a fresh temp dir; both listeners (PLAINTEXT for
 * clients, CONTROLLER for the quorum) are on 127.0.0.1 free ports. The storage is formatted once;
 * {@link #stop()} / {@link #kill()} and {@link #start()} bring the same broker back on the same
 * dirs and ports, for outage tests. Ready means an admin client sees the broker in the cluster.
 *
 * <pre>{@code
 * try (KafkaFixture kafka = KafkaFixture.launch()) {
 *     kafka.createTopic("telemetry", 4);
 *     ... produce to kafka.bootstrap() ...
 *     kafka.stop();   // an outage ...
 *     kafka.start();  // ... and the same broker again
 * }
 * }</pre>
 */
public final class KafkaFixture extends ServerFixture {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** SASL/PLAIN on the client listener when set: {@code user} with {@code password}, plus the fixture's own admin. */
    private final String saslUser;
    private final String saslPassword;
    private static final String ADMIN_PASSWORD = "fixture-admin-pw";
    /** A second client listener, SSL with client certificates required, when set. */
    private final Tls tls;
    /** Options of the broker's JVM before the class path. */
    private final List<String> jvmOptions;
    private int port;
    private int controllerPort;
    private int tlsPort;

    /**
     * The broker's side of a TLS listener, as PEM files: {@code keyAndChain} holds its certificate
     * and unencrypted PKCS#8 key, {@code trustedCa} the CA whose client certificates it accepts.
     */
    public record Tls(Path keyAndChain, Path trustedCa) {
    }

    /** The tests' broker JVM: a small serial heap, and C1 only (a short-lived broker's C2 compiles would only compete for the cores). */
    static final List<String> TEST_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private KafkaFixture(String saslUser, String saslPassword, Tls tls, List<String> jvmOptions) {
        super(null, null, "teleflux-kafka-");
        this.saslUser = saslUser;
        this.saslPassword = saslPassword;
        this.tls = tls;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Formats the storage, starts the broker and waits until it is ready. */
    public static KafkaFixture launch() {
        return launch(null, null, null, TEST_JVM);
    }

    /**
     * A broker with, beside the PLAINTEXT listener (which {@link #admin()} and {@link #bootstrap()}
     * use), an SSL listener at {@link #tlsBootstrap()} that requires a client certificate.
     */
    public static KafkaFixture launchWithTls(Tls tls) {
        return launch(null, null, tls, TEST_JVM);
    }

    /**
     * A broker whose JVM runs with {@code jvmOptions} instead of the tests' ({@link #TEST_JVM}): a
     * benchmark measures the broker's CPU per point, which a C1-only JVM would overstate.
     */
    public static KafkaFixture launchWithJvm(List<String> jvmOptions) {
        return launch(null, null, null, jvmOptions);
    }

    /**
     * A broker whose client listener is SASL_PLAINTEXT with mechanism PLAIN, knowing {@code user}
     * with {@code password} (and the fixture's own admin, which {@link #admin()} uses).
     */
    public static KafkaFixture launchWithSasl(String user, String password) {
        return launch(user, password, null, TEST_JVM);
    }

    private static KafkaFixture launch(String user, String password, Tls tls, List<String> jvmOptions) {
        return launched(new KafkaFixture(user, password, tls, jvmOptions));
    }

    @Override
    protected void firstStart() {
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.next();
            controllerPort = FreePorts.next();
            tlsPort = tls == null ? 0 : FreePorts.next();
            writeConfig();
            format();
            process = new ManagedProcess("kafka", command("kafka.Kafka", configFile().toString()), dir, logFile());
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                // a free port taken by someone else between probing and binding: new ports, fresh storage
                if (attempt >= 3 || !process.tail(60).contains("Address already in use")) {
                    throw e;
                }
                TempDirs.delete(dir.resolve("data"));
            }
        }
    }

    private List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", absoluteClassPath(), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * This JVM's class path with every entry made absolute: the broker runs in its temp dir, where a
     * relative entry ({@code java -jar target/teleflux-bench.jar}) would not resolve.
     */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private void writeConfig() {
        String props = """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%d
                listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
                advertised.listeners=PLAINTEXT://127.0.0.1:%d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%s
                num.partitions=1
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=4
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=false
                log.flush.interval.messages=9223372036854775807
                """.formatted(controllerPort, port, controllerPort, port, dir.resolve("data"));
        if (saslUser != null) {
            props = props.replace("PLAINTEXT://127.0.0.1:" + port, "SASL_PLAINTEXT://127.0.0.1:" + port)
                    .replace("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,", "listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,")
                    .replace("inter.broker.listener.name=PLAINTEXT", "inter.broker.listener.name=SASL_PLAINTEXT")
                    + "sasl.enabled.mechanisms=PLAIN\nsasl.mechanism.inter.broker.protocol=PLAIN\n"
                    + "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                    + " required username=\"admin\" password=\"" + ADMIN_PASSWORD + "\" user_admin=\"" + ADMIN_PASSWORD
                    + "\" user_" + saslUser + "=\"" + saslPassword + "\";\n";
        }
        if (tls != null) {
            props = props.replace("listeners=PLAINTEXT://127.0.0.1:" + port + ",", "listeners=PLAINTEXT://127.0.0.1:" + port
                            + ",SSL://127.0.0.1:" + tlsPort + ",")
                    .replace("advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "advertised.listeners=PLAINTEXT://127.0.0.1:"
                            + port + ",SSL://127.0.0.1:" + tlsPort)
                    .replace("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,", "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,")
                    + "listener.name.ssl.ssl.keystore.type=PEM\n"
                    + "listener.name.ssl.ssl.keystore.location=" + tls.keyAndChain() + "\n"
                    + "listener.name.ssl.ssl.truststore.type=PEM\n"
                    + "listener.name.ssl.ssl.truststore.location=" + tls.trustedCa() + "\n"
                    + "listener.name.ssl.ssl.client.auth=required\n";
        }
        String logback = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                  <logger name="kafka.server" level="INFO"/>
                </configuration>
                """;
        try {
            Files.writeString(configFile(), props, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("logback.xml"), logback, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kafka.tools.StorageTool format}, with a random cluster id, in a process of its own. */
    private void format() {
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        ManagedProcess fmt = new ManagedProcess("kafka-storage-format",
                command("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", configFile().toString()), dir,
                dir.resolve("format.log"));
        fmt.start();
        try {
            int code = fmt.waitFor(Duration.ofSeconds(60));
            if (code != 0) {
                throw new IllegalStateException("kafka storage format exited " + code + ":\n" + fmt.tail(40));
            }
        } catch (InterruptedException e) {
            fmt.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the broker on this fixture's dirs and ports (again, after a stop or kill) and waits until it is ready. */
    public void start() {
        process.start();
        try {
            process.awaitReady(READY_TIMEOUT, "a broker in the cluster", this::brokerVisible);
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting kafka", e);
        }
    }

    private boolean brokerVisible() throws Exception {
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        }
    }





    /** {@code bootstrap.servers} for clients. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code bootstrap.servers} of the SSL listener of a broker launched {@link #launchWithTls with TLS}. */
    public String tlsBootstrap() {
        if (tls == null) {
            throw new IllegalStateException("this broker has no TLS listener");
        }
        return "127.0.0.1:" + tlsPort;
    }


    public Path logFile() {
        return dir.resolve("kafka.log");
    }

    public Path configFile() {
        return dir.resolve("server.properties");
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        if (saslUser != null) {
            p.put("security.protocol", "SASL_PLAINTEXT");
            p.put("sasl.mechanism", "PLAIN");
            p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                    + "password=\"" + ADMIN_PASSWORD + "\";");
        }
        return Admin.create(p);
    }

    /** Creates a topic with {@code partitions} partitions and replication factor 1 (there is one broker). */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // metadata reaches clients asynchronously: wait until the topic can be described with every leader
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leaders after 30 s: " + d);
                }
                Thread.sleep(100);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrap(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The committed offsets of {@code group}, per partition of every topic it consumed. */
    public Map<org.apache.kafka.common.TopicPartition, Long> committed(String group) {
        try (Admin admin = admin()) {
            Map<org.apache.kafka.common.TopicPartition, Long> out = new java.util.TreeMap<>(
                    java.util.Comparator.comparing(org.apache.kafka.common.TopicPartition::toString));
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (om != null) {
                            out.put(tp, om.offset());
                        }
                    });
            return out;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    @Override
    public String toString() {
        return "kafka " + bootstrap() + " in " + dir + " (" + process + ")";
    }

    /** A fresh id, for group and client names that must not collide between tests. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
