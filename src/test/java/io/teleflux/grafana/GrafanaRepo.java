package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's deployment files as the tests read them: docker-compose.yml, .env.example, the
 * Grafana provisioning YAML and the dashboards, with the queries they contain pulled out.
 * Paths are relative to the project directory (Maven's working directory for tests).
 */
public final class GrafanaRepo {
    public static final Path ROOT = Path.of("").toAbsolutePath();
    public static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    public static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
    public static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
    public static final Path PROVISIONING = ROOT.resolve("grafana/provisioning");
    public static final Path DATASOURCES = PROVISIONING.resolve("datasources/influxdb.yml");
    public static final Path DASHBOARD_PROVIDER = PROVISIONING.resolve("dashboards/teleflux.yml");
    public static final Path ALERT_RULES = PROVISIONING.resolve("alerting/rules.yml");
    public static final Path CONTACT_POINTS = PROVISIONING.resolve("alerting/contact-points.yml");
    public static final Path POLICIES = PROVISIONING.resolve("alerting/policies.yml");
    public static final Path TELEFLUX_CONF = ROOT.resolve("docker/teleflux/teleflux.conf");
    public static final Path SNMP_TARGETS = ROOT.resolve("docker/teleflux/snmp-targets.conf");
    public static final Path INFLUX_INIT = ROOT.resolve("docker/influxdb/initdb");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private GrafanaRepo() {
    }

    public static JsonNode json(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    public static JsonNode yaml(Path p) {
        try {
            return YAML.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    public static String text(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** {@code ${VAR:-default}} in docker-compose.yml; group 3 is null for a reference without a default. */
    public static final Pattern COMPOSE_VAR = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)((:?[?-])([^}]*))?}");
    /** An override line of .env.example: commented out ({@code #KEY=value}) or not. */
    static final Pattern ENV_LINE = Pattern.compile("^(#?)([A-Z_][A-Z0-9_]*)=(.*)$");

    /**
     * The default of every variable docker-compose.yml reads, as {@code docker compose up} on a
     * fresh clone (no .env) resolves it. Fails on a variable without a {@code :-} default or with
     * two different defaults in two places. Comment lines are skipped, as YAML skips them.
     */
    public static Map<String, String> composeDefaults() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text(COMPOSE).split("\n")) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = COMPOSE_VAR.matcher(line);
            while (m.find()) {
                if (!":-".equals(m.group(3))) {
                    throw new AssertionError("docker-compose.yml: ${" + m.group(1) + "} has no default (${"
                            + m.group(1) + ":-value}): " + line.strip());
                }
                String previous = out.putIfAbsent(m.group(1), m.group(4));
                if (previous != null && !previous.equals(m.group(4))) {
                    throw new AssertionError("docker-compose.yml: " + m.group(1) + " has two defaults, '" + previous
                            + "' and '" + m.group(4) + "'");
                }
            }
        }
        return out;
    }

    /** {@code value} with every {@code ${VAR:-default}} resolved from {@code env}, else its default. */
    public static String interpolate(String value, Map<String, String> env) {
        return COMPOSE_VAR.matcher(value).replaceAll(r -> {
            String v = env.get(r.group(1));
            return Matcher.quoteReplacement(v == null || v.isEmpty() ? r.group(4) : v);
        });
    }

    /** The override lines of .env.example, commented ({@code #KEY=value}) or not, by name. */
    public static Map<String, String> envExample() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text(ENV_EXAMPLE).split("\n")) {
            Matcher m = ENV_LINE.matcher(line.strip());
            if (m.matches()) {
                env.put(m.group(2), m.group(3));
            }
        }
        return env;
    }

    /** The lines of .env.example that set a value as they stand (not commented out). */
    public static List<String> envExampleActiveLines() {
        return text(ENV_EXAMPLE).lines().filter(l -> ENV_LINE.matcher(l.strip()).matches() && !l.strip().startsWith("#"))
                .toList();
    }

    /** The dashboard files, by file name. */
    public static Map<String, JsonNode> dashboards() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.put(p.getFileName().toString(), json(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A dashboard's panels, rows flattened (a row's panels follow the row). */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            for (JsonNode inner : p.path("panels")) {
                out.add(inner);
            }
        }
        return out;
    }

    /** One InfluxQL query of a panel: where it is, its text, and what Grafana's interval depends on. */
    public record PanelQuery(String dashboard, String panel, String refId, String query, String resultFormat,
                             String minInterval, String timeFrom) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId;
        }
    }

    public static List<PanelQuery> panelQueries(String dashboardUid, JsonNode dashboard) {
        List<PanelQuery> out = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                out.add(new PanelQuery(dashboardUid, p.path("title").asText(), t.path("refId").asText(),
                        t.path("query").asText(null), t.path("resultFormat").asText("time_series"),
                        p.path("interval").asText(null), p.path("timeFrom").asText(null)));
            }
        }
        return out;
    }

    /** One query variable of a dashboard. */
    public record VariableQuery(String dashboard, String name, String query, boolean multi, boolean includeAll,
                                String allValue) {
    }

    public static List<VariableQuery> variableQueries(String dashboardUid, JsonNode dashboard) {
        List<VariableQuery> out = new ArrayList<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) {
                continue;
            }
            JsonNode q = v.path("query");
            String text = q.isTextual() ? q.asText() : q.path("query").asText(null);
            out.add(new VariableQuery(dashboardUid, v.path("name").asText(), text, v.path("multi").asBoolean(),
                    v.path("includeAll").asBoolean(), v.hasNonNull("allValue") ? v.path("allValue").asText() : null));
        }
        return out;
    }

    /** One data source query of an alert rule, with the rule's relative time range in seconds. */
    public record AlertQuery(String rule, String refId, String query, long fromSeconds, long toSeconds) {
        @Override
        public String toString() {
            return rule + " / " + refId;
        }
    }

    /** Every rule of the alerting provisioning file, flattened over its groups. */
    public static List<JsonNode> alertRules() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode g : yaml(ALERT_RULES).path("groups")) {
            for (JsonNode r : g.path("rules")) {
                out.add(r);
            }
        }
        return out;
    }

    public static List<AlertQuery> alertQueries() {
        List<AlertQuery> out = new ArrayList<>();
        for (JsonNode r : alertRules()) {
            for (JsonNode d : r.path("data")) {
                if ("__expr__".equals(d.path("datasourceUid").asText())) {
                    continue;
                }
                out.add(new AlertQuery(r.path("uid").asText(), d.path("refId").asText(), d.path("model").path("query").asText(null),
                        d.path("relativeTimeRange").path("from").asLong(-1), d.path("relativeTimeRange").path("to").asLong(-1)));
            }
        }
        return out;
    }

    /** The query of rule {@code uid}, data entry {@code refId}. */
    public static AlertQuery alertQuery(String uid, String refId) {
        return alertQueries().stream().filter(q -> q.rule().equals(uid) && q.refId().equals(refId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no query " + refId + " in alert rule " + uid));
    }

    /** The data source's minimum interval ({@code jsonData.timeInterval}). */
    public static String datasourceMinInterval() {
        return yaml(DATASOURCES).path("datasources").get(0).path("jsonData").path("timeInterval").asText();
    }
}
