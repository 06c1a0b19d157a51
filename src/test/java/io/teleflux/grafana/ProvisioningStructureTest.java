package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.teleflux.grafana.GrafanaRepo.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Grafana would only find out at start-up (or never, silently), checked on the files: the
 * data source every panel, variable and rule points at exists; uids are unique; the dashboard
 * provider reads where docker-compose mounts the dashboards; alert rules are complete and use the
 * exact enum spellings Grafana parses; the policy sends to a contact point that exists; and every
 * environment variable the provisioning files use is given to Grafana by docker-compose.yml.
 * The queries themselves are run on a real InfluxDB by DashboardQueriesIT.
 */
class ProvisioningStructureTest {
    static final String DS_UID = "teleflux-influxdb";
    /** models.NoDataStateFromString / ErrStateFromString of Grafana's ngalert: exact case. */
    static final Set<String> NO_DATA_STATES = Set.of("NoData", "Alerting", "OK", "KeepLast");
    static final Set<String> EXEC_ERR_STATES = Set.of("Error", "Alerting", "OK", "KeepLast");
    /** Prometheus model.ParseDuration, which Grafana uses for for/interval. */
    static final Pattern PROM_DURATION = Pattern.compile("0|(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");
    static final Set<String> MACROS = Set.of("timeFilter", "__interval", "__interval_ms", "interval");
    static final Pattern DOLLAR_NAME = Pattern.compile("\\$\\{?(\\w+)");
    static final Pattern ENV_REF = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    static Set<String> grafanaEnvironment() {
        Set<String> names = new HashSet<>();
        yaml(GrafanaRepo.COMPOSE).path("services").path("grafana").path("environment").fieldNames()
                .forEachRemaining(names::add);
        return names;
    }

    /** Every text value of a YAML tree, with its path, skipping subtrees whose key is in {@code skip}. */
    static void texts(JsonNode n, String path, Set<String> skip, Map<String, String> out) {
        if (n.isTextual()) {
            out.put(path, n.asText());
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                texts(n.get(i), path + "[" + i + "]", skip, out);
            }
        } else if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (!skip.contains(e.getKey())) {
                    texts(e.getValue(), path + "." + e.getKey(), skip, out);
                }
            });
        }
    }

    @Test
    void theDataSourceIsInfluxQlOnTheBucketWithTheTokenFromTheEnvironment() {
        JsonNode all = yaml(GrafanaRepo.DATASOURCES).path("datasources");
        assertThat(all).hasSize(1);
        JsonNode ds = all.get(0);
        assertThat(ds.path("uid").asText()).isEqualTo(DS_UID);
        assertThat(ds.path("type").asText()).isEqualTo("influxdb");
        assertThat(ds.path("access").asText()).isEqualTo("proxy");
        JsonNode j = ds.path("jsonData");
        assertThat(j.path("version").asText()).isEqualTo("InfluxQL");
        assertThat(j.path("dbName").asText()).isEqualTo("$INFLUXDB_BUCKET");
        assertThat(j.path("httpHeaderName1").asText()).isEqualTo("Authorization");
        assertThat(ds.path("secureJsonData").path("httpHeaderValue1").asText()).isEqualTo("Token $INFLUXDB_TOKEN");
        assertThat(GrafanaMacros.parseInterval(j.path("timeInterval").asText())).isEqualTo(5000);
        assertThat(ds.has("password") || ds.has("basicAuth")).as("no other credentials").isFalse();
    }

    @Test
    void everyEnvironmentVariableOfTheProvisioningFilesIsGivenToGrafana() {
        Set<String> env = grafanaEnvironment();
        List<String> missing = new ArrayList<>();
        for (var file : List.of(GrafanaRepo.DATASOURCES, GrafanaRepo.DASHBOARD_PROVIDER, GrafanaRepo.CONTACT_POINTS,
                GrafanaRepo.POLICIES)) {
            Map<String, String> values = new HashMap<>();
            texts(yaml(file), file.getFileName().toString(), Set.of(), values);
            values.forEach((path, v) -> {
                Matcher m = ENV_REF.matcher(v);
                while (m.find()) {
                    if (!env.contains(m.group(1))) {
                        missing.add(path + " uses $" + m.group(1));
                    }
                }
            });
        }
        assertThat(missing).as("variables not in the grafana service's environment").isEmpty();
        // the rules file is interpolated too (except query models, and annotations but for ${...}):
        // nothing outside those may contain a dollar sign, or Grafana would eat it
        Map<String, String> ruleValues = new HashMap<>();
        texts(yaml(GrafanaRepo.ALERT_RULES), "rules", Set.of("model", "annotations"), ruleValues);
        assertThat(ruleValues.entrySet().stream().filter(e -> e.getValue().contains("$")).toList()).isEmpty();
        Map<String, String> annotations = new HashMap<>();
        for (JsonNode r : GrafanaRepo.alertRules()) {
            texts(r.path("annotations"), r.path("uid").asText(), Set.of(), annotations);
        }
        assertThat(annotations.entrySet().stream().filter(e -> e.getValue().contains("${")).toList()).isEmpty();
    }

    @Test
    void dashboardsHaveUniqueUidsAndEveryQueryUsesTheDataSource() {
        Set<String> uids = new HashSet<>();
        for (var e : GrafanaRepo.dashboards().entrySet()) {
            JsonNode d = e.getValue();
            String uid = d.path("uid").asText();
            assertThat(uid).as(e.getKey() + " uid").isNotBlank().hasSizeLessThanOrEqualTo(40);
            assertThat(uids.add(uid)).as("dashboard uid %s unique", uid).isTrue();
            assertThat(d.path("title").asText()).isNotBlank();

            Set<String> titles = new HashSet<>();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : GrafanaRepo.panels(d)) {
                String title = p.path("title").asText();
                assertThat(titles.add(title)).as("%s: panel title '%s' unique", e.getKey(), title).isTrue();
                assertThat(ids.add(p.path("id").asInt())).as("%s: panel id of '%s' unique", e.getKey(), title).isTrue();
                assertThat(p.path("datasource").path("uid").asText()).as("%s / %s datasource", e.getKey(), title)
                        .isEqualTo(DS_UID);
                if (p.hasNonNull("interval")) {
                    GrafanaMacros.parseInterval(p.path("interval").asText());
                }
                assertThat(p.path("targets")).as("%s / %s has queries", e.getKey(), title).isNotEmpty();
                for (JsonNode t : p.path("targets")) {
                    String where = e.getKey() + " / " + title + " / " + t.path("refId").asText();
                    assertThat(t.path("datasource").path("uid").asText()).as(where).isEqualTo(DS_UID);
                    assertThat(t.path("rawQuery").asBoolean()).as(where + " is raw InfluxQL (what the tests run)").isTrue();
                    assertThat(t.path("query").asText()).as(where).isNotBlank();
                    assertThat(t.path("resultFormat").asText()).as(where).isIn("time_series", "table");
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if ("query".equals(v.path("type").asText())) {
                    assertThat(v.path("datasource").path("uid").asText()).as(e.getKey() + " $" + v.path("name").asText())
                            .isEqualTo(DS_UID);
                }
            }
        }
        assertThat(uids).hasSize(3);
    }

    @Test
    void panelQueriesUseOnlyKnownVariablesAndMacrosAndNeverFillEmptyBuckets() {
        for (var e : GrafanaRepo.dashboards().entrySet()) {
            JsonNode d = e.getValue();
            Set<String> variables = new HashSet<>();
            d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            String uid = d.path("uid").asText();
            for (GrafanaRepo.PanelQuery q : GrafanaRepo.panelQueries(uid, d)) {
                Matcher m = DOLLAR_NAME.matcher(q.query());
                while (m.find()) {
                    assertThat(variables.contains(m.group(1)) || MACROS.contains(m.group(1)))
                            .as("%s: $%s is neither a variable of the dashboard nor a macro", q, m.group(1)).isTrue();
                }
                assertThat(q.query()).as("%s reads only the dashboard's time range", q).contains("$timeFilter");
                // GROUP BY time() follows the panel interval; 1ms only groups one self-monitoring report
                Matcher g = Pattern.compile("GROUP BY time\\(([^)]*)\\)").matcher(q.query());
                while (g.find()) {
                    assertThat(g.group(1)).as(q.toString()).isIn("$__interval", "1ms");
                }
                if (q.query().contains("GROUP BY time(")) {
                    assertThat(q.query()).as("%s: empty buckets are left out, not drawn as 0 or null", q)
                            .contains("fill(none)").doesNotContain("fill(0)").doesNotContain("fill(null)");
                }
            }
        }
    }

    @Test
    void theInterfaceVariableCascadesFromTheDeviceVariable() {
        JsonNode d = GrafanaRepo.dashboards().get("interface-traffic.json");
        List<GrafanaRepo.VariableQuery> vars = GrafanaRepo.variableQueries("teleflux-interface-traffic", d);
        assertThat(vars).extracting(GrafanaRepo.VariableQuery::name).containsExactly("device", "interface");
        GrafanaRepo.VariableQuery device = vars.get(0);
        GrafanaRepo.VariableQuery iface = vars.get(1);
        assertThat(device.multi() && device.includeAll() && iface.multi() && iface.includeAll()).isTrue();
        assertThat(iface.query()).contains("WITH KEY = \"interface\"").contains("\"device\" =~ /^$device$/");
    }

    @Test
    void theDashboardProviderReadsWhereComposeMountsTheDashboards() {
        JsonNode providers = yaml(GrafanaRepo.DASHBOARD_PROVIDER).path("providers");
        assertThat(providers).hasSize(1);
        JsonNode p = providers.get(0);
        assertThat(p.path("type").asText()).isEqualTo("file");
        assertThat(p.path("folder").asText()).isEqualTo("Teleflux");
        String path = p.path("options").path("path").asText();
        List<String> mounts = new ArrayList<>();
        yaml(GrafanaRepo.COMPOSE).path("services").path("grafana").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).contains("./grafana/dashboards:" + path + ":ro", "./grafana/provisioning:/etc/grafana/provisioning:ro");
        for (JsonNode g : yaml(GrafanaRepo.ALERT_RULES).path("groups")) {
            assertThat(g.path("folder").asText()).as("alert rules live next to the dashboards").isEqualTo("Teleflux");
        }
    }

    @Test
    void alertRulesAreCompleteAndUseGrafanasExactSpellings() {
        JsonNode groups = yaml(GrafanaRepo.ALERT_RULES).path("groups");
        assertThat(groups).isNotEmpty();
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (JsonNode g : groups) {
            assertThat(g.path("name").asText()).isNotBlank();
            assertThat(g.path("interval").asText()).matches(PROM_DURATION);
            for (JsonNode r : g.path("rules")) {
                String uid = r.path("uid").asText();
                assertThat(uid).isNotBlank().hasSizeLessThanOrEqualTo(40).matches("[a-zA-Z0-9_-]+");
                assertThat(uids.add(uid)).as("rule uid %s unique", uid).isTrue();
                assertThat(titles.add(r.path("title").asText())).as("%s title unique in the folder", uid).isTrue();
                assertThat(r.path("for").asText()).as(uid + " for").matches(PROM_DURATION);
                assertThat(r.path("noDataState").asText()).as(uid).isIn(NO_DATA_STATES);
                assertThat(r.path("execErrState").asText()).as(uid).isIn(EXEC_ERR_STATES);
                assertThat(r.path("annotations").path("summary").asText()).as(uid).isNotBlank();
                assertThat(r.path("annotations").path("description").asText()).as(uid).isNotBlank();
                assertThat(r.path("labels").path("severity").asText()).as(uid).isIn("warning", "critical");
                checkData(uid, r);
            }
        }
        assertThat(uids).contains("teleflux-interface-utilisation", "teleflux-device-silent", "teleflux-snmp-polls-failing",
                "teleflux-points-dropped", "teleflux-write-errors", "teleflux-spool-growing");
    }

    static void checkData(String uid, JsonNode rule) {
        Set<String> refIds = new HashSet<>();
        for (JsonNode d : rule.path("data")) {
            assertThat(refIds.add(d.path("refId").asText())).as(uid + " refIds unique").isTrue();
        }
        assertThat(refIds).as(uid + " condition").contains(rule.path("condition").asText());
        for (JsonNode d : rule.path("data")) {
            String ref = uid + "/" + d.path("refId").asText();
            JsonNode m = d.path("model");
            assertThat(m.path("refId").asText()).as(ref).isEqualTo(d.path("refId").asText());
            if ("__expr__".equals(d.path("datasourceUid").asText())) {
                assertThat(m.path("datasource").path("uid").asText()).as(ref).isEqualTo("__expr__");
                String type = m.path("type").asText();
                assertThat(type).as(ref).isIn("reduce", "threshold", "math");
                if (type.equals("math")) {
                    Matcher vars = Pattern.compile("\\$(\\w+)").matcher(m.path("expression").asText());
                    int n = 0;
                    while (vars.find()) {
                        assertThat(refIds).as(ref + " refers to $" + vars.group(1)).contains(vars.group(1));
                        n++;
                    }
                    assertThat(n).as(ref).isPositive();
                } else {
                    assertThat(refIds).as(ref + " input").contains(m.path("expression").asText());
                }
                if (type.equals("reduce")) {
                    assertThat(m.path("reducer").asText()).as(ref).isIn("last", "mean", "min", "max", "sum", "count");
                    assertThat(m.path("settings").path("mode").asText()).as(ref).isIn("dropNN", "replaceNN", "");
                }
                if (type.equals("threshold")) {
                    JsonNode ev = m.path("conditions").get(0).path("evaluator");
                    assertThat(ev.path("type").asText()).as(ref).isIn("gt", "lt", "within_range", "outside_range");
                    assertThat(ev.path("params").get(0).isNumber()).as(ref).isTrue();
                }
            } else {
                assertThat(d.path("datasourceUid").asText()).as(ref).isEqualTo(DS_UID);
                assertThat(m.path("datasource").path("uid").asText()).as(ref).isEqualTo(DS_UID);
                assertThat(m.path("rawQuery").asBoolean()).as(ref).isTrue();
                String q = m.path("query").asText();
                assertThat(q).as(ref).contains("$timeFilter").doesNotContain("$__interval").doesNotContain("$interval");
                long from = d.path("relativeTimeRange").path("from").asLong(-1);
                long to = d.path("relativeTimeRange").path("to").asLong(-1);
                assertThat(to).as(ref + " relativeTimeRange.to").isGreaterThanOrEqualTo(0);
                assertThat(from).as(ref + " relativeTimeRange.from").isGreaterThan(to);
            }
        }
    }

    @Test
    void thePolicySendsToTheWebhookContactPoint() {
        JsonNode cps = yaml(GrafanaRepo.CONTACT_POINTS).path("contactPoints");
        Set<String> names = new HashSet<>();
        Set<String> receiverUids = new HashSet<>();
        for (JsonNode cp : cps) {
            names.add(cp.path("name").asText());
            for (JsonNode r : cp.path("receivers")) {
                assertThat(receiverUids.add(r.path("uid").asText())).isTrue();
                assertThat(r.path("type").asText()).isEqualTo("webhook");
                assertThat(r.path("settings").path("url").asText()).isEqualTo("$ALERT_WEBHOOK_URL");
            }
        }
        JsonNode policies = yaml(GrafanaRepo.POLICIES).path("policies");
        assertThat(policies).hasSize(1);
        assertThat(names).contains(policies.get(0).path("receiver").asText());
        List<String> groupBy = new ArrayList<>();
        policies.get(0).path("group_by").forEach(x -> groupBy.add(x.asText()));
        assertThat(groupBy).contains("alertname", "device");
    }
}
