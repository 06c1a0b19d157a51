package io.teleflux.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * Stands in for InfluxDB 1.x: {@code POST /write} reads the whole body and answers 204,
 * {@code /query} (CREATE DATABASE) answers an empty result. It keeps the first write body so the
 * run can show what the collector sent; the rest is counted and discarded.
 */
final class DiscardInflux implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "discard-influx");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder writes = new LongAdder();
    private final LongAdder bodyBytes = new LongAdder();
    private final AtomicReference<byte[]> firstBody = new AtomicReference<>();
    private volatile boolean firstGzipped;

    DiscardInflux() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    long writes() {
        return writes.sum();
    }

    /** Bytes of the write bodies as sent (gzip-compressed when the collector compresses). */
    long bodyBytes() {
        return bodyBytes.sum();
    }

    boolean gzipped() {
        return firstGzipped;
    }

    /** The first line of the first write body, or null before any write. */
    String firstLine() throws IOException {
        byte[] b = firstBody.get();
        if (b == null) {
            return null;
        }
        InputStream in = new ByteArrayInputStream(b);
        byte[] text = (firstGzipped ? new GZIPInputStream(in) : in).readAllBytes();
        String s = new String(text, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/write")) {
                byte[] body = in.readAllBytes();
                writes.increment();
                bodyBytes.add(body.length);
                if (firstBody.compareAndSet(null, body)) {
                    firstGzipped = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
                }
                ex.sendResponseHeaders(204, -1);
            } else if (path.equals("/query")) {
                in.transferTo(OutputStream.nullOutputStream());
                byte[] answer = "{\"results\":[{\"statement_id\":0}]}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                ex.sendResponseHeaders(204, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
