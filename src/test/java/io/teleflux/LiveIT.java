package io.teleflux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.config.HostPort;
import io.teleflux.live.LiveMetrics;
import io.teleflux.selfmon.HttpMetrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live view over real HTTP against a real collector fed by the dial-out simulator and writing
 * to a real influxd: what the event stream carries is what InfluxDB stored, to the last bit; the
 * token guards /live and nothing else; the client cap answers 503; and a client that never reads
 * is dropped and counted while ingest carries on.
 */
class LiveIT {
    static final String TOKEN = "live-token-7f3a9c";
    static final String DEVICE = "lv-0001";
    static final String[] RATES = {"in_bps", "out_bps", "in_pps", "out_pps", "in_util_pct", "out_util_pct"};
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final int CLIENT_BUFFER = 1280;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** One server-sent event. */
    record Event(String name, JsonNode data) {
    }

    @Test
    void theStreamCarriesWhatInfluxStoresBehindTheTokenWithinItsLimits() throws Exception {
        CounterModel model = new CounterModel(23, 24, "lv-");
        List<Event> events = new CopyOnWriteArrayList<>();
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            // The client that never reads is dropped only once the kernel's buffers on its connection are full
            // (about 3 MB on loopback, where the send buffer grows with the 64 KiB MSS): at one sample a second
            // its stream carries ~36 KB/s and the drop took 80 s; at twenty a second, ~150 KB/s. The buffer is sized
            // to give the reading page the same slack in time as 64 events at one sample a second (about 2.5 s).
            Collector collector = TestCollector.start(TestCollector.v1(influx.url()) + """
                    teleflux.http.token = "%s"
                    teleflux.live { max-clients = 3, client-buffer = %d, history = 1m }
                    """.formatted(TOKEN, CLIENT_BUFFER));
            String base = "http://127.0.0.1:" + collector.httpPort();
            try (DialoutSimulator sim = new DialoutSimulator(model,
                    DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), 8)
                            .withInterval(INTERVAL))) {
                sim.start();
                assertThat(sim.awaitConnected(8, Duration.ofSeconds(60))).isTrue();
                sim.startClock();

                tokenGuardsLiveOnly(collector, base);

                // a page's stream: device and fleet on one connection
                HttpResponse<InputStream> stream = http.send(get(base + "/live/events?device=" + DEVICE + "&top=5&rank=bps")
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
                Thread reader = Thread.ofVirtual().start(() -> read(stream.body(), events));

                // a stream that never reads: a raw socket with a small receive window
                Socket stalled = new Socket();
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new java.net.InetSocketAddress("127.0.0.1", collector.httpPort()));
                OutputStream req = stalled.getOutputStream();
                req.write(("GET /live/events?device=lv-0002&top=200&rank=bps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                req.flush();

                // the cap: two open, one more fits, the fourth is refused
                HttpResponse<InputStream> third = http.send(get(base + "/live/events?top=1")
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(third.statusCode()).isEqualTo(200);
                assertThat(TestCollector.await(10, () -> collector.metrics().value(LiveMetrics.LIVE_CLIENTS) == 3)).isTrue();
                HttpResponse<String> fourth = http.send(get(base + "/live/events?top=1")
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(fourth.statusCode()).isEqualTo(503);
                assertThat(fourth.body()).contains("teleflux.live.max-clients");
                assertThat(collector.metrics().value(LiveMetrics.LIVE_CLIENTS_REFUSED_TOTAL)).isEqualTo(1.0);
                third.body().close();

                // the staller is dropped, and ingest does not wait for it
                assertThat(TestCollector.await(120, () ->
                        collector.metrics().value(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", "slow") >= 1))
                        .as("the client that never reads is dropped").isTrue();
                double receivedAtDrop = collector.metrics().sum(PipelineMetrics.POINTS_RECEIVED);
                int eventsAtDrop = events.size();
                assertThat(TestCollector.await(10, () -> collector.metrics().sum(PipelineMetrics.POINTS_RECEIVED) > receivedAtDrop + 500
                        && events.size() > eventsAtDrop + 20)).as("ingest and the reading page carry on: %s points, %s events, %s drops",
                        collector.metrics().sum(PipelineMetrics.POINTS_RECEIVED) - receivedAtDrop, events.size() - eventsAtDrop,
                        collector.metrics().value(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", "slow")).isTrue();
                assertThat(collector.metrics().value(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", "slow"))
                        .as("only the client that never reads").isEqualTo(1.0);
                assertThat(TestCollector.await(10, () -> collector.metrics().value(LiveMetrics.LIVE_CLIENTS) == 1))
                        .as("the dropped stream's writer, stuck in a write, ended; so did the closed one's: %s open",
                                collector.metrics().value(LiveMetrics.LIVE_CLIENTS)).isTrue();
                stalled.close();

                // bad queries name the parameter
                HttpResponse<String> bad = http.send(get(base + "/live/events?top=201").header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).startsWith("top:");
                bad = http.send(get(base + "/live/events?device=x&rank=fast").header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).startsWith("rank:");

                HttpResponse<String> devices = http.send(get(base + "/live/api/devices?q=LV-000&limit=3")
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode d = json.readTree(devices.body());
                assertThat(d.get("total").asInt()).isEqualTo(8);
                assertThat(d.get("devices")).hasSize(3);
                assertThat(d.get("devices").get(0).get("device").asText()).isEqualTo("lv-0001");
                assertThat(d.get("devices").get(0).get("interfaces").asInt()).isEqualTo(24);

                stream.body().close();
                reader.join(5_000);
            } finally {
                TestCollector.flush(collector);
                collector.close();
            }

            List<Event> snapshots = events.stream().filter(e -> e.name().equals("snapshot")).toList();
            assertThat(snapshots).hasSize(1);
            assertThat(events.get(0).name()).as("the snapshot comes first").isEqualTo("snapshot");
            Map<String, Map<String, Object>> stored = stored(influx);
            int compared = 0;
            for (JsonNode s : snapshots.get(0).data().get("series")) {
                compared += compare(stored, s.get("interface").asText(), s.get("latest"));
            }
            List<Event> samples = events.stream().filter(e -> e.name().equals("sample")).toList();
            assertThat(samples).hasSizeGreaterThan(24 * 5);
            for (Event e : samples) {
                compared += compare(stored, e.data().get("interface").asText(), e.data());
            }
            // from when every device has sent twice (a first sample has no rate)
            List<Event> tops = events.stream().filter(e -> e.name().equals("top") && e.data().get("rows").size() == 5).toList();
            assertThat(tops).hasSizeGreaterThan(5);
            for (Event t : tops) {
                JsonNode rows = t.data().get("rows");
                for (int i = 1; i < rows.size(); i++) {
                    assertThat(max(rows.get(i - 1))).isGreaterThanOrEqualTo(max(rows.get(i)));
                }
            }
            int firstSample = events.indexOf(samples.get(0));
            assertThat(events.subList(firstSample, events.size()).stream().filter(e -> e.name().equals("status")))
                    .allSatisfy(e -> assertThat(e.data().get("device_stale").asBoolean()).isFalse());
            System.out.println("live view: " + compared + " values compared with InfluxDB, " + samples.size() + " samples, "
                    + tops.size() + " fleet tables");
        }
    }

    private void tokenGuardsLiveOnly(Collector collector, String base) throws Exception {
        assertThat(http.send(get(base + "/live").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(http.send(get(base + "/live/events?top=1").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(http.send(get(base + "/live/app.js").header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(http.send(get(base + "/health").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(http.send(get(base + "/metrics").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        HttpResponse<String> page = http.send(get(base + "/live").header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"device-search\"").contains("/live/uPlot.iife.min.js");
        HttpResponse<String> uplot = http.send(get(base + "/live/uPlot.iife.min.js").header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(uplot.body()).contains("uPlot");

        // ?token= once: a cookie, and the token leaves the URL
        HttpResponse<String> once = http.send(get(base + "/live?device=" + DEVICE + "&token=" + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(once.statusCode()).isEqualTo(303);
        assertThat(once.headers().firstValue("Location")).hasValue("/live?device=" + DEVICE);
        String cookie = once.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        assertThat(http.send(get(base + "/live?device=" + DEVICE).header("Cookie", pair).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(http.send(get(base + "/live").header("Cookie", "teleflux-token=nope").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(collector.metrics().value(HttpMetrics.HTTP_UNAUTHORIZED_TOTAL)).isEqualTo(4.0);
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    }

    private void read(InputStream in, List<Event> events) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    events.add(new Event(name, json.readTree(line.substring(6))));
                }
            }
        } catch (Exception e) {
            // closed at the end of the test
        }
    }

    /** interface + "@" + time → the rate fields InfluxDB holds for lv-0001. */
    private static Map<String, Map<String, Object>> stored(InfluxdFixture influx) {
        InfluxQueryResult r = influx.query("telemetry", "SELECT " + String.join(",", RATES)
                + " FROM interface WHERE device = '" + DEVICE + "' AND source = 'telemetry' GROUP BY interface");
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (InfluxQueryResult.Series s : r.series()) {
            for (Map<String, Object> row : s.rows()) {
                out.put(s.tags().get("interface") + "@" + ((Number) row.get("time")).longValue(), row);
            }
        }
        return out;
    }

    /** Every rate of one live sample equals, bit for bit, what InfluxDB stored for it; returns how many were compared. */
    private static int compare(Map<String, Map<String, Object>> stored, String iface, JsonNode sample) {
        long t = sample.get("t").asLong();
        Map<String, Object> row = stored.get(iface + "@" + t);
        assertThat(row).as("InfluxDB row of %s at %d", iface, t).isNotNull();
        int n = 0;
        for (String f : RATES) {
            Object v = row.get(f);
            JsonNode live = sample.get(f);
            if (v == null) {
                assertThat(live.isNull()).as("%s of %s at %d: absent in InfluxDB, null live", f, iface, t).isTrue();
            } else {
                assertThat(live.doubleValue()).as("%s of %s at %d", f, iface, t).isEqualTo(((Number) v).doubleValue());
                n++;
            }
        }
        return n;
    }

    private static double max(JsonNode row) {
        return Math.max(row.get("in_bps").doubleValue(), row.get("out_bps").doubleValue());
    }
}
