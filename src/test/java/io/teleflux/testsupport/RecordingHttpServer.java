package io.teleflux.testsupport;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 that records every request exactly as it arrived and answers
 * as a test scripts it: for checking what a client really sends (path, query, headers, gzip body)
 * and for answers a real server cannot be made to give on demand (503 with {@code Retry-After},
 * a stall).
 *
 * <p>Handlers run on their own threads, so a responder may block (to stall the client) without
 * holding up other requests; {@link #close()} interrupts blocked responders.
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** One request as received. */
    public record Request(int index, String method, URI uri, Headers headers, byte[] body, long arrivedNanos) {

        public String path() {
            return uri.getRawPath();
        }

        /** Decoded query parameters in order (the last value wins for a repeated name). */
        public Map<String, String> query() {
            Map<String, String> m = new LinkedHashMap<>();
            String q = uri.getRawQuery();
            if (q == null || q.isEmpty()) {
                return m;
            }
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                String v = eq < 0 ? "" : kv.substring(eq + 1);
                m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
            return m;
        }

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            return headers.getFirst(name);
        }

        /** The body as text, gunzipped when the request says {@code Content-Encoding: gzip}. */
        public String text() {
            byte[] b = body;
            if ("gzip".equalsIgnoreCase(header("Content-Encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    b = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException("Content-Encoding says gzip but the body is not", e);
                }
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** What to answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply of(int status) {
            return new Reply(status, Map.of(), "");
        }

        public static Reply of(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body);
        }

        public Reply header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Reply(status, h, body);
        }
    }

    /** Decides the answer to a request; may block to stall the client. */
    @FunctionalInterface
    public interface Responder {
        Reply answer(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-http-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();

    private RecordingHttpServer(Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, responder));
        server.start();
    }

    public static RecordingHttpServer start(Responder responder) {
        try {
            return new RecordingHttpServer(responder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the recording HTTP server", e);
        }
    }

    private void handle(HttpExchange ex, Responder responder) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Headers copy = new Headers();
            copy.putAll(ex.getRequestHeaders());
            Request req = new Request(counter.getAndIncrement(), ex.getRequestMethod(), ex.getRequestURI(), copy, body,
                    System.nanoTime());
            requests.add(req);
            Reply reply;
            try {
                reply = responder.answer(req);
            } catch (InterruptedException e) {
                return; // closing: drop the connection
            } catch (Exception e) {
                reply = Reply.of(500, "{\"error\":\"responder failed: " + e + "\"}");
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A snapshot of the requests so far, in arrival order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until at least {@code n} requests arrived; fails after {@code timeout}. */
    public List<Request> awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " requests within " + timeout + ", got " + requests.size());
            }
            Thread.sleep(10);
        }
        return requests();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        server.stop(0);
    }
}
