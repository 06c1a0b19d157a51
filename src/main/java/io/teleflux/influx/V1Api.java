package io.teleflux.influx;

import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * InfluxDB 1.x {@code POST /write} through the JDK {@link HttpClient}.
 *
 * <p>Credentials go in an {@code Authorization: Basic} header and never in the URL, so that no
 * URL that reaches a log line or an exception message carries them.
 */
final class V1Api implements InfluxApi {
    private static final Logger log = LoggerFactory.getLogger(V1Api.class);

    private final InfluxConfig cfg;
    private final HttpClient client;
    private final URI writeUri;
    private final URI queryUri;
    private final String authorization; // null without username
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, 60_000);
    /**
     * How much of a response body is read at most (scanned, not kept): far beyond what influxd
     * answers to any batch (it echoes at most the request, which its max-body-size bounds, 25 MB by
     * default), and still a bound against a peer that never ends its body.
     */
    static final long MAX_BODY_SCAN = 1L << 30;

    V1Api(InfluxConfig cfg) {
        this.cfg = cfg;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // InfluxDB 1.x speaks no HTTP/2; skip the h2c upgrade attempt
                .connectTimeout(cfg.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String base = stripTrailingSlash(cfg.url().toString());
        StringBuilder q = new StringBuilder("/write?db=").append(enc(cfg.database()));
        if (!cfg.retentionPolicy().isEmpty()) {
            q.append("&rp=").append(enc(cfg.retentionPolicy()));
        }
        q.append("&precision=ms");
        this.writeUri = URI.create(base + q);
        this.queryUri = URI.create(base + "/query");
        if (cfg.username().isEmpty()) {
            this.authorization = null;
        } else {
            String userPass = cfg.username() + ":" + cfg.password().reveal();
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public WriteResult write(Batch batch) throws InterruptedException {
        WriteResult r = post(batch);
        if (r.status() == 404 && cfg.createDatabase() && r.body().contains("database not found")) {
            // InfluxDB was not reachable when we started, or someone dropped the database: create it
            // now rather than dropping data until the next restart
            if (created(createDatabase())) {
                rateLimited.warn("v1-db-created", "InfluxDB database \"{}\" did not exist; created it", cfg.database());
                r = post(batch);
            }
        }
        return r;
    }

    private WriteResult post(Batch batch) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(writeUri)
                .timeout(cfg.timeout())
                .header("Content-Type", "text/plain; charset=utf-8");
        if (cfg.gzip()) {
            b.header("Content-Encoding", "gzip").POST(ByteArrayBody.of(Gzip.compress(batch.chunks(), cfg.gzipLevel())));
        } else {
            b.POST(ByteArrayBody.of(batch.chunks()));
        }
        return send(b);
    }

    /** {@code CREATE DATABASE} through {@code POST /query}; check the answer with {@link #created}. */
    WriteResult createDatabase() throws InterruptedException {
        String stmt = "CREATE DATABASE " + quoteIdentifier(cfg.database());
        HttpRequest.Builder b = HttpRequest.newBuilder(queryUri)
                .timeout(cfg.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(stmt)));
        return send(b);
    }

    /**
     * Whether {@code CREATE DATABASE} worked. InfluxDB answers 200 even when the statement failed,
     * with the error in the JSON, so the body is checked too.
     */
    static boolean created(WriteResult r) {
        return r.success() && !r.body().contains("\"error\"");
    }

    private WriteResult send(HttpRequest.Builder b) throws InterruptedException {
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<InputStream> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            PartialWrite.Read body;
            try (InputStream in = resp.body()) {
                // the head for the log; the rest of a 400 is only scanned: "dropped=N" ends a
                // partial-write report, which lists every unparsable line in full and can run to megabytes
                body = PartialWrite.read(in, WriteResult.MAX_BODY_CHARS,
                        resp.statusCode() == 400 ? MAX_BODY_SCAN : WriteResult.MAX_BODY_CHARS);
            }
            return WriteResult.http(resp.statusCode(), resp.headers().firstValue("Retry-After").orElse(null),
                    body.head(), body.partial());
        } catch (IOException | UncheckedIOException e) {
            return WriteResult.network(e);
        }
    }

    @Override
    public String describe() {
        return "v1 " + cfg.url() + " database \"" + cfg.database() + "\""
                + (cfg.retentionPolicy().isEmpty() ? "" : " rp \"" + cfg.retentionPolicy() + "\"")
                + (cfg.username().isEmpty() ? "" : " user \"" + cfg.username() + "\"");
    }

    @Override
    public void close() {
        client.shutdownNow();
    }

    /** An InfluxQL double-quoted identifier: backslash and double quote are escaped. */
    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
