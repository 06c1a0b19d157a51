package io.teleflux;

import com.fasterxml.jackson.databind.JsonNode;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.HostPort;
import io.teleflux.snmp.SnmpTarget;
import io.teleflux.grafana.GrafanaMacros;
import io.teleflux.grafana.GrafanaMacros.Context;
import io.teleflux.grafana.GrafanaMacros.Variable;
import io.teleflux.grafana.GrafanaRepo;
import io.teleflux.grafana.GrafanaRepo.AlertQuery;
import io.teleflux.grafana.GrafanaRepo.PanelQuery;
import io.teleflux.grafana.OverlayPlot;
import io.teleflux.sim.Activity;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.SampleReport;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.snmp.PollResult;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxQueryResult.Series;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.VictoriaMetricsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every InfluxQL query of the Grafana dashboards and alert rules, run on a real influxd 1.6.7 with
 * Grafana's interpolation ({@link GrafanaMacros}), on data that got there the real way: simulated
 * H3C switches dial out to a real {@link Collector} with 20 minutes of 5-second samples, and its
 * real SNMP poller polls the simulator's SNMP agent once a minute (sim-0001..sim-0003 answer,
 * sim-0004 has no agent, so its polls time out); the collector writes both and its own counters
 * (measurement teleflux). The 20 minutes are replayed in seconds: the switches, their SNMP agent
 * and the collector's poll and self-monitoring stamps all read one {@link ReplayClock}; after the
 * replay the clock is live, the switches keep sending and the collector reports once a second.
 *
 * <p>Besides "runs and returns series", each panel is checked for what it claims to show: the
 * overlay's telemetry and SNMP lines of one interface agree within 2%, the utilisation alert sees
 * the burst port above 80% and no quiet port, totals are the sums the counters imply, the health
 * panels show the collector's own counters (write errors from a real InfluxDB outage included).
 */
class DashboardQueriesIT {
    static final int DEVICES = 4;
    static final int SNMP_OK_DEVICES = 3; // sim-0004's polls all time out
    static final int IFACES = 12;
    static final long STEP = 5_000;
    static final int SAMPLES = 241; // 20 minutes of 5 s samples, both ends included
    static final int STATE_EVERY = DialoutSettings.DEFAULT_STATE_EVERY;
    static final long POLL = 60_000;
    /** The poller polls each device at a fixed offset within its interval; any offset would do. */
    static final long POLL_PHASE = 23_417;
    static final long REPORT = 10_000;
    static final int PANEL_POINTS = 1000; // a panel about 1000 pixels wide
    static final String DB = "telemetry";

    static final ReplayClock clock = new ReplayClock();
    static InfluxdFixture influx;
    static SnmpAgentSimulator agent;
    static Replay collector;
    static VictoriaMetricsFixture vm;
    static Replay v2Collector;
    static DialoutSimulator v2Sim;
    static DialoutSimulator sim;
    static CounterModel model;
    static long testStart;
    static long tStart;
    static long tEnd;
    static long outageEnd;
    static long tNow;
    static final List<Long> polls = new ArrayList<>();
    static final Map<String, Integer> seriesCounts = new TreeMap<>();

    @BeforeAll
    static void feed() throws Exception {
        testStart = System.currentTimeMillis();
        influx = InfluxdFixture.launch();
        model = new CounterModel(7, IFACES, "sim-");
        // the simulated switches answer SNMP with the counters of the model's clock; sim-0004 has no agent
        agent = new SnmpAgentSimulator(model, SNMP_OK_DEVICES, "127.0.0.1", 0, List.of(), clock);
        agent.start();
        StringBuilder targets = new StringBuilder();
        for (int d = 0; d < DEVICES; d++) {
            targets.append("{ name = \"%s\", address = \"127.0.0.1:%d\", community = \"%s\" }\n"
                    .formatted(model.deviceName(d), agent.port(), model.deviceName(d)));
        }
        String snmp = """
                teleflux.snmp { interval = 60s, timeout = 500ms, retries = 1, targets = [
                %s] }
                """.formatted(targets);
        collector = Replay.start(TestCollector.v1(influx.url()), snmp, clock);
        sim = new DialoutSimulator(model, DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), DEVICES));
        sim.start();
        // the same switches, in lockstep, also feed a second collector that writes with the v2 API
        // (influxdb-client-java) into VictoriaMetrics: the stand-in for InfluxDB 2.x's write API
        vm = VictoriaMetricsFixture.launch();
        v2Collector = Replay.start("teleflux.influx { api = v2, url = \"" + vm.url()
                + "\", org = it-org, bucket = telemetry, token = it-token }\n", snmp, clock);
        v2Sim = new DialoutSimulator(model, DialoutSettings.defaults(new HostPort("127.0.0.1", v2Collector.dialoutPort()), DEVICES));
        v2Sim.start();
        assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();
        assertThat(v2Sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();

        tEnd = (System.currentTimeMillis() - 90_000) / STEP * STEP;
        tStart = tEnd - (SAMPLES - 1) * STEP;
        for (long t = tStart + POLL_PHASE; t <= tEnd; t += POLL) {
            polls.add(t);
        }
        // 20 minutes of the switches' past, in order: telemetry every 5 s, an SNMP poll every minute,
        // a self-monitoring snapshot every 10 s, each stamped with its own time
        int nextPoll = 0;
        for (int k = 0; k < SAMPLES; k++) {
            long t = tStart + k * STEP;
            while (nextPoll < polls.size() && polls.get(nextPoll) < t) {
                clock.set(polls.get(nextPoll++));
                // both collectors poll at once: each poll waits the whole timeout of sim-0004 (2 x 500 ms), and
                // one after the other that was 40 s of the replay
                CompletableFuture<Map<SnmpTarget, PollResult>> v2Poll = CompletableFuture.supplyAsync(() -> {
                    try {
                        return v2Collector.pollSnmpNow();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Map<SnmpTarget, PollResult> v1Results = collector.pollSnmpNow();
                for (Map<SnmpTarget, PollResult> results : List.of(v1Results, v2Poll.get(60, TimeUnit.SECONDS))) {
                    assertThat(results.values()).containsExactly(PollResult.OK, PollResult.OK, PollResult.OK, PollResult.TIMEOUT);
                }
            }
            clock.set(t);
            Set<SensorPath> paths = k % STATE_EVERY == 0 ? SensorPath.all() : EnumSet.of(SensorPath.IFMGR_STATISTICS);
            // the two simulators are independent: each sends its sample while the other does
            List<CompletableFuture<SampleReport>> sending = List.of(sim.sendSample(t, paths), v2Sim.sendSample(t, paths));
            for (CompletableFuture<SampleReport> f : sending) {
                assertThat(f.get(60, TimeUnit.SECONDS).dropped()).as("sample %d", k).isZero();
            }
            // a device sends at its own pace (gRPC flow control); wait, as a device's clock would
            assertThat(sim.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(v2Sim.awaitDrained(Duration.ofSeconds(60))).isTrue();
            if ((t - tStart) % REPORT == 0) {
                collector.reportSelfmonNow();
                v2Collector.reportSelfmonNow();
            }
        }
        assertThat(sim.stats().messagesDropped()).isZero();
        assertThat(v2Sim.stats().messagesDropped()).isZero();
        // its part is done: the v2 side only has to hold the replayed 20 minutes
        v2Sim.close();
        v2Collector.close();
        clock.live();
        collector.startSelfmonSchedule();
        long liveStart = System.currentTimeMillis();

        long telemetryRows = (long) DEVICES * IFACES * SAMPLES;
        assertThat(TestCollector.await(120, () -> count("SELECT count(\"in_octets\") FROM \"interface\" WHERE \"source\" = 'telemetry'")
                >= telemetryRows)).as("all %d telemetry interface samples stored", telemetryRows).isTrue();
        long snmpRows = (long) SNMP_OK_DEVICES * IFACES * polls.size();
        assertThat(TestCollector.await(60, () -> count("SELECT count(\"in_octets\") FROM \"interface\" WHERE \"source\" = 'snmp'")
                >= snmpRows)).as("all %d SNMP interface samples stored", snmpRows).isTrue();
        assertThat(count("SELECT count(\"in_octets\") FROM \"interface\" WHERE \"source\" = 'snmp'")).isEqualTo(snmpRows);

        // the switches keep sending live samples, the collector keeps reporting itself (every second here).
        // The replay gave the health panels 20 minutes of history in 10 s steps; the alerts evaluated around
        // the outage look back 2 minutes, all of it live: a few reports stored before the outage put
        // error-free reports in their windows ahead of the outage's errors
        sim.startClock();
        assertThat(TestCollector.await(120, () -> count("SELECT count(\"up\") FROM \"teleflux\" WHERE time > " + liveStart + "ms")
                >= 3)).isTrue();

        // a real InfluxDB outage, so that the health panels and the write-error alert see real errors
        influx.kill();
        assertThat(TestCollector.await(60, () -> collector.metrics().sum("teleflux_write_errors_total") >= 2)).isTrue();
        influx.start();
        outageEnd = System.currentTimeMillis();
        assertThat(TestCollector.await(90, () -> count("SELECT count(\"write_errors_total\") FROM \"teleflux\" WHERE time > "
                + (outageEnd + 2_000) + "ms") > 0)).as("self-monitoring written again after the outage").isTrue();
        // and eleven reports more (ten seconds, whatever the phase), so that the write-error counters span
        // more than one 10 s bucket
        assertThat(TestCollector.await(60, () -> count("SELECT count(\"up\") FROM \"teleflux\" WHERE time > "
                + outageEnd + "ms") >= 11)).isTrue();
        tNow = System.currentTimeMillis();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (v2Sim != null) {
            v2Sim.close();
        }
        if (v2Collector != null) {
            v2Collector.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (vm != null) {
            vm.close();
        }
        if (influx != null) {
            influx.close();
        }
        System.out.println("DashboardQueriesIT series per query: " + seriesCounts);
    }

    // ------------------------------------------------------------------ helpers

    static long count(String q) {
        InfluxQueryResult r = influx.query(DB, q);
        return r.isEmpty() ? 0 : ((Number) r.single().values().get(0).get(1)).longValue();
    }

    static InfluxQueryResult run(String expanded) {
        return influx.query(DB, expanded);
    }

    static JsonNode dashboard(String file) {
        return GrafanaRepo.dashboards().get(file);
    }

    static PanelQuery panelQuery(String file, String title, String refId) {
        JsonNode d = dashboard(file);
        return GrafanaRepo.panelQueries(d.path("uid").asText(), d).stream()
                .filter(q -> q.panel().equals(title) && q.refId().equals(refId)).findFirst()
                .orElseThrow(() -> new AssertionError("no panel '" + title + "' / " + refId + " in " + file));
    }

    /** The panel's query as Grafana sends it for the range [from, to] on a panel of {@code points} pixels. */
    static String expand(PanelQuery q, long from, long to, int points, Map<String, Variable> vars) {
        long min = GrafanaMacros.parseInterval(q.minInterval() != null ? q.minInterval() : GrafanaRepo.datasourceMinInterval());
        long start = q.timeFrom() != null ? to - GrafanaMacros.parseInterval(q.timeFrom()) : from;
        return GrafanaMacros.expand(q.query(), new Context(start, to, GrafanaMacros.intervalMs(start, to, points, min), vars));
    }

    /** An alert rule's query as Grafana runs it when it evaluates at {@code evalTime}. */
    static String expand(AlertQuery q, long evalTime) {
        return GrafanaMacros.expand(q.query(), Context.of(evalTime - q.fromSeconds() * 1000, evalTime - q.toSeconds() * 1000, 1000));
    }

    static List<String> variableValues(String file, String name, Map<String, Variable> vars) {
        JsonNode d = dashboard(file);
        var v = GrafanaRepo.variableQueries(d.path("uid").asText(), d).stream().filter(x -> x.name().equals(name))
                .findFirst().orElseThrow();
        InfluxQueryResult r = run(GrafanaMacros.expandVariables(v.query(), vars));
        List<String> values = new ArrayList<>();
        for (Series s : r.series()) {
            for (Object o : s.column("value")) {
                values.add((String) o);
            }
        }
        return values;
    }

    /** Every variable of a dashboard set to "All", as the dashboards open. */
    static Map<String, Variable> allSelected(String file) {
        Map<String, Variable> vars = new LinkedHashMap<>();
        switch (file) {
            case "interface-traffic.json" -> {
                vars.put("device", Variable.all("device", variableValues(file, "device", vars), null));
                vars.put("interface", Variable.all("interface", variableValues(file, "interface", vars), ".*"));
            }
            case "device-overview.json" -> {
                vars.put("device", Variable.all("device", variableValues(file, "device", vars), null));
                vars.put("source", Variable.of("source", "telemetry"));
            }
            case "teleflux-health.json" -> vars.put("instance", Variable.all("instance", variableValues(file, "instance", vars), null));
            default -> throw new AssertionError("no variables known for " + file);
        }
        return vars;
    }

    static Series find(InfluxQueryResult r, Map<String, String> tags) {
        return r.series().stream().filter(s -> s.tags().entrySet().containsAll(tags.entrySet())).findFirst()
                .orElseThrow(() -> new AssertionError("no series with " + tags + " in " + r.series().stream().map(Series::tags).toList()));
    }

    static List<Series> all(InfluxQueryResult r, Map<String, String> tags) {
        return r.series().stream().filter(s -> s.tags().entrySet().containsAll(tags.entrySet())).toList();
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    static Map<String, String> tags(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static long[] rangeOf(String file) {
        return file.equals("teleflux-health.json") ? new long[] {tStart, tNow} : new long[] {tStart, tEnd};
    }

    /** Whether the device's burst is on during the whole of [from, to] (1 s steps). */
    static boolean burstThroughout(int device, long from, long to) {
        for (long t = from; t <= to; t += 1000) {
            if (!model.burstActive(device, t)) {
                return false;
            }
        }
        return model.burstActive(device, to);
    }

    static boolean spoolInTree() {
        return ConfigLoader.reference().hasPath("teleflux.influx.spool");
    }

    // ------------------------------------------------------------------ every query

    @Test
    void variableQueriesListTheDevicesAndCascadeToTheirInterfaces() {
        String file = "interface-traffic.json";
        List<String> devices = variableValues(file, "device", Map.of());
        List<String> names = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            names.add(model.deviceName(d));
        }
        assertThat(devices).containsExactlyInAnyOrderElementsOf(names);

        // the switches are of different models: their interfaces differ
        Set<String> everyName = new HashSet<>();
        for (int d = 0; d < DEVICES; d++) {
            model.interfaces(d).forEach(i -> everyName.add(i.name()));
        }
        List<String> all = variableValues(file, "interface", Map.of("device", Variable.all("device", devices, null)));
        assertThat(all).doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).isEqualTo(everyName);
        Set<String> ofOne = new HashSet<>();
        model.interfaces(2).forEach(i -> ofOne.add(i.name()));
        List<String> one = variableValues(file, "interface", Map.of("device", Variable.of("device", model.deviceName(2))));
        assertThat(new HashSet<>(one)).isEqualTo(ofOne).isNotEqualTo(everyName);
        List<String> none = variableValues(file, "interface", Map.of("device", Variable.of("device", "no-such-device")));
        assertThat(none).isEmpty();

        assertThat(variableValues("teleflux-health.json", "instance", Map.of())).containsExactly("it");
        assertThat(variableValues("device-overview.json", "device", Map.of())).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void everyPanelQueryRunsAtTwoIntervalsAndReturnsSeries() {
        Set<String> spoolOnly = Set.of("teleflux-health / Spool: age of the oldest entry / A",
                "teleflux-health / Queue and spool (points) / B");
        int checked = 0;
        for (String file : GrafanaRepo.dashboards().keySet()) {
            JsonNode d = dashboard(file);
            Map<String, Variable> vars = allSelected(file);
            long[] range = rangeOf(file);
            for (PanelQuery q : GrafanaRepo.panelQueries(d.path("uid").asText(), d)) {
                // a wide panel, and a narrow one: 1-minute buckets over the 20 fed minutes; the health
                // dashboard's history is only a minute long here, so its narrow panel gets 15 s buckets
                for (int points : new int[] {PANEL_POINTS, file.equals("teleflux-health.json") ? 100 : 20}) {
                    String sql = expand(q, range[0], range[1], points, vars);
                    assertThat(sql).as(q + ": nothing left to interpolate").doesNotContainPattern("\\$[\\w{]");
                    InfluxQueryResult r = run(sql); // a statement error throws
                    if (spoolOnly.contains(q.toString()) && !spoolInTree()) {
                        // the durable spool (and its gauges) is on another branch: nothing reports them yet
                        assertThat(r.series()).as(q + " before the spool is merged").isEmpty();
                    } else {
                        assertThat(r.series()).as(q + " at " + points + " points: " + sql).isNotEmpty();
                    }
                    seriesCounts.put(q + " @" + points, r.series().size());
                    checked++;
                }
            }
        }
        assertThat(checked).as("every panel query, twice").isEqualTo(2 * (6 + 8 + 17));
    }

    @Test
    void everyAlertQueryRunsOnItsRelativeTimeRange() {
        List<AlertQuery> queries = GrafanaRepo.alertQueries();
        assertThat(queries).hasSize(9);
        for (AlertQuery q : queries) {
            String sql = expand(q, tNow);
            assertThat(sql).doesNotContainPattern("\\$[\\w{]");
            InfluxQueryResult r = run(sql);
            seriesCounts.put("alert " + q, r.series().size());
        }
    }

    // ------------------------------------------------------------------ interface traffic

    @Test
    void theOverlayShowsTelemetryAndSnmpOfOneInterfaceAndTheyAgree() {
        PanelQuery q = panelQuery("interface-traffic.json", "Traffic: telemetry and SNMP (bits/s)", "A");
        Map<String, Variable> vars = allSelected("interface-traffic.json");
        // a narrow panel (20 points for 20 minutes): Grafana asks for 1-minute buckets
        String sql = expand(q, tStart, tEnd, 20, vars);
        assertThat(sql).contains("GROUP BY time(1m)");
        InfluxQueryResult r = run(sql);

        int compared = 0;
        for (int d = 0; d < DEVICES; d++) {
            for (InterfaceProfile iface : model.interfaces(d)) {
                Map<String, String> key = tags("device", model.deviceName(d), "interface", iface.name());
                find(r, withSource(key, "telemetry"));
                assertThat(all(r, withSource(key, "snmp"))).as("SNMP of %s", key).hasSize(d < SNMP_OK_DEVICES ? 1 : 0);
            }
            if (d >= SNMP_OK_DEVICES) {
                continue;
            }
            // the burst port: compare every minute whose telemetry and SNMP windows both lie inside a burst
            InterfaceProfile burst = model.iface(d, 0);
            assertThat(burst.burstPort()).isTrue();
            Map<String, String> key = tags("device", model.deviceName(d), "interface", burst.name());
            Map<Long, List<Object>> tel = byTime(find(r, withSource(key, "telemetry")));
            Map<Long, List<Object>> snmp = byTime(find(r, withSource(key, "snmp")));
            Series s = find(r, withSource(key, "snmp"));
            int in = s.columns().indexOf("in");
            int out = s.columns().indexOf("out");
            for (var e : snmp.entrySet()) {
                long b = e.getKey();
                long poll = polls.stream().filter(t -> t >= b && t < b + 60_000).findFirst().orElseThrow();
                // telemetry bucket: samples at b .. b+55 s, rates over (b-5 s, b+55 s]; SNMP: (poll-60 s, poll]
                if (!tel.containsKey(b) || !burstThroughout(d, Math.min(b - 5_000, poll - 60_000), Math.max(b + 55_000, poll))) {
                    continue;
                }
                for (int col : new int[] {in, out}) {
                    double t = num(tel.get(b).get(col));
                    double v = num(e.getValue().get(col));
                    assertThat(t).as("%s %s at %d: telemetry %f vs SNMP %f", key, s.columns().get(col), b, t, v)
                            .isCloseTo(v, within(0.02 * v));
                }
                compared++;
            }
        }
        assertThat(compared).as("minutes compared inside bursts").isGreaterThanOrEqualTo(SNMP_OK_DEVICES);
    }

    static Map<String, String> withSource(Map<String, String> key, String source) {
        Map<String, String> m = new HashMap<>(key);
        m.put("source", source);
        return m;
    }

    static Map<Long, List<Object>> byTime(Series s) {
        Map<Long, List<Object>> m = new TreeMap<>();
        for (List<Object> row : s.values()) {
            m.put(((Number) row.get(0)).longValue(), row);
        }
        return m;
    }

    @Test
    void atTheDefaultIntervalSnmpStaysSparseAndNothingIsFilledIn() {
        PanelQuery q = panelQuery("interface-traffic.json", "Traffic: telemetry and SNMP (bits/s)", "A");
        String iface = model.iface(0, 0).name();
        Map<String, Variable> vars = Map.of("device", Variable.of("device", model.deviceName(0), model.deviceName(1)),
                "interface", Variable.of("interface", iface));
        String sql = expand(q, tStart, tEnd, PANEL_POINTS, vars);
        assertThat(sql).contains("GROUP BY time(5s)").contains("\"device\" =~ /^(sim-0001|sim-0002)$/")
                .contains("\"interface\" =~ /^" + GrafanaMacros.escapeRegex(iface) + "$/");
        InfluxQueryResult r = run(sql);
        assertThat(r.series()).hasSize(4); // 2 devices x 2 sources, one interface
        for (Series s : r.series()) {
            List<Long> times = s.values().stream().map(row -> ((Number) row.get(0)).longValue()).toList();
            for (List<Object> row : s.values()) {
                assertThat(row.subList(1, row.size())).as("fill(none): no null or zero bucket in %s", s.tags())
                        .allSatisfy(v -> assertThat(num(v)).isPositive());
            }
            if (s.tags().get("source").equals("snmp")) {
                assertThat(times).as("one point per poll").hasSize(polls.size() - 1);
                for (long t : times) {
                    assertThat(polls).anySatisfy(p -> assertThat(p / 5000 * 5000).isEqualTo(t));
                }
            } else {
                assertThat(times).as("one point per sample after the first").hasSize(SAMPLES - 1);
            }
        }
    }

    @Test
    void utilisationPanelAndAlertQuerySeeTheBurstAboveTheThresholdAndNoQuietPort() {
        double threshold = GrafanaRepo.alertRules().stream().filter(r -> r.path("uid").asText().equals("teleflux-interface-utilisation"))
                .findFirst().orElseThrow().path("data").get(2).path("model").path("conditions").get(0)
                .path("evaluator").path("params").get(0).asDouble();
        assertThat(threshold).isEqualTo(80);

        // an evaluation instant whose last 2 minutes (and the 5 s before, the first sample's rate) are all burst
        int device = 0;
        long eval = -1;
        for (long t = tEnd; t >= tStart + 130_000; t -= STEP) {
            if (burstThroughout(device, t - 125_000, t)) {
                eval = t;
                break;
            }
        }
        assertThat(eval).as("a burst of 2 minutes in the fed range").isPositive();
        AlertQuery a = GrafanaRepo.alertQuery("teleflux-interface-utilisation", "A");
        InfluxQueryResult r = run(expand(a, eval));
        String burst = model.iface(device, 0).name();
        int above = 0;
        for (Series s : r.series()) {
            double util = num(s.values().get(0).get(1));
            boolean isBurst = s.tags().get("device").equals(model.deviceName(device)) && s.tags().get("interface").equals(burst)
                    && s.tags().get("source").equals("telemetry");
            if (isBurst) {
                assertThat(util).as("burst port, lowest utilisation of 2 minutes").isGreaterThan(threshold);
                above++;
            } else if (!model.iface(model.deviceIndex(s.tags().get("device")), 0).name().equals(s.tags().get("interface"))) {
                assertThat(util).as("quiet port %s", s.tags()).isLessThan(threshold);
            }
        }
        assertThat(above).isEqualTo(1);
        assertThat(r.series().size()).as("every interface with a speed: telemetry and SNMP series").isGreaterThan(DEVICES * IFACES);

        // the panel shows the same: inside the burst the burst port is above the threshold
        PanelQuery p = panelQuery("interface-traffic.json", "Utilisation (%)", "A");
        InfluxQueryResult panel = run(expand(p, eval - 120_000, eval, PANEL_POINTS,
                Map.of("device", Variable.of("device", model.deviceName(device)), "interface", Variable.of("interface", burst))));
        Series tel = find(panel, tags("source", "telemetry"));
        assertThat(tel.values()).isNotEmpty().allSatisfy(row -> assertThat(Math.max(num(row.get(1)), num(row.get(2))))
                .isGreaterThan(threshold));
    }

    @Test
    void statusTableErrorsAndPacketsShowWhatTheModelSays() {
        Map<String, Variable> vars = allSelected("interface-traffic.json");
        InfluxQueryResult status = run(expand(panelQuery("interface-traffic.json", "Operational status", "A"), tStart, tEnd, 20, vars));
        assertThat(status.series()).hasSize(DEVICES * IFACES);
        for (Series s : status.series()) {
            InterfaceProfile iface = model.interfaces(model.deviceIndex(s.tags().get("device"))).stream()
                    .filter(i -> i.name().equals(s.tags().get("interface"))).findFirst().orElseThrow();
            assertThat(s.column("status")).allSatisfy(v -> assertThat(num(v)).isEqualTo(iface.operStatus()));
        }
        assertThat(model.interfaces(0).stream().map(InterfaceProfile::activity)).contains(Activity.ACTIVE);

        InfluxQueryResult top = run(expand(panelQuery("interface-traffic.json", "Top interfaces by current utilisation", "A"),
                tStart, tEnd, PANEL_POINTS, vars));
        int rows = top.series().stream().mapToInt(Series::size).sum();
        assertThat(rows).as("one row per device and interface; the panel keeps the top 10").isEqualTo(DEVICES * IFACES);
        for (Series s : top.series()) {
            for (Map<String, Object> row : s.rows()) {
                for (String c : List.of("in %", "out %")) {
                    assertThat(row.get(c) == null || (num(row.get(c)) >= 0 && num(row.get(c)) <= 100)).as(c + " " + row).isTrue();
                }
            }
        }

        InfluxQueryResult errors = run(expand(panelQuery("interface-traffic.json", "Errors and discards (per second)", "A"),
                tStart, tEnd, 20, vars));
        for (Series s : errors.series()) {
            for (List<Object> row : s.values()) {
                row.subList(1, row.size()).forEach(v -> assertThat(v == null || num(v) >= 0).as("never negative").isTrue());
            }
        }
        InfluxQueryResult pkts = run(expand(panelQuery("interface-traffic.json", "Packets (packets/s)", "A"), tStart, tEnd, 20, vars));
        assertThat(pkts.series()).hasSize(DEVICES * IFACES + SNMP_OK_DEVICES * IFACES);
    }

    // ------------------------------------------------------------------ device overview

    @Test
    void deviceOverviewLastSeenTotalsAndInterfaceCounts() {
        String file = "device-overview.json";
        Map<String, Variable> vars = allSelected(file);
        InfluxQueryResult seen = run(expand(panelQuery(file, "Devices: last seen per source", "A"), tStart, tEnd, PANEL_POINTS, vars));
        long lastPoll = polls.get(polls.size() - 1);
        for (int d = 0; d < DEVICES; d++) {
            Map<String, String> dev = tags("device", model.deviceName(d));
            assertThat(((Number) find(seen, withSource(dev, "telemetry")).value(0, "time")).longValue()).isEqualTo(tEnd);
            if (d < SNMP_OK_DEVICES) {
                assertThat(((Number) find(seen, withSource(dev, "snmp")).value(0, "time")).longValue()).isEqualTo(lastPoll);
            } else {
                assertThat(all(seen, withSource(dev, "snmp"))).as("sim-0004 never answered SNMP").isEmpty();
            }
        }

        // totals: the sum over the interfaces of the rates the counters imply, bucket by bucket
        InfluxQueryResult totals = run(expand(panelQuery(file, "Traffic per device: sum of its interfaces (bits/s)", "A"),
                tStart, tEnd, PANEL_POINTS, vars));
        assertThat(totals.series()).hasSize(DEVICES);
        for (Series s : totals.series()) {
            int d = model.deviceIndex(s.tags().get("device"));
            assertThat(s.size()).isEqualTo(SAMPLES - 1);
            for (List<Object> row : s.values()) {
                long t = ((Number) row.get(0)).longValue();
                double in = 0;
                double out = 0;
                for (int p = 0; p < IFACES; p++) {
                    in += (model.octets(d, p, Direction.IN, t) - model.octets(d, p, Direction.IN, t - STEP)) * 8 / 5.0;
                    out += (model.octets(d, p, Direction.OUT, t) - model.octets(d, p, Direction.OUT, t - STEP)) * 8 / 5.0;
                }
                String dev = s.tags().get("device");
                assertThat(num(row.get(1))).as(() -> "%s at %d; its interfaces' in_bps and in_octets at t-5 s and t: %s".formatted(dev, t,
                        run("SELECT in_bps, in_octets FROM interface WHERE device = '" + dev + "' AND source = 'telemetry' AND time >= "
                                + (t - STEP) + "ms AND time <= " + t + "ms GROUP BY interface").series().stream()
                                .map(x -> x.tags().get("interface") + "=" + x.values()).toList())).isCloseTo(in, within(1e-6 * in));
                assertThat(num(row.get(2))).isCloseTo(out, within(1e-6 * out));
            }
        }
        InfluxQueryResult snmpTotals = run(expand(panelQuery(file, "Current traffic per device (bits/s)", "A"), tStart, tEnd,
                PANEL_POINTS, Map.of("device", vars.get("device"), "source", Variable.of("source", "snmp"))));
        assertThat(snmpTotals.series()).hasSize(SNMP_OK_DEVICES);

        InfluxQueryResult up = run(expand(panelQuery(file, "Interfaces up and down per device", "A"), tStart, tEnd, PANEL_POINTS, vars));
        InfluxQueryResult down = run(expand(panelQuery(file, "Interfaces up and down per device", "B"), tStart, tEnd, PANEL_POINTS, vars));
        for (int d = 0; d < DEVICES; d++) {
            long ups = model.interfaces(d).stream().filter(i -> i.operStatus() == 1).count();
            long downs = IFACES - ups;
            Map<String, String> dev = tags("device", model.deviceName(d));
            assertThat(((Number) find(up, dev).value(0, "up")).longValue()).isEqualTo(ups);
            if (downs > 0) {
                assertThat(((Number) find(down, dev).value(0, "down")).longValue()).isEqualTo(downs);
            } else {
                assertThat(all(down, dev)).isEmpty();
            }
        }
        assertThat(model.interfaces(0).size() + model.interfaces(1).size()).isEqualTo(2 * IFACES);

        for (String title : List.of("CPU (%)", "Memory used (%)")) {
            InfluxQueryResult r = run(expand(panelQuery(file, title, "A"), tStart, tEnd, PANEL_POINTS, vars));
            assertThat(r.series()).as(title).hasSize(DEVICES);
            r.series().forEach(s -> s.values().forEach(row -> assertThat(num(row.get(1))).isBetween(0.0, 100.0)));
        }
        // the model comes once per dial-out stream (at its start, now): the panel looks back 30 days
        InfluxQueryResult inventory = run(expand(panelQuery(file, "Inventory", "A"), tStart, tNow, PANEL_POINTS, vars));
        assertThat(inventory.series()).hasSize(DEVICES);
        for (int d = 0; d < DEVICES; d++) {
            Series s = find(inventory, tags("device", model.deviceName(d)));
            assertThat((String) s.value(0, "model")).isEqualTo(model.device(d).model());
            assertThat((String) s.value(0, "vendor")).isEqualTo("H3C");
            assertThat((String) s.value(0, "address")).isEqualTo("127.0.0.1");
            assertThat(num(s.value(0, "uptime"))).isPositive();
        }
    }

    // ------------------------------------------------------------------ health

    @Test
    void healthPanelsShowTheCollectorsOwnCounters() {
        String file = "teleflux-health.json";
        Map<String, Variable> vars = allSelected(file);
        long from = tStart;
        InfluxQueryResult messages = run(expand(panelQuery(file, "Dial-out messages in (per second)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(messages.series().stream().map(s -> s.tags().get("device")).toList())
                .containsExactlyInAnyOrder("sim-0001", "sim-0002", "sim-0003", "sim-0004");
        for (Series s : messages.series()) {
            assertThat(s.column("messages").stream().mapToDouble(DashboardQueriesIT::num).max().orElse(0)).isPositive();
        }
        InfluxQueryResult in = run(expand(panelQuery(file, "Points in and written (per second)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(in.series().stream().map(s -> s.tags().get("source")).toList()).containsExactlyInAnyOrder("telemetry", "snmp");
        InfluxQueryResult written = run(expand(panelQuery(file, "Points in and written (per second)", "B"), from, tNow, PANEL_POINTS, vars));
        assertThat(written.single().column("written").stream().mapToDouble(DashboardQueriesIT::num).max().orElse(0)).isPositive();

        InfluxQueryResult errors = run(expand(panelQuery(file, "Write errors by status (per second)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(errors.series().stream().map(s -> s.tags().get("status")).toList()).contains("network");
        InfluxQueryResult errorCount = run(expand(panelQuery(file, "Write errors (time range)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(num(errorCount.single().value(0, "errors"))).as("failed writes during the outage, counted from the first")
                .isCloseTo(collectorErrorsStored(), within(1e-9))
                .isGreaterThanOrEqualTo(2);
        InfluxQueryResult drops = run(expand(panelQuery(file, "Points dropped by reason (per second)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(drops.series().stream().map(s -> s.tags().get("reason")).toList()).contains("no_fields", "too_large", "shutdown");
        InfluxQueryResult dropCount = run(expand(panelQuery(file, "Points dropped (time range)", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(num(dropCount.single().value(0, "dropped"))).isZero();
        assertThat(collector.metrics().sum("teleflux_points_dropped_total")).isZero();

        InfluxQueryResult streams = run(expand(panelQuery(file, "Open dial-out streams", "A"), from, tNow, PANEL_POINTS, vars));
        assertThat(num(streams.single().value(0, "streams"))).isEqualTo(DEVICES);

        InfluxQueryResult snmpPolls = run(expand(panelQuery(file, "SNMP poll results (per minute)", "A"), tStart, tNow,
                PANEL_POINTS, vars));
        Series failing = find(snmpPolls, tags("device", "sim-0004", "result", "timeout"));
        assertThat(failing.column("polls").stream().mapToDouble(DashboardQueriesIT::num).max().orElse(0)).isCloseTo(1.0, within(1e-9));
        Series ok = find(snmpPolls, tags("device", "sim-0001", "result", "ok"));
        assertThat(ok.column("polls").stream().mapToDouble(DashboardQueriesIT::num).max().orElse(0)).isCloseTo(1.0, within(1e-9));

        InfluxQueryResult heard = run(expand(panelQuery(file, "Last heard from, per device", "A"), tStart, tNow, PANEL_POINTS, vars));
        assertThat(heard.series()).hasSize(DEVICES);
        for (int d = 0; d < DEVICES; d++) {
            Series s = find(heard, tags("device", model.deviceName(d)));
            assertThat(num(s.value(0, "telemetry"))).as("received in this test run").isBetween((double) testStart, (double) tNow);
            assertThat(num(s.value(0, "snmp"))).isEqualTo(d < SNMP_OK_DEVICES ? polls.get(polls.size() - 1) : 0.0);
        }
    }

    /** The collector's failed writes, all statuses, as its last report up to tNow stored them. */
    static double collectorErrorsStored() {
        InfluxQueryResult r = run("SELECT sum(\"e\") FROM (SELECT last(\"write_errors_total\") AS \"e\" FROM \"teleflux\" WHERE time <= "
                + tNow + "ms GROUP BY \"status\")");
        return num(r.single().values().get(0).get(1));
    }

    // ------------------------------------------------------------------ alert rules on real data

    @Test
    void snmpFailingAlertPicksOutTheDeviceWhosePollsTimeOut() {
        assertThat(GrafanaRepo.alertRules().stream().filter(r -> r.path("uid").asText().equals("teleflux-snmp-polls-failing"))
                .findFirst().orElseThrow().path("data").get(4).path("model").path("expression").asText())
                .as("the condition this test evaluates").isEqualTo("$C < 1 && $D > 0");
        long eval = polls.get(polls.size() - 1) + 5_000;
        InfluxQueryResult ok = run(expand(GrafanaRepo.alertQuery("teleflux-snmp-polls-failing", "A"), eval));
        InfluxQueryResult failed = run(expand(GrafanaRepo.alertQuery("teleflux-snmp-polls-failing", "B"), eval));
        List<String> firing = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            Map<String, String> dev = tags("instance", "it", "device", model.deviceName(d));
            double c = num(find(ok, dev).value(0, "ok"));
            double f = num(find(failed, dev).value(0, "failed"));
            if (d < SNMP_OK_DEVICES) {
                assertThat(c).as("successful polls of %s in 5 minutes", dev).isGreaterThanOrEqualTo(4);
                assertThat(f).isZero();
            } else {
                assertThat(c).isZero();
                assertThat(f).as("timeouts of sim-0004 in 5 minutes").isGreaterThanOrEqualTo(4);
            }
            if (c < 1 && f > 0) {
                firing.add(model.deviceName(d));
            }
        }
        assertThat(firing).containsExactly("sim-0004");
    }

    @Test
    void collectorAlertsSeeTheOutagesErrorsAndNoDrops() {
        // evaluated half a minute after InfluxDB came back: the outage is inside every window
        long eval = outageEnd + 30_000;
        InfluxQueryResult dropped = run(expand(GrafanaRepo.alertQuery("teleflux-points-dropped", "A"), eval));
        assertThat(num(dropped.single().value(0, "dropped"))).isZero();
        InfluxQueryResult errors = run(expand(GrafanaRepo.alertQuery("teleflux-write-errors", "A"), eval));
        assertThat(num(errors.single().value(0, "errors"))).isGreaterThan(0);
        InfluxQueryResult reports = run(expand(GrafanaRepo.alertQuery("teleflux-collector-absent", "A"), eval));
        assertThat(num(reports.single().value(0, "reports"))).isGreaterThan(10);
        InfluxQueryResult spool = run(expand(GrafanaRepo.alertQuery("teleflux-spool-growing", "A"), eval));
        if (!spoolInTree()) {
            assertThat(spool.series()).as("no spool gauges before the spool is merged").isEmpty();
        }
        InfluxQueryResult silent = run(expand(GrafanaRepo.alertQuery("teleflux-device-silent", "A"), eval));
        assertThat(silent.series()).hasSize(DEVICES);
    }

    // ------------------------------------------------------------------ the picture

    @Test
    void rendersTheOverlayPanelToAPicture() throws Exception {
        PanelQuery q = panelQuery("interface-traffic.json", "Traffic: telemetry and SNMP (bits/s)", "A");
        InterfaceProfile iface = model.iface(0, 0);
        InfluxQueryResult r = run(expand(q, tStart, tEnd, PANEL_POINTS, Map.of("device", Variable.of("device", model.deviceName(0)),
                "interface", Variable.of("interface", iface.name()))));
        List<OverlayPlot.Line> lines = new ArrayList<>();
        for (String source : List.of("telemetry", "snmp")) {
            Series s = find(r, tags("source", source));
            long[] times = s.values().stream().mapToLong(row -> ((Number) row.get(0)).longValue()).toArray();
            for (String col : List.of("in", "out")) {
                double[] v = s.column(col).stream().mapToDouble(DashboardQueriesIT::num).toArray();
                Color c = col.equals("in") ? (source.equals("snmp") ? new Color(255, 152, 48) : new Color(115, 191, 105))
                        : (source.equals("snmp") ? new Color(242, 73, 92) : new Color(87, 148, 242));
                lines.add(new OverlayPlot.Line(model.deviceName(0) + " " + iface.name() + " " + col + " (" + source + ")",
                        times, v, c, source.equals("snmp"), col.equals("out")));
            }
        }
        Path png = GrafanaRepo.ROOT.resolve("target/overlay.png");
        OverlayPlot.render(png, "Traffic: telemetry and SNMP (bits/s) - " + model.deviceName(0) + " " + iface.name()
                + ", " + iface.speedBps() / 1_000_000_000 + " Gb/s", tStart, tEnd, lines);
        assertThat(Files.size(png)).isGreaterThan(10_000);
        System.out.println("DashboardQueriesIT wrote " + png);
    }

    // ------------------------------------------------------------------ the v2 path, same run

    @Test
    void theV2PathWroteTheSameDataIntoVictoriaMetrics() throws Exception {
        vm.forceFlush();
        long telemetryRows = (long) DEVICES * IFACES * SAMPLES;
        long snmpRows = (long) SNMP_OK_DEVICES * IFACES * polls.size();
        List<VictoriaMetricsFixture.Series> octets = vm.awaitExport("{__name__=\"interface_in_octets\"}",
                s -> s.stream().mapToInt(x -> x.values().size()).sum() >= telemetryRows + snmpRows, Duration.ofSeconds(60));
        assertThat(octets.stream().filter(x -> x.labels().get("source").equals("telemetry")).mapToInt(x -> x.values().size()).sum())
                .isEqualTo(telemetryRows);
        assertThat(octets.stream().filter(x -> x.labels().get("source").equals("snmp")).mapToInt(x -> x.values().size()).sum())
                .isEqualTo(snmpRows);
        // the burst port's rates from both sources: the same timestamps and values as in influxd
        String device = model.deviceName(0);
        String iface = model.iface(0, 0).name();
        for (String source : List.of("telemetry", "snmp")) {
            for (String field : List.of("in_bps", "out_bps")) {
                Series influxSide = run("SELECT \"" + field + "\" FROM \"interface\" WHERE \"device\" = '" + device
                        + "' AND \"interface\" = '" + iface + "' AND \"source\" = '" + source + "' AND time <= " + tEnd + "ms").single();
                List<VictoriaMetricsFixture.Series> v = vm.awaitExport("{__name__=\"interface_" + field + "\",device=\"" + device
                        + "\",interface=\"" + iface + "\",source=\"" + source + "\"}", x -> x.size() == 1
                        && x.get(0).values().size() == influxSide.size(), Duration.ofSeconds(30));
                assertThat(v).as("%s %s from VictoriaMetrics", source, field).hasSize(1);
                assertThat(v.get(0).timestamps()).isEqualTo(influxSide.column("time").stream().map(t -> ((Number) t).longValue()).toList());
                List<Object> expected = influxSide.column(field);
                for (int i = 0; i < expected.size(); i++) {
                    double e = num(expected.get(i));
                    assertThat(v.get(0).values().get(i)).as("%s %s #%d", source, field, i).isCloseTo(e, within(1e-9 * Math.abs(e)));
                }
            }
        }
        assertThat(v2Collector.metrics().sum("teleflux_points_dropped_total")).isZero();
        assertThat(v2Collector.metrics().sum("teleflux_write_errors_total")).isZero();
    }
}
