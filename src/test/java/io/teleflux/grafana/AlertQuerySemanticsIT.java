package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import io.teleflux.grafana.GrafanaMacros.Context;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxQueryResult.Series;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.SimpleHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules' queries on hand-written data that exercises their edge cases, on a real influxd:
 * a counter series that appears for the first time inside the window, a collector restart (a
 * counter reset), a device that stopped and one that is new, a spool that grew and then shrank,
 * a port that dipped below the threshold once. DashboardQueriesIT runs the same queries on data
 * written by the collector; this test shows why they are written the way they are.
 *
 * <p>The data mimics the self-monitoring reports (measurement teleflux, one report every 10 s,
 * every label set of a report at the same timestamp) and interface points; the rules' conditions
 * are evaluated here as Grafana's expressions would (reduce last, then the threshold or math).
 */
class AlertQuerySemanticsIT {
    static final String DB = "telemetry";
    static final long T = 1_700_000_000_000L; // the evaluation instant of every rule below
    static final long REPORT = 10_000;
    static InfluxdFixture influx;

    @BeforeAll
    static void start() {
        influx = InfluxdFixture.launch();
        influx.createDatabase(DB);
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
    }

    static void write(List<String> lines) throws Exception {
        SimpleHttp.Response r = SimpleHttp.post(influx.url().resolve("/write?db=" + DB + "&precision=ms"), "text/plain",
                String.join("\n", lines));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    /** Reports every 10 s from {@code from} to {@code to} (ms before T), one line each from {@code line}. */
    static List<String> reports(long from, long to, LongFunction<String> line) {
        List<String> out = new ArrayList<>();
        for (long t = T - from; t <= T - to; t += REPORT) {
            String l = line.apply(t);
            if (l != null) {
                out.add(l + " " + t);
            }
        }
        return out;
    }

    /** The value of the single-row series of every label set, keyed by the tags that differ. */
    static Map<String, Double> values(String rule, String refId, String tagKey) {
        GrafanaRepo.AlertQuery q = GrafanaRepo.alertQuery(rule, refId);
        String sql = GrafanaMacros.expand(q.query(), Context.of(T - q.fromSeconds() * 1000, T - q.toSeconds() * 1000, 1000));
        InfluxQueryResult r = influx.query(DB, sql);
        Map<String, Double> out = new HashMap<>();
        for (Series s : r.series()) {
            assertThat(s.size()).as("%s/%s reduces to one value per series", rule, refId).isEqualTo(1);
            Object v = s.values().get(0).get(1);
            out.put(s.tags().get(tagKey), v == null ? Double.NaN : ((Number) v).doubleValue());
        }
        return out;
    }

    static JsonNode rule(String uid) {
        return GrafanaRepo.alertRules().stream().filter(r -> r.path("uid").asText().equals(uid)).findFirst().orElseThrow();
    }

    /** The threshold of a reduce → threshold rule: {@code gt} and its parameter. */
    static double threshold(String uid, String expectedType) {
        for (JsonNode d : rule(uid).path("data")) {
            if ("threshold".equals(d.path("model").path("type").asText())) {
                JsonNode ev = d.path("model").path("conditions").get(0).path("evaluator");
                assertThat(ev.path("type").asText()).isEqualTo(expectedType);
                return ev.path("params").get(0).asDouble();
            }
        }
        throw new AssertionError(uid + " has no threshold");
    }

    static String math(String uid) {
        for (JsonNode d : rule(uid).path("data")) {
            if ("math".equals(d.path("model").path("type").asText())) {
                return d.path("model").path("expression").asText();
            }
        }
        throw new AssertionError(uid + " has no math expression");
    }

    @Test
    void aDeviceOrGnmiTargetIsSilentOnlyWhenItSentBeforeAndNothingInTwoMinutes() throws Exception {
        String m = "teleflux,instance=c,device=";
        List<String> lines = new ArrayList<>();
        // steady: sends all the time
        lines.addAll(reports(1_200_000, 0, t -> m + "steady dialout_data_messages_total=" + (t - (T - 1_200_000)) / 1000 + "i"));
        // stopped: sent until 3 minutes ago; the collector still reports its (frozen) counter
        lines.addAll(reports(1_200_000, 0, t -> m + "stopped dialout_data_messages_total=" + Math.min(t, T - 180_000) / 1000 % 100_000 + "i"));
        // fresh: first seen a minute ago (a new device, or a restarted collector): not "did before"
        lines.addAll(reports(60_000, 0, t -> m + "fresh dialout_data_messages_total=" + (t - (T - 60_000)) / 1000 + "i"));
        // paused: stopped 30 s ago; silent for less than 2 minutes
        lines.addAll(reports(1_200_000, 0, t -> m + "paused dialout_data_messages_total=" + Math.min(t, T - 30_000) / 1000 % 100_000 + "i"));
        // restarted: the collector restarted a minute ago, the counter starts again from 0
        lines.addAll(reports(1_200_000, 0, t -> m + "restarted dialout_data_messages_total="
                + (t < T - 60_000 ? 500 : (t - (T - 60_000)) / 1000) + "i"));
        // gNMI targets: their updates counter exists from the collector's start, at 0
        lines.addAll(reports(1_200_000, 0, t -> m + "gnmi-steady gnmi_updates_total=" + (t - (T - 1_200_000)) / 100 + "i"));
        lines.addAll(reports(1_200_000, 0, t -> m + "gnmi-stopped gnmi_updates_total=" + Math.min(t, T - 180_000) / 100 % 100_000 + "i"));
        // never answered (down, wrong password): not a device that went silent
        lines.addAll(reports(1_200_000, 0, t -> m + "gnmi-never gnmi_updates_total=0i"));
        write(lines);

        assertThat(math("teleflux-device-silent")).isEqualTo("$C < 1 && $D > 0");
        Map<String, Double> messages = values("teleflux-device-silent", "A", "device");
        Map<String, Double> before = values("teleflux-device-silent", "B", "device");
        assertThat(before).doesNotContainKey("fresh");
        List<String> firing = new ArrayList<>();
        for (var e : messages.entrySet()) {
            Double d = before.get(e.getKey());
            // Grafana's math joins the two series by labels: a device missing from B yields no result
            if (d != null && e.getValue() < 1 && d > 0) {
                firing.add(e.getKey());
            }
        }
        assertThat(firing).containsExactlyInAnyOrder("stopped", "gnmi-stopped");
        assertThat(messages).containsKeys("steady", "gnmi-steady", "gnmi-never");
    }

    @Test
    void droppedPointsCountAReasonThatAppearsForTheFirstTimeAndIgnoreARestart() throws Exception {
        String m = "teleflux,instance=";
        List<String> lines = new ArrayList<>();
        for (String inst : List.of("quiet", "first", "restart")) {
            lines.addAll(reports(600_000, 0, t -> m + inst + " up=1"));
            lines.addAll(reports(600_000, 0, t -> m + inst + ",reason=no_fields points_dropped_total=0i"));
        }
        // "first": InfluxDB rejected a batch 2 minutes ago: reason http_400 appears with 7, later 9
        lines.addAll(reports(120_000, 0, t -> m + "first,reason=http_400 points_dropped_total=" + (t < T - 60_000 ? 7 : 9) + "i"));
        // "restart": 5 shutdown drops from before the window; the collector restarts 2 minutes ago
        // (its counters start at 0 again) and drops 1 point on its way
        lines.addAll(reports(600_000, 0, t -> m + "restart,reason=shutdown points_dropped_total="
                + (t < T - 120_000 ? 5 : t < T - 60_000 ? 0 : 1) + "i"));
        write(lines);

        double threshold = threshold("teleflux-points-dropped", "gt");
        Map<String, Double> dropped = values("teleflux-points-dropped", "A", "instance");
        assertThat(dropped).containsEntry("quiet", 0.0).containsEntry("first", 9.0).containsEntry("restart", 1.0);
        assertThat(dropped.get("quiet")).isLessThanOrEqualTo(threshold);
        assertThat(dropped.get("first")).isGreaterThan(threshold);

        // what the carrier ("up" * 0) is for: without it, the first appearance would not count
        InfluxQueryResult naive = influx.query(DB, "SELECT spread(\"points_dropped_total\") FROM \"teleflux\" WHERE "
                + "\"instance\" = 'first' AND \"reason\" = 'http_400' AND time >= " + (T - 300_000) + "ms and time <= " + T + "ms");
        assertThat(((Number) naive.single().values().get(0).get(1)).doubleValue()).isEqualTo(2.0);
    }

    @Test
    void writeErrorsCountFromTheFirstFailedRequest() throws Exception {
        String m = "teleflux,instance=";
        List<String> lines = new ArrayList<>();
        lines.addAll(reports(600_000, 0, t -> m + "healthy up=1"));
        lines.addAll(reports(600_000, 0, t -> m + "flaky up=1"));
        // the collector's first ever failed request, 90 s ago: the status series appears with 1, then 3
        lines.addAll(reports(90_000, 0, t -> m + "flaky,status=network write_errors_total=" + (t < T - 40_000 ? 1 : 3) + "i"));
        write(lines);
        double threshold = threshold("teleflux-write-errors", "gt");
        Map<String, Double> errors = values("teleflux-write-errors", "A", "instance");
        assertThat(errors).containsEntry("healthy", 0.0).containsEntry("flaky", 3.0);
        assertThat(errors.get("flaky")).isGreaterThan(threshold);
        assertThat(rule("teleflux-write-errors").path("for").asText()).as("a single retried error is no alarm").isEqualTo("3m");
    }

    @Test
    void theSpoolAlarmNeedsGrowthInEveryMinuteOfFive() throws Exception {
        String m = "teleflux,instance=";
        List<String> lines = new ArrayList<>();
        lines.addAll(reports(600_000, 0, t -> m + "growing spool_bytes=" + (double) (t - (T - 600_000)) * 10));
        // grew for 4 minutes, then shrank in the last one: InfluxDB is catching up
        lines.addAll(reports(600_000, 0, t -> m + "draining spool_bytes=" + (double) (t < T - 60_000 ? t - (T - 600_000) : 0)));
        lines.addAll(reports(600_000, 0, t -> m + "empty spool_bytes=0"));
        write(lines);
        double threshold = threshold("teleflux-spool-growing", "gt");
        Map<String, Double> growth = values("teleflux-spool-growing", "A", "instance");
        assertThat(growth.get("growing")).isGreaterThan(threshold);
        assertThat(growth.get("draining")).isLessThanOrEqualTo(threshold);
        assertThat(growth.get("empty")).isLessThanOrEqualTo(threshold);
    }

    @Test
    void utilisationMustStayAboveTheThresholdForTheWholeTwoMinutesInOneDirection() throws Exception {
        String m = "interface,device=sw,source=telemetry,interface=";
        List<String> lines = new ArrayList<>();
        for (long t = T - 300_000; t <= T; t += 5_000) {
            long at = t;
            lines.add(m + "busy-in in_util_pct=85.0,out_util_pct=10.0 " + at);
            lines.add(m + "busy-out in_util_pct=5.0,out_util_pct=91.0 " + at);
            // one sample below the threshold a minute ago
            lines.add(m + "dipped in_util_pct=" + (at == T - 60_000 ? 79.0 : 95.0) + ",out_util_pct=1.0 " + at);
            // above only since a minute ago
            lines.add(m + "recent in_util_pct=" + (at < T - 60_000 ? 30.0 : 99.0) + ",out_util_pct=1.0 " + at);
            lines.add(m + "idle in_util_pct=0.0,out_util_pct=0.0 " + at);
        }
        write(lines);
        double threshold = threshold("teleflux-interface-utilisation", "gt");
        Map<String, Double> util = values("teleflux-interface-utilisation", "A", "interface");
        assertThat(util).containsEntry("busy-in", 85.0).containsEntry("busy-out", 91.0).containsEntry("dipped", 79.0)
                .containsEntry("recent", 30.0).containsEntry("idle", 0.0);
        List<String> firing = util.entrySet().stream().filter(e -> e.getValue() > threshold).map(Map.Entry::getKey).sorted().toList();
        assertThat(firing).containsExactly("busy-in", "busy-out");
    }

    @Test
    void snmpPollsFailOnlyWithoutASuccessInFiveMinutes() throws Exception {
        String m = "teleflux,instance=p,device=";
        List<String> lines = new ArrayList<>();
        String[] results = {"ok", "timeout", "auth_error", "error"};
        // polls every 60 s; ok: all succeed; dead: all time out; back: failed until 2 minutes ago;
        // wrongpass: the v3 credentials are wrong (auth_error)
        for (String dev : List.of("ok", "dead", "back", "wrongpass")) {
            for (String res : results) {
                lines.addAll(reports(900_000, 0, t -> {
                    long polls = (t - (T - 900_000)) / 60_000;
                    long failedUntil = T - 120_000;
                    long n = switch (dev) {
                        case "ok" -> res.equals("ok") ? polls : 0;
                        case "dead" -> res.equals("timeout") ? polls : 0;
                        case "wrongpass" -> res.equals("auth_error") ? polls : 0;
                        default -> res.equals("timeout") ? Math.min(polls, (failedUntil - (T - 900_000)) / 60_000)
                                : res.equals("ok") ? Math.max(0, polls - (failedUntil - (T - 900_000)) / 60_000) : 0;
                    };
                    return m + dev + ",result=" + res + " snmp_polls_total=" + n + "i";
                }));
            }
        }
        write(lines);
        assertThat(math("teleflux-snmp-polls-failing")).isEqualTo("$C < 1 && $D > 0");
        Map<String, Double> ok = values("teleflux-snmp-polls-failing", "A", "device");
        Map<String, Double> failed = values("teleflux-snmp-polls-failing", "B", "device");
        List<String> firing = ok.keySet().stream().filter(d -> ok.get(d) < 1 && failed.getOrDefault(d, 0.0) > 0).sorted().toList();
        assertThat(firing).containsExactly("dead", "wrongpass");
        assertThat(failed.get("dead")).isEqualTo(5.0);
        assertThat(ok.get("back")).isPositive();
    }
}
