package io.teleflux;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigException;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.kafka.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A collector writes to InfluxDB, Kafka or both, never to nothing; the relay needs InfluxDB. */
class OutputsConfigTest {
    @TempDir
    Path tmp;

    @Test
    void atLeastOneOutput() {
        assertThatThrownBy(() -> Components.fromConfig(ConfigFactory.parseString("teleflux.influx.enabled = false"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.influx.enabled, teleflux.kafka.enabled: both are false");
        var kafkaOnly = Components.fromConfig(ConfigFactory.parseString("teleflux { influx.enabled = false, kafka { enabled = true, "
                + "spool.dir = \"" + tmp.resolve("k") + "\" } }"), Map.of());
        assertThat(kafkaOnly.get(KafkaConfig.SECTION).enabled()).isTrue();
        assertThat(kafkaOnly.get(InfluxConfig.SECTION).enabled()).isFalse();
    }

    @Test
    void aDisabledInfluxNeedsNoTarget() {
        // api = v2 without org or token would be an error if InfluxDB were written to
        var c = Components.fromConfig(ConfigFactory.parseString("teleflux { influx { enabled = false, api = v2, org = \"\" }, "
                + "kafka { enabled = true, spool.dir = \"" + tmp.resolve("k") + "\" } }"), Map.of());
        assertThat(c.get(InfluxConfig.SECTION).enabled()).isFalse();
        assertThatThrownBy(() -> Components.fromConfig(ConfigFactory.parseString("teleflux.influx { api = v2, org = \"\" }"), Map.of()))
                .hasMessageContaining("teleflux.influx.org: required when api = v2");
    }

    @Test
    void theRelayRequiresInflux() throws Exception {
        Path f = tmp.resolve("relay.conf");
        Files.writeString(f, "teleflux.influx.enabled = false\n");
        assertThatThrownBy(() -> Components.loadRelay(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.influx.enabled: must be true for `teleflux relay`");
    }
}
