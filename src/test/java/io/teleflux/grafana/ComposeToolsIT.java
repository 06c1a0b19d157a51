package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files through the real tools that can judge them without a Docker engine:
 * {@code docker-compose config} (Debian docker-compose 1.29), {@code yamllint}, {@code bash -n}.
 * ComposeStackTest checks what these cannot (files, names, ports).
 */
class ComposeToolsIT {
    static final String COMPOSE_HINT = "install the Debian package docker-compose (bash .ci/run)";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    /** docker-compose reads variables from the process environment too: none of ours may leak in. */
    static Map<String, String> cleanEnvironment() {
        Map<String, String> env = new HashMap<>();
        GrafanaRepo.composeDefaults().keySet().forEach(k -> env.put(k, null));
        GrafanaRepo.envExample().keySet().forEach(k -> env.put(k, null));
        List.of("COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME").forEach(k -> env.put(k, null));
        return env;
    }

    /**
     * Runs docker-compose on the repository's file with {@code envFile} as its .env (an explicit
     * file, so that a developer's own .env in the checkout cannot change the result).
     */
    Exec.Result compose(Path envFile, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker-compose", "-f", GrafanaRepo.COMPOSE.toString(),
                "--env-file", envFile.toString()));
        cmd.addAll(List.of(args));
        return Exec.run(GrafanaRepo.ROOT, cleanEnvironment(), 60, COMPOSE_HINT, cmd.toArray(String[]::new));
    }

    Path envFile(String name, String content) throws Exception {
        Path env = dir.resolve(name);
        Files.writeString(env, content);
        return env;
    }

    /** The resolved configuration, parsed. */
    JsonNode config(Path envFile) throws Exception {
        Exec.Result r = compose(envFile, "config");
        assertThat(r.exit()).as(r.output()).isZero();
        return YAML.readTree(r.output());
    }

    @Test
    void aFreshCloneNeedsNoEnvFileAndGetsNoWarning() throws Exception {
        Path none = envFile("empty.env", "");
        Exec.Result r = compose(none, "config", "-q");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).as("no unset-variable or version warnings").isBlank();

        Exec.Result services = compose(none, "config", "--services");
        assertThat(services.output().lines().toList()).containsExactlyInAnyOrder("influxdb", "teleflux", "simulator", "grafana");

        JsonNode c = config(none);
        JsonNode s = c.path("services");
        assertThat(s.path("influxdb").path("environment").path("DOCKER_INFLUXDB_INIT_BUCKET").asText()).isEqualTo("telemetry");
        assertThat(s.path("teleflux").path("environment").path("TELEFLUX_INFLUX_TOKEN").asText())
                .isEqualTo(GrafanaRepo.composeDefaults().get("INFLUXDB_TOKEN"));
        // the demo runs without a profile to enable
        assertThat(s.path("simulator").path("scale").asInt(-1)).isEqualTo(1);
        assertThat(s.path("simulator").has("profiles")).isFalse();
        // published ports as docker-compose resolves them: loopback but for the dial-out port
        assertThat(ports(s.path("grafana"))).containsExactly("127.0.0.1:3000:3000/tcp");
        assertThat(ports(s.path("influxdb"))).containsExactly("127.0.0.1:8086:8086/tcp");
        assertThat(ports(s.path("teleflux"))).containsExactlyInAnyOrder("50051:50051/tcp", "127.0.0.1:9273:9273/tcp");
        assertThat(s.path("simulator").has("ports")).isFalse();
    }

    @Test
    void envExampleListsTheTrueDefaultsAndAnEnvFileOverridesThem() throws Exception {
        JsonNode fresh = config(envFile("empty.env", ""));
        // copying .env.example unchanged changes nothing, and neither does uncommenting every line:
        // the values it lists are the defaults of docker-compose.yml
        assertThat(config(GrafanaRepo.ENV_EXAMPLE)).isEqualTo(fresh);
        String uncommented = GrafanaRepo.text(GrafanaRepo.ENV_EXAMPLE).lines()
                .map(l -> l.matches("#[A-Z_][A-Z0-9_]*=.*") ? l.substring(1) : l)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(uncommented).isNotEqualTo(GrafanaRepo.text(GrafanaRepo.ENV_EXAMPLE));
        assertThat(config(envFile("uncommented.env", uncommented))).isEqualTo(fresh);

        // real devices only, production passwords, Grafana shared
        JsonNode prod = config(envFile("prod.env", """
                SIMULATOR_SCALE=0
                GRAFANA_ADMIN_PASSWORD=a-real-password
                INFLUXDB_TOKEN=a-real-token
                GRAFANA_ADDRESS=0.0.0.0
                TELEFLUX_DIALOUT_PORT=50052
                """));
        JsonNode s = prod.path("services");
        assertThat(s.path("simulator").path("scale").asInt(-1)).isZero();
        assertThat(s.path("grafana").path("environment").path("GF_SECURITY_ADMIN_PASSWORD").asText()).isEqualTo("a-real-password");
        for (String[] where : new String[][] {{"influxdb", "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN"}, {"teleflux", "TELEFLUX_INFLUX_TOKEN"},
                {"grafana", "INFLUXDB_TOKEN"}}) {
            assertThat(s.path(where[0]).path("environment").path(where[1]).asText()).as(String.join(" ", where)).isEqualTo("a-real-token");
        }
        assertThat(ports(s.path("grafana"))).containsExactly("0.0.0.0:3000:3000/tcp");
        assertThat(ports(s.path("teleflux"))).containsExactlyInAnyOrder("50052:50051/tcp", "127.0.0.1:9273:9273/tcp");
    }

    /**
     * Published ports as docker-compose 1.29 prints them: short form with a host address
     * ({@code 127.0.0.1:3000:3000/tcp}), long form without one (written here as {@code 50051:50051/tcp},
     * which is every interface).
     */
    static List<String> ports(JsonNode service) {
        List<String> out = new java.util.ArrayList<>();
        service.path("ports").forEach(p -> out.add(p.isTextual() ? p.asText()
                : (p.hasNonNull("host_ip") ? p.path("host_ip").asText() + ":" : "") + p.path("published").asText() + ":"
                + p.path("target").asText() + "/" + p.path("protocol").asText("tcp")));
        return out;
    }

    @Test
    void theYamlFilesPassYamllintStrictly() throws Exception {
        Exec.Result r = Exec.run(GrafanaRepo.ROOT, Map.of(), 60, "install the Debian package yamllint (bash .ci/run)",
                "yamllint", "--strict", "-c", ".yamllint.yml", "docker-compose.yml", "grafana/provisioning", ".yamllint.yml");
        assertThat(r.exit()).as(r.output()).isZero();

        // and yamllint does fail on a broken file with this configuration
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, "apiVersion: 1\ngroups:\n  - name: x\n     folder: y\n");
        Exec.Result bad = Exec.run(GrafanaRepo.ROOT, Map.of(), 60, "yamllint", "yamllint", "--strict", "-c", ".yamllint.yml",
                broken.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("syntax error");
    }

    @Test
    void theShellScriptsParse() throws Exception {
        try (var files = Files.list(GrafanaRepo.INFLUX_INIT)) {
            for (Path script : files.toList()) {
                Exec.Result r = Exec.run(GrafanaRepo.ROOT, Map.of(), 30, "bash", "/bin/bash", "-n", script.toString());
                assertThat(r.exit()).as(script + ": " + r.output()).isZero();
            }
        }
        Exec.Result ci = Exec.run(GrafanaRepo.ROOT, Map.of(), 30, "bash", "/bin/bash", "-n", ".ci/run");
        assertThat(ci.exit()).as(ci.output()).isZero();
    }
}
