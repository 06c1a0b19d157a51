package io.teleflux.live;

import com.sun.net.httpserver.HttpExchange;
import io.teleflux.selfmon.HttpEndpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The routes under {@code /live}: the page and its assets, {@code /live/api/devices} and the
 * event stream {@code /live/events}. Server-sent events rather than a WebSocket: data flows one
 * way, the subscription is the query string of one GET (so there is no channel by which a page
 * could send anything into the pipeline), EventSource reconnects by itself, and the JDK's HTTP
 * server, which has no WebSocket, serves it without another library.
 */
final class LiveHttp {
    static final String PREFIX = "/live";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final String OWN = "io/teleflux/live/";

    private record Asset(byte[] body, String type, String cache) {
    }

    private final LiveHub hub;
    private final Map<String, Asset> assets = new HashMap<>();

    LiveHttp(LiveHub hub, LiveConfig cfg) {
        this.hub = hub;
        String page = new String(resource(OWN + "index.html"), StandardCharsets.UTF_8)
                .replace("@TOP@", Integer.toString(cfg.top())).replace("@HISTORY_MS@", Long.toString(cfg.history().toMillis()));
        assets.put("", new Asset(page.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", "no-cache"));
        assets.put("app.js", new Asset(resource(OWN + "app.js"), "text/javascript; charset=utf-8", "no-cache"));
        assets.put("app.css", new Asset(resource(OWN + "app.css"), "text/css; charset=utf-8", "no-cache"));
        // the library's version is in its path: a browser may keep it
        assets.put("uPlot.iife.min.js", new Asset(resource(UPLOT + "uPlot.iife.min.js"), "text/javascript; charset=utf-8", "max-age=86400"));
        assets.put("uPlot.min.css", new Asset(resource(UPLOT + "uPlot.min.css"), "text/css; charset=utf-8", "max-age=86400"));
    }

    /** Read once at start-up: a jar built without them fails there, not on the first page view. */
    private static byte[] resource(String path) {
        try (InputStream in = LiveHttp.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the live view's " + path + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(HttpEndpoint http) {
        http.guarded(PREFIX, this::handle);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String m = ex.getRequestMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            ex.getResponseHeaders().add("Allow", "GET, HEAD");
            text(ex, 405, "method not allowed\n");
            return;
        }
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
            asset(ex, assets.get(""), true);
        } else if (path.equals(PREFIX + "/events")) {
            events(ex);
        } else if (path.equals(PREFIX + "/api/devices")) {
            devices(ex);
        } else if (path.startsWith(PREFIX + "/") && assets.containsKey(path.substring(PREFIX.length() + 1))
                && !path.substring(PREFIX.length() + 1).isEmpty()) {
            asset(ex, assets.get(path.substring(PREFIX.length() + 1)), false);
        } else {
            text(ex, 404, "not found: the live view is at /live\n");
        }
    }

    private void devices(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        int limit = DEFAULT_LIMIT;
        if (q.containsKey("limit")) {
            Integer l = intParam(q.get("limit"));
            if (l == null || l < 1 || l > MAX_LIMIT) {
                text(ex, 400, "limit: must be a whole number from 1 to " + MAX_LIMIT + "\n");
                return;
            }
            limit = l;
        }
        byte[] body = hub.devicesJson(q.getOrDefault("q", ""), limit).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        HttpEndpoint.respond(ex, 200, "application/json", body);
    }

    private void events(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        String device = q.get("device");
        if (device != null && device.isEmpty()) {
            device = null;
        }
        int top = 0;
        if (q.containsKey("top")) {
            Integer t = intParam(q.get("top"));
            if (t == null || t < 1 || t > LiveConfig.MAX_TOP) {
                text(ex, 400, "top: must be a whole number from 1 to " + LiveConfig.MAX_TOP + "\n");
                return;
            }
            top = t;
        }
        Client.Rank rank = Client.Rank.UTIL;
        if (q.containsKey("rank")) {
            switch (q.get("rank").toLowerCase(Locale.ROOT)) {
                case "util" -> rank = Client.Rank.UTIL;
                case "bps" -> rank = Client.Rank.BPS;
                default -> {
                    text(ex, 400, "rank: must be util or bps\n");
                    return;
                }
            }
        }
        if (device == null && top == 0) {
            text(ex, 400, "device or top: give at least one (device=NAME for a device, top=N for the fleet table)\n");
            return;
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        Client c = hub.open(device, top, rank, () -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().add("Cache-Control", "no-store");
            ex.getResponseHeaders().add("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
            try {
                ex.sendResponseHeaders(200, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ex.getResponseBody();
        }, ex::close);
        if (c == null) {
            ex.getResponseHeaders().add("Retry-After", "10");
            text(ex, 503, "too many live view streams open (teleflux.live.max-clients); try again later\n");
        }
        // else the stream's own thread writes it from here on: this thread goes back to the server
    }

    private static void asset(HttpExchange ex, Asset a, boolean page) throws IOException {
        ex.getResponseHeaders().add("Cache-Control", a.cache());
        ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
        if (page) {
            // everything the page uses comes from here; uPlot sets element styles from script, which this allows
            ex.getResponseHeaders().add("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
            ex.getResponseHeaders().add("Referrer-Policy", "no-referrer");
        }
        HttpEndpoint.respond(ex, 200, a.type(), a.body());
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        HttpEndpoint.respond(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Integer intParam(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The query's parameters, the first of each name. */
    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is left out, and a required one is reported missing
            }
        }
        return out;
    }
}
