package io.teleflux.grafana;

import io.teleflux.Components;
import io.teleflux.influx.InfluxConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.teleflux.config.HostPort;
import io.teleflux.config.TelefluxConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.teleflux.grafana.GrafanaRepo.text;
import static io.teleflux.grafana.GrafanaRepo.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code docker-compose config} cannot see: the files it builds from and mounts exist, every
 * variable has its default in the compose file (and .env.example lists them), only the dial-out
 * port listens beyond loopback, and the services point at each other by the right names and ports —
 * the collector at InfluxDB, the simulator at the collector, Grafana at InfluxDB, the SNMP targets
 * at the simulator. ComposeToolsIT runs docker-compose, yamllint and bash on the same files.
 */
class ComposeStackTest {
    static final Pattern HOCON_SUBST = Pattern.compile("\\$\\{\\??([A-Za-z_][A-Za-z0-9_]*)}");
    /**
     * Names the influxdb image's entrypoint reads (influxdata-docker, influxdb/2.9/entrypoint.sh at
     * d457cb9, the image influxdb:2.9.1; see docs/deployment.md); a typo is ignored silently.
     */
    static final Set<String> INFLUX_INIT_VARS = Set.of("DOCKER_INFLUXDB_INIT_MODE", "DOCKER_INFLUXDB_INIT_USERNAME",
            "DOCKER_INFLUXDB_INIT_PASSWORD", "DOCKER_INFLUXDB_INIT_ORG", "DOCKER_INFLUXDB_INIT_BUCKET",
            "DOCKER_INFLUXDB_INIT_RETENTION", "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN", "DOCKER_INFLUXDB_INIT_USERNAME_FILE",
            "DOCKER_INFLUXDB_INIT_PASSWORD_FILE", "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN_FILE",
            "DOCKER_INFLUXDB_INIT_CLI_CONFIG_NAME", "DOCKER_INFLUXDB_INIT_UPGRADE_V1_CONFIG",
            "DOCKER_INFLUXDB_INIT_UPGRADE_V1_DIR");

    static JsonNode compose() {
        return yaml(GrafanaRepo.COMPOSE);
    }

    static JsonNode service(String name) {
        JsonNode s = compose().path("services").path(name);
        assertThat(s.isMissingNode()).as("service %s in docker-compose.yml", name).isFalse();
        return s;
    }

    /** The service's environment as docker-compose resolves it on a fresh clone (no .env): the defaults. */
    static Map<String, String> environment(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        service(service).path("environment").fields().forEachRemaining(e ->
                out.put(e.getKey(), GrafanaRepo.interpolate(e.getValue().asText(), Map.of())));
        return out;
    }

    /** A default of docker-compose.yml, failing when the variable is not there. */
    static String composeDefault(String variable) {
        String v = GrafanaRepo.composeDefaults().get(variable);
        assertThat(v).as("${%s:-default} in docker-compose.yml", variable).isNotNull();
        return v;
    }

    static List<String> command(String service) {
        List<String> cmd = new ArrayList<>();
        service(service).path("command").forEach(c -> cmd.add(c.asText()));
        return cmd;
    }

    static String option(List<String> cmd, String name) {
        int i = cmd.indexOf(name);
        assertThat(i).as("%s in %s", name, cmd).isNotNegative();
        return cmd.get(i + 1);
    }

    /** The container ports a service publishes ("host:container" or "ip:host:container"). */
    static Set<Integer> containerPorts(String service) {
        Set<Integer> ports = new HashSet<>();
        service(service).path("ports").forEach(p -> {
            String s = p.asText();
            ports.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
        });
        return ports;
    }

    static Config telefluxConf() {
        Map<String, String> env = environment("teleflux");
        return ConfigFactory.parseFile(GrafanaRepo.TELEFLUX_CONF.toFile()).resolveWith(ConfigFactory.parseMap(env));
    }

    @Test
    void everyVariableHasItsDefaultInTheComposeFileAndEnvExampleListsThemAll() {
        // composeDefaults fails on a ${VAR} or ${VAR:?msg} without a default, and on two defaults for one name
        Map<String, String> defaults = GrafanaRepo.composeDefaults();
        assertThat(defaults).isNotEmpty();
        defaults.forEach((k, v) -> assertThat(v).as("default of %s", k).isNotBlank());
        assertThat(text(GrafanaRepo.COMPOSE)).as("no variable is required: a fresh clone has no .env")
                .doesNotContainPattern("\\$\\{[A-Z_0-9]+:?\\?");
        // .env.example is the documented override list: every variable, with the default compose has
        assertThat(GrafanaRepo.envExample()).containsExactlyInAnyOrderEntriesOf(defaults);
        assertThat(GrafanaRepo.envExampleActiveLines()).as("copying .env.example changes nothing until a line is uncommented")
                .isEmpty();
        assertThat(text(GrafanaRepo.ENV_EXAMPLE)).doesNotContain("COMPOSE_PROFILES");
        // demo secrets say what they are
        for (String secret : List.of("INFLUXDB_PASSWORD", "INFLUXDB_TOKEN", "GRAFANA_ADMIN_PASSWORD")) {
            assertThat(defaults.get(secret)).containsIgnoringCase("change-me");
        }
        assertThat(text(GrafanaRepo.ROOT.resolve(".gitignore"))).contains("/.env\n");
    }

    @Test
    void secretsComeFromTheEnvironmentWithAnOverridableDemoDefault() {
        for (String name : List.of("influxdb", "teleflux", "grafana")) {
            service(name).path("environment").fields().forEachRemaining(e -> {
                String key = e.getKey().toUpperCase();
                if (key.contains("PASSWORD") || key.contains("TOKEN")) {
                    assertThat(e.getValue().asText()).as(name + " " + e.getKey())
                            .matches("\\$\\{[A-Z_]+:-[^}]*CHANGE-ME[^}]*}");
                }
            });
        }
        String token = composeDefault("INFLUXDB_TOKEN");
        String grafanaPassword = composeDefault("GRAFANA_ADMIN_PASSWORD");
        for (Path p : List.of(GrafanaRepo.TELEFLUX_CONF, GrafanaRepo.DATASOURCES, GrafanaRepo.ROOT.resolve("Dockerfile"))) {
            assertThat(text(p)).as(p + " holds no copy of a demo secret").doesNotContain(token).doesNotContain(grafanaPassword);
        }
        // the one token is InfluxDB's admin token, the collector's write token and Grafana's read token
        assertThat(environment("influxdb").get("DOCKER_INFLUXDB_INIT_ADMIN_TOKEN")).isEqualTo(token);
        assertThat(environment("teleflux").get(InfluxConfig.ENV_INFLUX_TOKEN)).isEqualTo(token);
        assertThat(environment("grafana").get("INFLUXDB_TOKEN")).isEqualTo(token);
    }

    @Test
    void everyPublishedPortListensOnLoopbackExceptTheDialOutPort() {
        Map<String, String> published = new LinkedHashMap<>();
        compose().path("services").fields().forEachRemaining(s -> s.getValue().path("ports").forEach(p -> {
            assertThat(p.isTextual()).as("%s: ports in the short form host_ip:host:container", s.getKey()).isTrue();
            String resolved = GrafanaRepo.interpolate(p.asText(), Map.of());
            published.put(s.getKey() + " " + resolved.substring(resolved.lastIndexOf(':') + 1), resolved);
        }));
        assertThat(published).containsOnlyKeys("influxdb 8086", "teleflux 50051", "teleflux 9273", "grafana 3000");
        published.forEach((where, mapping) -> {
            if (where.equals("teleflux 50051")) {
                // devices dial in from the network: every interface of the host
                assertThat(mapping).as(where).matches("\\d+:50051");
            } else {
                assertThat(mapping).as(where).matches("127\\.0\\.0\\.1:\\d+:\\d+");
            }
        });
        // Grafana can be shared on purpose, never by default
        assertThat(service("grafana").path("ports").get(0).asText()).startsWith("${GRAFANA_ADDRESS:-127.0.0.1}:");
    }

    @Test
    void influxdbIsSetUpAtFirstBootWithTheNamesTheImageReads() {
        JsonNode influx = service("influxdb");
        String image = influx.path("image").asText();
        // a full version tag of the 2.x line upstream still rebuilds (2.9 since 2026; 2.7.x is no longer rebuilt)
        assertThat(image).matches("influxdb:2\\.(9|[1-9]\\d)\\.\\d+");
        Set<String> keys = new HashSet<>();
        influx.path("environment").fieldNames().forEachRemaining(keys::add);
        assertThat(INFLUX_INIT_VARS).containsAll(keys);
        assertThat(keys).contains("DOCKER_INFLUXDB_INIT_MODE", "DOCKER_INFLUXDB_INIT_USERNAME", "DOCKER_INFLUXDB_INIT_PASSWORD",
                "DOCKER_INFLUXDB_INIT_ORG", "DOCKER_INFLUXDB_INIT_BUCKET", "DOCKER_INFLUXDB_INIT_RETENTION",
                "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN");
        assertThat(influx.path("environment").path("DOCKER_INFLUXDB_INIT_MODE").asText()).isEqualTo("setup");
        assertThat(composeDefault("INFLUXDB_RETENTION")).matches("\\d+[smhdw]");
        assertThat(text(GrafanaRepo.COMPOSE)).contains("influxdb-data:/var/lib/influxdb2");
        assertThat(influx.path("healthcheck").path("test").toString()).contains("http://localhost:8086/health");
        assertThat(containerPorts("influxdb")).containsExactly(8086);
    }

    @Test
    void theDbrpInitScriptMapsTheBucketAndIsExecutable() throws Exception {
        List<Path> scripts;
        try (var files = Files.list(GrafanaRepo.INFLUX_INIT)) {
            scripts = files.toList();
        }
        assertThat(scripts).hasSize(1);
        Path script = scripts.get(0);
        assertThat(script.getFileName().toString()).endsWith(".sh");
        assertThat(Files.getPosixFilePermissions(script)).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        String s = text(script);
        assertThat(s).startsWith("#!/usr/bin/env bash\n").contains("set -euo pipefail")
                .contains("influx v1 dbrp create").contains("--bucket-id \"${DOCKER_INFLUXDB_INIT_BUCKET_ID}\"")
                .contains("--db \"${DOCKER_INFLUXDB_INIT_BUCKET}\"").contains("--rp autogen");
        String commands = s.lines().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
        assertThat(commands)
                // influx-cli 2.7.5 and 2.8.0 accept --default but do not send it; the server makes the first
                // mapping of a database its default (influxdb v2.9.1 dbrp/service.go)
                .doesNotContain("--default");
        // the database the mapping creates is the one Grafana queries: both are the bucket's name
        assertThat(service("influxdb").path("environment").path("DOCKER_INFLUXDB_INIT_BUCKET").asText())
                .startsWith("${INFLUXDB_BUCKET:-");
        assertThat(environment("grafana")).containsEntry("INFLUXDB_BUCKET", composeDefault("INFLUXDB_BUCKET"));
        assertThat(text(GrafanaRepo.COMPOSE)).contains("./docker/influxdb/initdb:/docker-entrypoint-initdb.d:ro");
    }

    @Test
    void theDockerfileBuildsWithAJdkAndRunsOnAJreAsANonRootUser() {
        String df = text(GrafanaRepo.ROOT.resolve("Dockerfile"));
        assertThat(df).containsPattern("(?m)^FROM maven:3\\.9-eclipse-temurin-21 AS build$")
                .containsPattern("(?m)^FROM eclipse-temurin:21-jre$")
                .containsPattern("(?m)^COPY --from=build /src/target/teleflux\\.jar /opt/teleflux/teleflux\\.jar$")
                .containsPattern("(?m)^USER teleflux$")
                .containsPattern("(?m)^EXPOSE 50051 9273$")
                .contains("\"health\", \"--url\", \"http://127.0.0.1:9273/health\"")
                .containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/opt/teleflux/teleflux\\.jar\"]$");
        // every COPY source of the build stage exists
        Matcher copy = Pattern.compile("(?m)^COPY (?!--)(\\S+) ").matcher(df);
        int n = 0;
        while (copy.find()) {
            assertThat(GrafanaRepo.ROOT.resolve(copy.group(1))).exists();
            n++;
        }
        assertThat(n).isEqualTo(3);
        assertThat(text(GrafanaRepo.ROOT.resolve(".dockerignore"))).contains(".env").contains(".git").contains("target");
    }

    @Test
    void everyBindMountAndBuildContextExists() {
        List<String> checked = new ArrayList<>();
        compose().path("services").fields().forEachRemaining(s -> {
            JsonNode build = s.getValue().path("build");
            if (!build.isMissingNode()) {
                Path ctx = GrafanaRepo.ROOT.resolve(build.isTextual() ? build.asText() : build.path("context").asText());
                assertThat(ctx.resolve("Dockerfile")).exists();
            }
            s.getValue().path("volumes").forEach(v -> {
                String src = v.asText().split(":")[0];
                if (src.startsWith("./")) {
                    assertThat(GrafanaRepo.ROOT.resolve(src)).as(s.getKey() + " mounts " + src).exists();
                    checked.add(src);
                } else {
                    assertThat(compose().path("volumes").has(src)).as(s.getKey() + " volume " + src + " declared").isTrue();
                }
            });
        });
        assertThat(checked).contains("./docker/teleflux", "./docker/influxdb/initdb", "./grafana/provisioning",
                "./grafana/dashboards");
    }

    @Test
    void imagesArePinnedWithoutRegistryHosts() {
        List<String> images = new ArrayList<>();
        compose().path("services").forEach(s -> images.add(s.path("image").asText()));
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(text(GrafanaRepo.ROOT.resolve("Dockerfile")));
        while (from.find()) {
            images.add(from.group(1));
        }
        for (String image : images) {
            assertThat(image).as("pinned").contains(":").doesNotEndWith(":latest");
            String first = image.split("/")[0];
            assertThat(image.contains("/") && (first.contains(".") || first.contains(":")))
                    .as("%s names a registry host", image).isFalse();
        }
        // Grafana runs the release whose schema the dashboards are type-checked against (.ci/run)
        Matcher schema = Pattern.compile("@grafana/schema@(\\S+)").matcher(text(GrafanaRepo.ROOT.resolve(".ci/run")));
        assertThat(schema.find()).isTrue();
        assertThat(service("grafana").path("image").asText()).isEqualTo("grafana/grafana:" + schema.group(1));
    }

    @Test
    void theCollectorWritesToTheInfluxdbServiceAndListensWhereThePortsPoint() {
        Config c = telefluxConf();
        URI url = URI.create(c.getString("teleflux.influx.url"));
        assertThat(url.getHost()).isEqualTo("influxdb");
        assertThat(containerPorts("influxdb")).contains(url.getPort());
        assertThat(c.getString("teleflux.influx.api")).isEqualTo("v2");
        assertThat(c.getString("teleflux.influx.bucket")).isEqualTo(composeDefault("INFLUXDB_BUCKET"));
        assertThat(c.getString("teleflux.influx.org")).isEqualTo(composeDefault("INFLUXDB_ORG"));
        assertThat(c.hasPath("teleflux.influx.token")).as("the token comes from TELEFLUX_INFLUX_TOKEN").isFalse();
        assertThat(environment("teleflux")).containsEntry(InfluxConfig.ENV_INFLUX_TOKEN, composeDefault("INFLUXDB_TOKEN"));

        int dialout = HostPort.parse("dialout", c.getString("teleflux.dialout.listen"), 0).port();
        int http = HostPort.parse("http", c.getString("teleflux.http.listen"), 0).port();
        assertThat(containerPorts("teleflux")).containsExactlyInAnyOrder(dialout, http);
        assertThat(text(GrafanaRepo.ROOT.resolve("Dockerfile"))).contains("EXPOSE " + dialout + " " + http)
                .contains("http://127.0.0.1:" + http + "/health");
        assertThat(service("teleflux").path("depends_on").path("influxdb").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(text(GrafanaRepo.COMPOSE)).contains("./docker/teleflux:/etc/teleflux:ro");
        assertThat(command("teleflux")).containsExactly("run", "--config", "/etc/teleflux/teleflux.conf");

        // every ${VAR} of teleflux.conf is set for the teleflux service
        Matcher m = HOCON_SUBST.matcher(text(GrafanaRepo.TELEFLUX_CONF));
        while (m.find()) {
            assertThat(environment("teleflux")).as("teleflux.conf uses ${%s}", m.group(1)).containsKey(m.group(1));
        }
    }

    @Test
    void theCollectorConfigOfTheStackPassesTheCollectorsOwnValidation() {
        Config c = telefluxConf();
        // the targets file as the collector sees it inside the container: ./docker/teleflux is /etc/teleflux
        String targetsFile = c.getString("teleflux.snmp.targets-file");
        assertThat(targetsFile).startsWith("/etc/teleflux/");
        Path onHost = GrafanaRepo.ROOT.resolve("docker/teleflux").resolve(targetsFile.substring("/etc/teleflux/".length()));
        assertThat(onHost).isEqualTo(GrafanaRepo.SNMP_TARGETS).exists();
        Map<String, String> env = Map.of(io.teleflux.influx.InfluxConfig.ENV_INFLUX_TOKEN, environment("teleflux").get(io.teleflux.influx.InfluxConfig.ENV_INFLUX_TOKEN));
        Config checked = c.withValue("teleflux.snmp.targets-file", ConfigValueFactory.fromAnyRef(onHost.toString()));
        TelefluxConfig cfg = Components.fromConfig(checked, env);
        assertThat(cfg.get(InfluxConfig.SECTION).url().getHost()).isEqualTo("influxdb");
        assertThat(cfg.get(InfluxConfig.SECTION).token().isEmpty()).isFalse();
        assertThat(cfg.instance()).isEqualTo("teleflux");
    }

    @Test
    void theSimulatorDialsTheCollectorAndItsSwitchesAreTheSnmpTargets() {
        JsonNode sim = service("simulator");
        assertThat(sim.path("image").asText()).isEqualTo(service("teleflux").path("image").asText());
        // the demo starts with a bare `docker compose up`; SIMULATOR_SCALE=0 leaves it out
        assertThat(sim.has("profiles")).as("no profile: the simulator starts by default").isFalse();
        assertThat(sim.path("scale").asText()).isEqualTo("${SIMULATOR_SCALE:-1}");
        List<String> cmd = command("simulator");
        assertThat(cmd.get(0)).isEqualTo("simulate");

        HostPort dialout = HostPort.parse("--dialout", option(cmd, "--dialout"), 0);
        assertThat(dialout.host()).isEqualTo("teleflux");
        assertThat(dialout.port()).isEqualTo(HostPort.parse("x", telefluxConf().getString("teleflux.dialout.listen"), 0).port());

        HostPort snmpListen = HostPort.parse("--snmp-listen", option(cmd, "--snmp-listen"), 0);
        int devices = Integer.parseInt(option(cmd, "--devices"));
        String prefix = cmd.contains("--device-prefix") ? option(cmd, "--device-prefix") : "sim-";
        Config targets = ConfigFactory.parseFile(GrafanaRepo.SNMP_TARGETS.toFile()).resolve();
        List<? extends Config> list = targets.getConfigList("targets");
        assertThat(list).hasSize(devices);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < devices; i++) {
            Config t = list.get(i);
            HostPort address = HostPort.parse("address", t.getString("address"), 161);
            assertThat(address.host()).as("target %d polls the simulator service", i).isEqualTo("simulator");
            assertThat(address.port()).isEqualTo(snmpListen.port());
            String name = prefix + String.format("%04d", i + 1);
            assertThat(t.getString("name")).isEqualTo(name);
            String communityPrefix = cmd.contains("--snmp-community-prefix") ? option(cmd, "--snmp-community-prefix") : "";
            assertThat(communityPrefix).as("a community that differs from the device name, or the name is redacted").isNotEmpty();
            assertThat(t.getString("community")).as("the simulator picks the switch by community = prefix + name")
                    .isEqualTo(communityPrefix + name);
            names.add(name);
        }
        assertThat(names).hasSize(devices);
    }

    @Test
    void grafanaReadsTheInfluxdbServiceAndWaitsForIt() {
        JsonNode ds = yaml(GrafanaRepo.DATASOURCES).path("datasources").get(0);
        URI url = URI.create(ds.path("url").asText());
        assertThat(url.getHost()).isEqualTo("influxdb");
        assertThat(containerPorts("influxdb")).contains(url.getPort());
        JsonNode grafana = service("grafana");
        assertThat(grafana.path("depends_on").path("influxdb").path("condition").asText()).isEqualTo("service_healthy");
        Map<String, String> env = environment("grafana");
        assertThat(env.get("GF_SECURITY_ADMIN_PASSWORD")).isEqualTo(composeDefault("GRAFANA_ADMIN_PASSWORD"));
        assertThat(env.get("INFLUXDB_TOKEN")).isEqualTo(composeDefault("INFLUXDB_TOKEN"));
        assertThat(containerPorts("grafana")).containsExactly(3000);
        Map<String, Integer> seen = new HashMap<>();
        compose().path("services").fieldNames().forEachRemaining(n -> seen.merge(n, 1, Integer::sum));
        assertThat(seen.keySet()).containsExactlyInAnyOrder("influxdb", "teleflux", "simulator", "grafana");
    }
}
