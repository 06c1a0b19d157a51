package io.teleflux.selfmon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.teleflux.config.Secret;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code teleflux.http.token} in front of a route. A browser cannot put a header on the page
 * load or on an EventSource, so besides {@code Authorization: Bearer <token>} the token is
 * accepted once as {@code ?token=}: the answer sets it as an HttpOnly, SameSite=Strict cookie and
 * redirects to the same URL without it, so that it leaves the address bar (and the history, and
 * the Referer of later requests) at once.
 */
final class AccessToken {
    static final String COOKIE = "teleflux-token";
    static final String PARAM = "token";

    private final byte[] digest; // null: no token configured
    private final Metrics.Counter refused;

    AccessToken(Secret token, Metrics metrics) {
        this.digest = token.isEmpty() ? null : sha256(token.reveal());
        metrics.describe(HttpMetrics.HTTP_UNAUTHORIZED_TOTAL, Metrics.Type.COUNTER,
                "Requests to a guarded route (/live) refused for a missing or wrong teleflux.http.token");
        this.refused = metrics.counter(HttpMetrics.HTTP_UNAUTHORIZED_TOTAL);
    }

    HttpHandler guard(HttpHandler handler) {
        if (digest == null) {
            return handler;
        }
        return ex -> {
            String bearer = bearer(ex);
            if (bearer != null) {
                if (matches(bearer)) {
                    handler.handle(ex);
                } else {
                    refuse(ex);
                }
                return;
            }
            String raw = ex.getRequestURI().getRawQuery();
            List<String> rest = new ArrayList<>();
            String fromQuery = null;
            if (raw != null) {
                for (String part : raw.split("&")) {
                    int eq = part.indexOf('=');
                    String k = eq < 0 ? part : part.substring(0, eq);
                    if (k.equals(PARAM)) {
                        fromQuery = decode(eq < 0 ? "" : part.substring(eq + 1));
                    } else if (!part.isEmpty()) {
                        rest.add(part);
                    }
                }
            }
            if (fromQuery != null) {
                if (!matches(fromQuery)) {
                    refuse(ex);
                    return;
                }
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + URLEncoder.encode(fromQuery, StandardCharsets.UTF_8)
                        + "; Path=" + ex.getHttpContext().getPath() + "; HttpOnly; SameSite=Strict");
                String path = ex.getRequestURI().getRawPath();
                ex.getResponseHeaders().add("Location", rest.isEmpty() ? path : path + "?" + String.join("&", rest));
                ex.getResponseHeaders().add("Cache-Control", "no-store");
                HttpEndpoint.respond(ex, 303, "text/plain; charset=utf-8", "token accepted\n");
                return;
            }
            String cookie = cookie(ex);
            if (cookie != null && matches(cookie)) {
                handler.handle(ex);
            } else {
                refuse(ex);
            }
        };
    }

    /** Compares digests, so that neither the content nor the length of the token shows in the time taken. */
    private boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private void refuse(HttpExchange ex) throws IOException {
        refused.inc();
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        HttpEndpoint.respond(ex, 401, "text/plain; charset=utf-8",
                "unauthorized: this page needs the token set in teleflux.http.token: open it once as "
                        + ex.getRequestURI().getRawPath() + "?token=<token>, or send Authorization: Bearer <token>\n");
    }

    private static String bearer(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).strip();
    }

    private static String cookie(HttpExchange ex) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String h : headers) {
            for (String c : h.split(";")) {
                String t = c.strip();
                if (t.startsWith(COOKIE + "=")) {
                    return decode(t.substring(COOKIE.length() + 1));
                }
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape simply does not match
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
