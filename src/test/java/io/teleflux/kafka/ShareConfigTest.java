package io.teleflux.kafka;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.selfmon.Metrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux.share}: defaults, every bad value named by its key, the target-to-partition mapping. */
class ShareConfigTest {
    private static ShareConfig share(String hocon) {
        return ConfigLoader.fromConfig(ConfigFactory.parseString(hocon), Map.of(), List.of(ShareConfig.SECTION))
                .get(ShareConfig.SECTION);
    }

    private static List<String> problems(String hocon) {
        try {
            share(hocon);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem reported for " + hocon);
    }

    @Test
    void defaults() {
        ShareConfig s = share("");
        assertThat(s.enabled()).isFalse();
        assertThat(s.groupId()).isEqualTo("teleflux-collectors");
        assertThat(s.topic()).isEqualTo("teleflux-targets");
        assertThat(s.partitions()).isEqualTo(60);
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.unhealthyAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(share("teleflux.share.session-timeout = 20s").unhealthyAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void eachBadValueIsNamedByItsKey() {
        assertThat(problems("teleflux.share.enabled = maybe")).singleElement().asString().startsWith("teleflux.share.enabled");
        assertThat(problems("teleflux.share.group-id = \" \"")).containsExactly("teleflux.share.group-id: must not be empty");
        assertThat(problems("teleflux.share.topic = \"a/b\"")).singleElement().asString()
                .startsWith("teleflux.share.topic: 'a/b' is not a valid Kafka topic name");
        assertThat(problems("teleflux.share.partitions = 0")).singleElement().asString()
                .startsWith("teleflux.share.partitions: 0 is out of range");
        assertThat(problems("teleflux.share.partitions = 10001")).singleElement().asString()
                .startsWith("teleflux.share.partitions: 10001 is out of range");
        assertThat(problems("teleflux.share.session-timeout = 500ms")).singleElement().asString()
                .startsWith("teleflux.share.session-timeout: PT0.5S is shorter than the minimum");
        assertThat(problems("teleflux.share.session-timeout = 10m")).singleElement().asString()
                .startsWith("teleflux.share.session-timeout: 600 s is longer than 5 min");
        assertThat(problems("teleflux.share.sesion-timeout = 10s")).singleElement().asString()
                .contains("teleflux.share.sesion-timeout");
    }

    /**
     * The mapping is part of the contract between collectors of different versions: it is Kafka's
     * keyed-record partitioning (murmur2, positive, mod n), pinned here by value.
     */
    @Test
    void targetToPartitionIsKafkasKeyedPartitioningAndStable() {
        for (int n : new int[]{1, 2, 3, 7, 60, 1000}) {
            for (int i = 0; i < 500; i++) {
                String key = (i % 2 == 0 ? "sw-" : "10.0." + (i / 250) + "." + (i % 250) + ":161#") + i;
                assertThat(TargetShare.partition(key, n)).as("%s mod %d", key, n)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), n))
                        .isBetween(0, n - 1);
            }
        }
        // pinned values: a change here moves targets between collectors of mixed versions
        assertThat(TargetShare.partition("sw-01", 60)).isEqualTo(49);
        assertThat(TargetShare.partition("192.0.2.11:161", 60)).isEqualTo(30);
        assertThat(TargetShare.partition("leaf1", 60)).isEqualTo(13);
        // the keys of 12 targets over 60 partitions do not all land in one
        assertThat(java.util.stream.IntStream.rangeClosed(1, 12).map(i -> TargetShare.partition("sw-" + i, 60))
                .distinct().count()).isGreaterThan(6);
    }

    @Test
    void theConsumerIsClassicCooperativeWithTheConfiguredSessionTimeout() {
        KafkaConfig kafka = ConfigLoader.fromConfig(ConfigFactory.parseString(
                "teleflux.kafka.bootstrap-servers = \"127.0.0.1:1\""), Map.of(), List.of(KafkaConfig.SECTION)).get(KafkaConfig.SECTION);
        ShareConfig s = share("teleflux.share { group-id = g1, session-timeout = 6s }");
        Map<String, Object> p = new TargetShare(s, kafka, "c1", new Metrics()).consumerProps();
        assertThat(p).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g1")
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2000)
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "teleflux-c1-share")
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    }
}
