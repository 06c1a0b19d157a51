package io.teleflux.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Minimal blocking HTTP for fixtures and tests (loopback only). */
public final class SimpleHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    public record Response(int status, String body, HttpHeaders headers) {
    }

    private SimpleHttp() {
    }

    public static Response get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    public static Response post(URI uri, String contentType, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    public static Response postForm(URI uri, Map<String, String> form) throws IOException, InterruptedException {
        return post(uri, "application/x-www-form-urlencoded", formEncode(form));
    }

    /** For readiness probes: whether {@code uri} answers a GET with {@code status}; false on any I/O error. */
    public static boolean answers(URI uri, int status) throws InterruptedException {
        try {
            return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build()).status() == status;
        } catch (IOException e) {
            return false;
        }
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Response send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(resp.statusCode(), resp.body(), resp.headers());
    }
}
