package io.teleflux.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards link to the collector's live page ({@code GET /live?device=NAME} on its HTTP port)
 * for the device of a series, a table row, or (interface traffic) the selected device; its base
 * address is the dashboard variable {@code live_url}, by default where docker-compose publishes the
 * port. The links are expanded here as Grafana expands them and must give a URL whose {@code device}
 * parameter decodes back to the device name, whatever characters the name has.
 */
class LiveLinkTest {
    static final String LIVE_VAR = "live_url";
    static final String SERIES_URL = "${live_url}/live?device=${__field.labels.device:percentencode}";
    static final String ROW_URL = "${live_url}/live?device=${__data.fields.device:percentencode}";
    static final String SELECTED_URL = "${live_url}/live?device=${device:percentencode}";
    /** ${name} or ${name:format}, names with dots for Grafana's data link variables. */
    static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::([a-z]+))?}");
    /** A device name with every character that a plain (unencoded) expansion would break. */
    static final String AWKWARD = "core/sw 1&x=y#2?%+é";

    static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    /**
     * Expands a link URL as Grafana does: {@code percentencode} is encodeURIComponent plus
     * {@code !'()*}; a reference without a format gets a data link's default (Grafana's
     * {@code uriencode}, which leaves a URL's own {@code :/?&=} alone) and here must be the base
     * address, which needs no encoding.
     */
    static String expand(String url, Map<String, String> values) {
        Matcher m = REF.matcher(url);
        return m.replaceAll(r -> {
            String value = values.get(r.group(1));
            assertThat(value).as("%s: ${%s} has a value", url, r.group(1)).isNotNull();
            String format = r.group(2);
            if (format == null || format.equals("raw")) {
                assertThat(value).as("${%s} is used unencoded: it must need no encoding", r.group(1))
                        .matches("[A-Za-z0-9:/._~\\-\\[\\]]+");
                return Matcher.quoteReplacement(value);
            }
            assertThat(format).as("%s: ${%s:%s}", url, r.group(1), format).isEqualTo("percentencode");
            return Matcher.quoteReplacement(percentEncode(value));
        });
    }

    /** JavaScript's encodeURIComponent with Grafana's strict extra ({@code !'()*} encoded too). */
    static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** The URL a link gives for {@code device}, checked to be the live page of exactly that device. */
    static void assertOpensTheLivePageOf(String url, String liveUrl, String device) {
        String href = expand(url, Map.of(LIVE_VAR, liveUrl, "device", device, "__field.labels.device", device,
                "__data.fields.device", device));
        URI uri = URI.create(href);
        URI base = URI.create(liveUrl);
        assertThat(uri.getScheme()).as(href).isEqualTo(base.getScheme());
        assertThat(uri.getAuthority()).as(href).isEqualTo(base.getAuthority());
        assertThat(uri.getRawPath()).as(href).isEqualTo("/live");
        assertThat(uri.getRawFragment()).as(href).isNull();
        String[] params = uri.getRawQuery().split("&");
        assertThat(params).as(href).hasSize(1);
        assertThat(params[0]).startsWith("device=");
        assertThat(URLDecoder.decode(params[0].substring("device=".length()), StandardCharsets.UTF_8)).as(href).isEqualTo(device);
    }

    @Test
    void liveUrlIsATextboxWhoseDefaultIsWhereComposePublishesTheCollector() {
        for (String file : List.of("interface-traffic.json", "device-overview.json")) {
            JsonNode v = variable(GrafanaRepo.dashboards().get(file), LIVE_VAR);
            assertThat(v.path("type").asText()).as(file).isEqualTo("textbox");
            String value = v.path("query").asText();
            assertThat(v.path("current").path("value").asText()).isEqualTo(value);
            assertThat(v.path("description").asText()).contains("/live?device=");
            // docker-compose.yml: the collector's HTTP port published on the host's loopback
            List<String> httpPorts = new ArrayList<>();
            ComposeStackTest.service("teleflux").path("ports").forEach(p -> {
                String mapping = GrafanaRepo.interpolate(p.asText(), Map.of());
                if (mapping.endsWith(":9273")) {
                    httpPorts.add(mapping);
                }
            });
            assertThat(httpPorts).containsExactly("127.0.0.1:" + GrafanaRepo.composeDefaults().get("TELEFLUX_HTTP_PORT") + ":9273");
            assertThat(value).as(file).isEqualTo("http://localhost:" + GrafanaRepo.composeDefaults().get("TELEFLUX_HTTP_PORT"));
        }
    }

    @Test
    void theInterfaceDashboardLinksToTheLivePageOfTheSelectedDevice() {
        JsonNode d = GrafanaRepo.dashboards().get("interface-traffic.json");
        List<JsonNode> live = new ArrayList<>();
        d.path("links").forEach(l -> {
            if (l.path("url").asText().contains("/live")) {
                live.add(l);
            }
        });
        assertThat(live).hasSize(1);
        JsonNode link = live.get(0);
        assertThat(link.path("type").asText()).isEqualTo("link");
        assertThat(link.path("url").asText()).isEqualTo(SELECTED_URL);
        // the variable the URL names is the dashboard's device variable
        assertThat(variable(d, "device").path("type").asText()).isEqualTo("query");
        // no var-...=, from=, to= appended to the collector's URL; a new tab, the dashboard stays
        assertThat(link.path("includeVars").asBoolean(true)).isFalse();
        assertThat(link.path("keepTime").asBoolean(true)).isFalse();
        assertThat(link.path("targetBlank").asBoolean()).isTrue();
        assertOpensTheLivePageOf(link.path("url").asText(), variable(d, LIVE_VAR).path("query").asText(), AWKWARD);
        assertOpensTheLivePageOf(link.path("url").asText(), "http://collector.example.net:9273", "sim-0001");
    }

    @Test
    void everyPanelGroupedByDeviceLinksEachSeriesOrRowToItsLivePage() {
        int checked = 0;
        for (var e : GrafanaRepo.dashboards().entrySet()) {
            String file = e.getKey();
            JsonNode d = e.getValue();
            if (file.equals("teleflux-health.json")) {
                continue; // the collector's own counters per device (messages, polls), not its traffic
            }
            String liveUrl = variable(d, LIVE_VAR).path("query").asText();
            for (JsonNode p : GrafanaRepo.panels(d)) {
                boolean byDevice = false;
                for (JsonNode t : p.path("targets")) {
                    // the outermost GROUP BY (a subquery's comes first) decides what a series or row is
                    String q = t.path("query").asText();
                    byDevice |= q.contains("GROUP BY") && q.substring(q.lastIndexOf("GROUP BY")).contains("\"device\"");
                }
                String where = file + " / " + p.path("title").asText();
                List<JsonNode> links = new ArrayList<>();
                p.path("fieldConfig").path("defaults").path("links").forEach(links::add);
                for (JsonNode o : p.path("fieldConfig").path("overrides")) {
                    for (JsonNode prop : o.path("properties")) {
                        if (prop.path("id").asText().equals("links")) {
                            assertThat(o.path("matcher").path("id").asText()).isEqualTo("byName");
                            assertThat(o.path("matcher").path("options").asText()).as(where + ": the device column")
                                    .isEqualTo("device");
                            prop.path("value").forEach(links::add);
                        }
                    }
                }
                List<String> urls = new ArrayList<>();
                for (JsonNode l : links) {
                    // Grafana's DataLink (the dashboard schema leaves field links untyped, so it is checked here)
                    List<String> keys = new ArrayList<>();
                    l.fieldNames().forEachRemaining(keys::add);
                    assertThat(keys).as(where).containsExactlyInAnyOrder("title", "url", "targetBlank");
                    assertThat(l.path("title").asText()).as(where).startsWith("Live view of ${");
                    assertThat(l.path("targetBlank").isBoolean()).as(where).isTrue();
                    urls.add(l.path("url").asText());
                }
                if (!byDevice) {
                    assertThat(urls).as(where).isEmpty();
                    continue;
                }
                // a table row has the device in its device column; a series has it as a label
                String expected = p.path("type").asText().equals("table") ? ROW_URL : SERIES_URL;
                assertThat(urls).as(where).containsExactly(expected);
                assertOpensTheLivePageOf(urls.get(0), liveUrl, AWKWARD);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(13);
    }

    @Test
    void theExpansionHereCatchesAnUnencodedDevice() {
        String plain = "${live_url}/live?device=${device}";
        try {
            assertOpensTheLivePageOf(plain, "http://localhost:9273", AWKWARD);
        } catch (AssertionError expected) {
            assertThat(expected).hasMessageContaining("must need no encoding");
            return;
        }
        throw new AssertionError("an unencoded device name passed");
    }
}
