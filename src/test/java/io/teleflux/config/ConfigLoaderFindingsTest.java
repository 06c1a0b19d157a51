package io.teleflux.config;

import io.teleflux.Components;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link ConfigLoaderFuzzer} (Jazzer) found, as readable cases: a file or directory path with a
 * NUL in it made {@code Path.of} throw InvalidPathException out of the loader instead of a
 * ConfigException naming the key. The fuzzer's input is
 * {@code src/test/resources/io/teleflux/config/ConfigLoaderFuzzerInputs/load/nul-in-a-file-path}.
 */
class ConfigLoaderFindingsTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "teleflux.dialout.tls { enabled = true, cert = \"/a\\u0000b\", key = k, client-ca = \"\" }|teleflux.dialout.tls.cert: not a valid path",
            "teleflux.dialout.tls.client-ca = \"ca\\u0000.crt\"|teleflux.dialout.tls.client-ca: not a valid path",
            "teleflux.influx.token-file = \"/run/secrets/t\\u0000\"|teleflux.influx.token-file: not a valid path",
            "teleflux.influx.spool.dir = \"spool\\u0000\"|teleflux.influx.spool.dir: not a valid path",
            "teleflux.snmp.targets-file = \"targets\\u0000.conf\"|teleflux.snmp.targets-file: not a valid path"})
    void aPathWithANulIsAProblemNamingItsKey(String caseText) {
        String[] c = caseText.split("\\|");
        assertThatThrownBy(() -> Components.fromConfig(
                ConfigFactory.parseString("teleflux.influx { org = acme, token = t0k }\n" + c[0]), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(c[1]);
    }
}
