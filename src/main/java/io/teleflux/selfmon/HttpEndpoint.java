package io.teleflux.selfmon;

import io.teleflux.component.Component;
import io.teleflux.config.Secret;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /health} (JSON) on the JDK's built-in
 * HTTP server: a few read-only endpoints do not justify a web framework. Other packages add their
 * routes with {@link #guarded}; those need {@code teleflux.http.token} when one is set
 * ({@link AccessToken}), while /metrics and /health stay open for probes and Prometheus.
 */
public final class HttpEndpoint implements Component, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    /** What /health reports. {@code healthy = false} answers 503. */
    public record Health(boolean healthy, String json) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AccessToken access;
    private volatile boolean started;
    private boolean closed;

    public HttpEndpoint(String host, int port, Metrics metrics, Supplier<Health> health) throws IOException {
        this(host, port, metrics, health, Secret.EMPTY);
    }

    /** @param token guards the routes added with {@link #guarded}; empty for none */
    public HttpEndpoint(String host, int port, Metrics metrics, Supplier<Health> health, Secret token) throws IOException {
        access = new AccessToken(token, metrics);
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("selfmon-http").daemon().factory());
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> {
            if (!allowGet(ex)) {
                return;
            }
            respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.prometheusText());
        });
        server.createContext("/health", ex -> {
            if (!allowGet(ex)) {
                return;
            }
            Health h = health.get();
            respond(ex, h.healthy() ? 200 : 503, "application/json", h.json());
        });
        server.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8", "not found: try /metrics or /health\n"));
    }

    /**
     * Serves {@code path} and everything under it with {@code handler}, behind the access token
     * when one is configured. The handler runs on one of the endpoint's two threads: a handler that
     * holds its exchange open (a stream) must hand it to a thread of its own and return.
     */
    public void guarded(String path, HttpHandler handler) {
        server.createContext(path, access.guard(handler));
    }

    @Override
    public String name() {
        return "http";
    }

    /** Serves; the port was bound by the constructor, so that a port in use fails before anything else starts. */
    @Override
    public void start() {
        if (started) {
            return;
        }
        started = true;
        server.start();
        LOG.info("metrics and health on http://{}:{}/metrics", server.getAddress().getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static boolean allowGet(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        respond(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with {@code b} (headers only for HEAD) and ends the exchange; for every route on this server. */
    public static void respond(HttpExchange ex, int status, String type, byte[] b) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        }
        ex.close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close(Duration timeout) {
        close();
    }
}
