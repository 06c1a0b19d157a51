package io.teleflux.grafana;

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

    @TempDir
    Path dir;

    /** docker-compose reads variables from the process environment too: none of ours may leak in. */
    static Map<String, String> cleanEnvironment() {
        Map<String, String> env = new HashMap<>();
        GrafanaRepo.envExample().keySet().forEach(k -> env.put(k, null));
        return env;
    }

    Exec.Result compose(Path envFile, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker-compose", "-f", GrafanaRepo.COMPOSE.toString(),
                "--env-file", envFile.toString()));
        cmd.addAll(List.of(args));
        return Exec.run(GrafanaRepo.ROOT, cleanEnvironment(), 60, COMPOSE_HINT, cmd.toArray(String[]::new));
    }

    @Test
    void composeAcceptsTheFileWithTheDemoValuesAndNoWarning() throws Exception {
        Exec.Result r = compose(GrafanaRepo.ENV_EXAMPLE, "config", "-q");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).as("no unset-variable or version warnings").isBlank();

        Exec.Result services = compose(GrafanaRepo.ENV_EXAMPLE, "config", "--services");
        assertThat(services.output().lines().toList()).containsExactlyInAnyOrder("influxdb", "teleflux", "simulator", "grafana");

        Exec.Result resolved = compose(GrafanaRepo.ENV_EXAMPLE, "config");
        assertThat(resolved.exit()).isZero();
        assertThat(resolved.output()).contains("DOCKER_INFLUXDB_INIT_BUCKET: telemetry")
                .contains("TELEFLUX_INFLUX_TOKEN: " + GrafanaRepo.envExample().get("INFLUXDB_TOKEN"));
    }

    @Test
    void aMissingValueStopsComposeWithItsName() throws Exception {
        for (String missing : List.of("INFLUXDB_TOKEN", "GRAFANA_ADMIN_PASSWORD", "ALERT_WEBHOOK_URL")) {
            Path env = dir.resolve(missing + ".env");
            Files.writeString(env, GrafanaRepo.envExample().entrySet().stream().filter(e -> !e.getKey().equals(missing))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
            Exec.Result r = compose(env, "config", "-q");
            assertThat(r.exit()).as(missing).isNotZero();
            assertThat(r.output()).contains("set " + missing + " in .env");
        }
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
