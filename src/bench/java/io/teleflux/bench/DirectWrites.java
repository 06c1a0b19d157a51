package io.teleflux.bench;

import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.point.LineBuffer;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * InfluxDB's own ingest ceiling for the collector's output: the line protocol the collector writes
 * for the same simulator samples, made beforehand by the collector's own code (decoder, rate stage,
 * line-protocol encoder) and gzipped as its v1 writer gzips, cut into {@code batch-size} batches,
 * then posted to {@code /write} by as many threads as the collector has writers, through one JDK
 * HTTP/1.1 client as the collector's writer does. While posting, the only work left on this side is
 * sending bytes, so what is measured is influxd.
 */
final class DirectWrites {
    /** One request body: gzipped line protocol and its line count. */
    record Body(byte[] gzip, int lines) {
    }

    private final List<Body> bodies;
    private final long lines;

    private DirectWrites(List<Body> bodies) {
        this.bodies = bodies;
        this.lines = bodies.stream().mapToLong(Body::lines).sum();
    }

    /**
     * The {@code Ifmgr/Statistics} samples {@code 0..samples-1} of devices {@code 0..devices-1}
     * (sample k at device time {@code t0 + k·intervalMs}), in the order the benchmark sends them.
     */
    static DirectWrites generate(CounterModel model, int devices, int samples, long t0, long intervalMs, int batchSize)
            throws InterruptedException {
        H3cJsonWriter json = new H3cJsonWriter(model);
        H3cDecoder decoder = new H3cDecoder(new Metrics());
        List<Body> out = new ArrayList<>();
        LineBuffer buffer = new LineBuffer(batchSize * 400);
        // as Collector wires it for telemetry: rate.max-gap = auto (3 min for a 5 s interval)
        RateStage rates = new RateStage(points -> {
            for (Point p : points) {
                LineProtocol.append(p, buffer);
                if (buffer.lines() >= batchSize) {
                    out.add(new Body(gzip(buffer.array(), buffer.length()), buffer.lines()));
                    buffer.reset();
                }
            }
        }, source -> 180_000L, 1_800_000L, 1_000_000, new Metrics());
        List<Point> points = new ArrayList<>(64);
        for (int k = 0; k < samples; k++) {
            long t = t0 + k * intervalMs;
            for (int d = 0; d < devices; d++) {
                byte[] doc = json.json(SensorPath.IFMGR_STATISTICS, d, t).getBytes(StandardCharsets.UTF_8);
                points.clear();
                try {
                    decoder.decode(model.deviceName(d), SensorPath.IFMGR_STATISTICS.path(), doc, 0, doc.length, t, points);
                } catch (DecodeException e) {
                    throw new IllegalStateException("the simulator's own message does not decode", e);
                }
                rates.accept(List.copyOf(points));
            }
        }
        if (buffer.lines() > 0) {
            out.add(new Body(gzip(buffer.array(), buffer.length()), buffer.lines()));
        }
        return new DirectWrites(out);
    }

    long lines() {
        return lines;
    }

    long gzipBytes() {
        return bodies.stream().mapToLong(b -> b.gzip.length).sum();
    }

    int bodies() {
        return bodies.size();
    }

    /**
     * Posts every body to {@code influx}'s {@code /write?db=database&precision=ms} with
     * {@code writers} threads; {@code acked} counts the lines of answered (204) requests as they come.
     * Fails on any other answer.
     */
    void post(URI influx, String database, int writers, AtomicLong acked) throws InterruptedException {
        post(influx, database, writers, 0, Long.MAX_VALUE, acked);
    }

    /**
     * Posts the bodies from index {@code from} on, as {@link #post(URI, String, int, AtomicLong)}
     * does, but takes no new body once {@code System.nanoTime()} has passed {@code untilNanos} (the
     * requests under way are answered first); returns the index of the first body not posted.
     */
    int post(URI influx, String database, int writers, int from, long untilNanos, AtomicLong acked)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI write = influx.resolve("/write?db=" + URLEncoder.encode(database, StandardCharsets.UTF_8) + "&precision=ms");
        AtomicInteger next = new AtomicInteger(from);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().name("direct-writer-" + w).start(() -> {
                while (failures.isEmpty() && System.nanoTime() - untilNanos < 0) {
                    int i = next.getAndIncrement();
                    if (i >= bodies.size()) {
                        return;
                    }
                    Body b = bodies.get(i);
                    HttpRequest r = HttpRequest.newBuilder(write).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "text/plain; charset=utf-8").header("Content-Encoding", "gzip")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(b.gzip)).build();
                    try {
                        HttpResponse<InputStream> resp = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
                        String body;
                        try (InputStream in = resp.body()) {
                            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        }
                        if (resp.statusCode() != 204) {
                            throw new IllegalStateException("influxd answered " + resp.statusCode() + ": " + body);
                        }
                        acked.addAndGet(b.lines);
                    } catch (IOException | RuntimeException e) {
                        failures.add(e);
                    } catch (InterruptedException e) {
                        failures.add(e);
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        client.shutdownNow();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("direct write to influxd failed", failures.get(0));
        }
        return Math.min(next.get(), bodies.size());
    }

    /** gzip at the fastest level, as the collector's v1 writer does. */
    private static byte[] gzip(byte[] data, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, len / 8));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data, 0, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
