package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.scale.yml}, the scaled shape (Kafka, HAProxy, two collectors, two relays),
 * checked with the tools that run without a Docker engine: {@code docker-compose config} resolves it
 * with no .env, {@code yamllint --strict} passes, its bind mounts exist, only HAProxy's dial-out port
 * listens beyond the host, HAProxy's servers are its collector services, and the collector and relay
 * config files pass {@code teleflux check-config} with the environment compose gives them.
 */
class ComposeScaleIT {
    static final Path SCALE = GrafanaRepo.ROOT.resolve("docker-compose.scale.yml");
    static final Path HAPROXY_CFG = GrafanaRepo.ROOT.resolve("docker/haproxy/haproxy.cfg");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    Exec.Result compose(String... args) throws Exception {
        Path env = dir.resolve("empty.env");
        Files.writeString(env, "");
        List<String> cmd = new ArrayList<>(List.of("docker-compose", "-f", SCALE.toString(), "--env-file", env.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> clean = new HashMap<>(ComposeToolsIT.cleanEnvironment());
        List.of("KAFKA_CLUSTER_ID", "KAFKA_RETENTION_HOURS", "KAFKA_TOPIC_PARTITIONS", "SIMULATOR_DEVICES",
                "TELEFLUX_HTTP_PORT_2").forEach(k -> clean.put(k, null));
        return Exec.run(GrafanaRepo.ROOT, clean, 60, ComposeToolsIT.COMPOSE_HINT, cmd.toArray(String[]::new));
    }

    JsonNode services() throws Exception {
        Exec.Result r = compose("config");
        assertThat(r.exit()).as(r.output()).isZero();
        return YAML.readTree(r.output()).path("services");
    }

    @Test
    void resolvesWithNoEnvFileAndPublishesOnlyTheDialOutPortBeyondTheHost() throws Exception {
        Exec.Result q = compose("config", "-q");
        assertThat(q.exit()).as(q.output()).isZero();
        assertThat(q.output()).as("no unset-variable warnings").isBlank();
        JsonNode s = services();
        List<String> names = new ArrayList<>();
        s.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "kafka-topics", "influxdb", "haproxy", "teleflux-1",
                "teleflux-2", "relay-1", "relay-2", "simulator", "grafana");
        for (String n : names) {
            for (String p : ComposeToolsIT.ports(s.path(n))) {
                if (n.equals("haproxy")) {
                    assertThat(p).isEqualTo("50051:50051/tcp");
                } else {
                    assertThat(p).as(n + " publishes on loopback only").startsWith("127.0.0.1:");
                }
            }
            String image = s.path(n).path("image").asText();
            assertThat(image).as(n + " image pinned").contains(":").doesNotEndWith(":latest");
        }
        assertThat(ComposeToolsIT.ports(s.path("haproxy"))).hasSize(1);
        assertThat(s.path("kafka").has("ports")).isFalse();
        // the broker is the Kafka line of the project's own client
        Matcher v = Pattern.compile("<kafka.version>(\\S+)</kafka.version>").matcher(GrafanaRepo.text(GrafanaRepo.ROOT.resolve("pom.xml")));
        assertThat(v.find()).isTrue();
        assertThat(s.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + v.group(1));
        assertThat(s.path("kafka-topics").path("image").asText()).isEqualTo("apache/kafka:" + v.group(1));
        // KRaft, one node that is broker and controller, a valid 22-character cluster id
        JsonNode kenv = s.path("kafka").path("environment");
        assertThat(kenv.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(kenv.path("CLUSTER_ID").asText()).matches("[A-Za-z0-9_-]{22}");
        assertThat(kenv.path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        // the collectors start once the topic exists; the simulator dials HAProxy
        for (String c : List.of("teleflux-1", "teleflux-2", "relay-1", "relay-2")) {
            assertThat(s.path(c).path("depends_on").path("kafka-topics").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
        }
        assertThat(s.path("simulator").path("command").toString()).contains("\"haproxy:50051\"");
        assertThat(s.path("kafka-topics").path("command").toString()).contains("\"teleflux-lines\"");
    }

    @Test
    void passesYamllintAndEveryBindMountExists() throws Exception {
        Exec.Result r = Exec.run(GrafanaRepo.ROOT, Map.of(), 60, "install the Debian package yamllint (bash .ci/run)",
                "yamllint", "--strict", "-c", ".yamllint.yml", "docker-compose.scale.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        Matcher m = Pattern.compile("(?m)^\\s+- (\\./[^:]+):").matcher(GrafanaRepo.text(SCALE));
        int mounts = 0;
        while (m.find()) {
            assertThat(GrafanaRepo.ROOT.resolve(m.group(1))).as(m.group(1)).exists();
            mounts++;
        }
        assertThat(mounts).isGreaterThanOrEqualTo(6);
    }

    @Test
    void haproxysServersAreTheCollectorServicesCheckedOnTheirHealthPort() throws Exception {
        JsonNode s = services();
        String cfg = GrafanaRepo.text(HAPROXY_CFG);
        Matcher m = Pattern.compile("(?m)^\\s+server (\\S+) (\\S+):(\\d+) check port (\\d+)").matcher(cfg);
        List<String> servers = new ArrayList<>();
        while (m.find()) {
            servers.add(m.group(1));
            assertThat(m.group(2)).isEqualTo(m.group(1));
            assertThat(s.has(m.group(2))).as("server %s is a compose service", m.group(2)).isTrue();
            assertThat(m.group(3)).isEqualTo("50051");
            assertThat(m.group(4)).isEqualTo("9273");
        }
        assertThat(servers).containsExactly("teleflux-1", "teleflux-2");
        String collector = GrafanaRepo.text(GrafanaRepo.ROOT.resolve("docker/teleflux-scale/collector.conf"));
        assertThat(collector).contains("listen = \"0.0.0.0:50051\"").contains("http.listen = \"0.0.0.0:9273\"");
        assertThat(s.path("haproxy").path("volumes").toString()).contains("/usr/local/etc/haproxy");
        // HAProxy sends PROXY v2 headers from a fixed address, and the collectors trust that address only
        assertThat(cfg).contains("check port 9273 send-proxy-v2");
        String lb = s.path("haproxy").path("networks").path("default").path("ipv4_address").asText();
        assertThat(lb).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        for (String c : List.of("teleflux-1", "teleflux-2")) {
            assertThat(s.path(c).path("environment").path("TELEFLUX_PROXY_TRUSTED").asText()).as(c).isEqualTo(lb);
        }
        assertThat(collector).contains("proxy-protocol.trusted = [${TELEFLUX_PROXY_TRUSTED}]")
                .doesNotContain("max-streams-per-peer");
    }

    @Test
    void theCollectorAndRelayConfigsPassCheckConfigWithTheEnvironmentComposeGives() throws Exception {
        JsonNode s = services();
        Path jar = GrafanaRepo.ROOT.resolve("target/teleflux.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String[] svc : new String[][] {{"teleflux-1", "collector.conf"}, {"relay-1", "relay.conf"}}) {
            assertThat(s.path(svc[0]).path("command").toString()).contains("/etc/teleflux/" + svc[1]);
            Map<String, String> env = new HashMap<>();
            s.path(svc[0]).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            Exec.Result r = Exec.run(GrafanaRepo.ROOT, env, 60, "a JDK", java, "-jar", jar.toString(), "check-config",
                    "--config", GrafanaRepo.ROOT.resolve("docker/teleflux-scale/" + svc[1]).toString());
            assertThat(r.exit()).as(svc[1] + ":\n" + r.output()).isZero();
            assertThat(r.output()).contains("configuration OK").contains("teleflux.kafka.bootstrap-servers = [kafka:9092]")
                    .contains("teleflux.kafka.topic = \"teleflux-lines\"").contains("teleflux.instance = \"" + svc[0] + "\"");
            if (svc[1].equals("collector.conf")) {
                assertThat(r.output()).contains("teleflux.kafka.enabled = true", "teleflux.influx.enabled = false",
                        "teleflux.dialout.limits.max-streams-per-peer = 256",
                        "teleflux.dialout.proxy-protocol.trusted = [" + s.path("haproxy").path("networks").path("default").path("ipv4_address").asText() + "/32]");
                // both collectors poll the simulator's switches through shared polling, which the simulator answers
                assertThat(r.output()).contains("teleflux.share.enabled = true")
                        .contains("teleflux.snmp.targets[7] = {address = \"simulator:1161\", name = \"sim-0008\"");
                assertThat(s.path("simulator").path("command").toString()).contains("\"--snmp-listen\",\"0.0.0.0:1161\"")
                        .contains("\"--snmp-community-prefix\",\"ro-\"");
                assertThat(s.path("teleflux-2").path("command").toString()).contains("/etc/teleflux/collector.conf");
            } else {
                assertThat(r.output()).contains("teleflux.influx.url = http://influxdb:8086",
                        "teleflux.influx.token = (set, redacted)");
            }
        }
    }
}
