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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The writer's compression options on real batches: the collector's own line protocol (decode, rates,
 * encode) of 8 devices' {@code Ifmgr/Statistics}, cut into batches as the writer cuts them, gzipped
 * as {@code influx.Gzip} does ({@code java.util.zip}) at each level and strategy, interleaved.
 */
final class CompressBench {
    private CompressBench() {
    }

    /** {@code batch} lines of the collector's statistics line protocol (every point after a device's first has rates). */
    static byte[] batch(int lines) throws DecodeException, InterruptedException {
        CounterModel model = new CounterModel(DecodeBench.SEED, 48, "sim-");
        H3cJsonWriter json = new H3cJsonWriter(model);
        H3cDecoder decoder = new H3cDecoder(new Metrics());
        LineBuffer buffer = new LineBuffer(lines * 600);
        int devices = 8;
        int[] firstLines = new int[1];
        RateStage rates = new RateStage(points -> {
            for (Point p : points) {
                if (buffer.lines() < lines + firstLines[0]) {
                    LineProtocol.append(p, buffer);
                }
            }
        }, source -> 180_000L, 1_800_000L, 1_000_000, new Metrics());
        List<Point> points = new ArrayList<>(64);
        for (int k = 0; buffer.lines() < lines + firstLines[0]; k++) {
            long t = DecodeBench.T + k * 10_000L;
            for (int d = 0; d < devices; d++) {
                byte[] doc = json.json(SensorPath.IFMGR_STATISTICS, d, t).getBytes(StandardCharsets.UTF_8);
                points.clear();
                decoder.decode(model.deviceName(d), SensorPath.IFMGR_STATISTICS.path(), doc, 0, doc.length, t, points);
                rates.accept(List.copyOf(points));
            }
            if (k == 0) {
                firstLines[0] = buffer.lines(); // the first sample has no rates yet: not what a running collector writes
            }
        }
        byte[] all = Arrays.copyOf(buffer.array(), buffer.length());
        int from = 0;
        for (int n = 0; n < firstLines[0]; from++) {
            if (all[from] == '\n') {
                n++;
            }
        }
        return Arrays.copyOfRange(all, from, all.length);
    }

    static byte[] gzip(byte[] data, int level, int strategy) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 3));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(level);
                def.setStrategy(strategy);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void run(String[] args, boolean smoke) throws Exception {
        int lines = 5000;
        byte[] batch = batch(lines);
        byte[] small = batch(1000);
        int roundMs = smoke ? 30 : 300;
        int rounds = smoke ? 1 : 20;
        int warmup = smoke ? 0 : 3;
        System.out.printf("compress: one batch of %,d statistics lines with rates (%,d bytes), and one of 1,000 lines; "
                + "rounds of %d ms interleaved (%d warm-up + %d measured), load %s%n", lines, batch.length, roundMs, warmup,
                rounds, PythonBaselineBench.loadAverage());
        record Option(String name, byte[] data, int level, int strategy) {
        }
        List<Option> options = List.of(
                new Option("level 1", batch, 1, Deflater.DEFAULT_STRATEGY),
                new Option("level 1 HUFFMAN_ONLY", batch, 1, Deflater.HUFFMAN_ONLY),
                new Option("level 1 FILTERED", batch, 1, Deflater.FILTERED),
                new Option("level 2", batch, 2, Deflater.DEFAULT_STRATEGY),
                new Option("level 3", batch, 3, Deflater.DEFAULT_STRATEGY),
                new Option("level 6", batch, 6, Deflater.DEFAULT_STRATEGY),
                new Option("level 1, 1,000-line batch", small, 1, Deflater.DEFAULT_STRATEGY),
                new Option("level 0 (stored)", batch, 0, Deflater.DEFAULT_STRATEGY));
        Interleaved il = new Interleaved("level 1");
        for (Option o : options) {
            // rate in input MB/s, so that batches of different sizes compare per byte
            Interleaved.Side perCall = Interleaved.timed(() -> gzip(o.data(), o.level(), o.strategy()).length, roundMs);
            il.add(o.name(), () -> perCall.round() * o.data().length / 1e6);
        }
        Map<String, Interleaved.Result> r = il.run(warmup, rounds, null);
        double bytesPerMessage = (double) batch.length / lines * 48;
        System.out.printf("%n  %-26s %10s %14s %12s   %s%n", "option", "MB/s in", "us per 48-line", "compression",
                "speed ratio to level 1: median (spread)");
        for (Option o : options) {
            Interleaved.Result x = r.get(o.name());
            System.out.printf("  %-26s %10.1f %14.1f %11.2fx   %s%n", o.name(), x.medianRate(),
                    bytesPerMessage / (x.medianRate() * 1e6) * 1e6, (double) o.data().length / gzip(o.data(), o.level(), o.strategy()).length,
                    o.name().equals("level 1") ? "1" : x.ratioSpread());
        }

        // the writers compress in parallel: two threads on two cores, each its own batches
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Interleaved par = new Interleaved("1 thread");
            par.add("1 thread", () -> threads(pool, 1, batch, roundMs));
            par.add("2 threads", () -> threads(pool, 2, batch, roundMs));
            Map<String, Interleaved.Result> p = par.run(warmup, rounds, null);
            System.out.printf("%n  level 1 on parallel writer threads: 1 thread %.1f MB/s, 2 threads %.1f MB/s together: %s%n",
                    p.get("1 thread").medianRate(), p.get("2 threads").medianRate(), p.get("2 threads").ratioSpread());
        } finally {
            pool.shutdownNow();
        }
        if (smoke) {
            System.out.println("(smoke run: the figures mean nothing)");
        }
    }

    private static double threads(ExecutorService pool, int n, byte[] batch, int roundMs) throws Exception {
        List<Callable<Double>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(() -> Interleaved.timed(() -> gzip(batch, 1, Deflater.DEFAULT_STRATEGY).length, roundMs).round());
        }
        double total = 0;
        for (Future<Double> f : pool.invokeAll(tasks)) {
            total += f.get();
        }
        return total * batch.length / 1e6;
    }
}
