package io.teleflux.bench;

import io.teleflux.sim.CounterModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Teleflux against the classic tutorial collector: a minimal Python grpcio server that
 * {@code json.loads} each message and formats line protocol. The same replayed simulator stream
 * (same seed, N devices × 48 interfaces of {@code Ifmgr/Statistics}) goes to each server: a null
 * gRPC sink (the generator's ceiling), the Python baseline, and the real collector in its own
 * process, with the reference defaults (which do not gzip for an InfluxDB on loopback, as here) and
 * once more with gzip forced on, as for an InfluxDB across a network. All four run at once, idle but for their turn: short rounds, one server at a
 * time, in rotating order ({@link Interleaved}), so that a change of the machine's load reaches every
 * server's figures alike.
 */
final class PythonBaselineBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final long INTERVAL_MS = 10_000;

    private PythonBaselineBench() {
    }

    /**
     * What one server did in one round: {@code messages} and {@code serverCpu} in the measured window
     * (its rate and cores), {@code handled} and {@code cpuAll} from the window's start until the
     * server had finished what it was sent (its CPU per message, the tail of its work included).
     */
    record Window(String name, double seconds, long messages, long points, double serverCpu, double driverCpu, long sent,
                  long handled, double cpuAll) {
        double rate() {
            return messages / seconds;
        }

        double pointRate() {
            return points < 0 ? Double.NaN : points / seconds;
        }

        double cpuPerThousand() {
            return handled == 0 ? Double.NaN : cpuAll / handled * 1000;
        }

        double serverCores() {
            return serverCpu / seconds;
        }

        double driverCores() {
            return driverCpu / seconds;
        }
    }

    static void run(boolean smoke, int devices, int samples, int warmup, int rounds, int roundSeconds, Path compareJar,
                    List<String> compareJvm, String compareConf)
            throws Exception {
        PythonBaseline.checkPrerequisites();
        System.out.printf("python: %d devices x %d interfaces (Ifmgr/Statistics, seed %d), %d cores, Java %s%n", devices,
                INTERFACES, SEED, Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf("  load before (uptime): %s%n", loadAverage());
        long g0 = System.nanoTime();
        ReplayCorpus corpus = new ReplayCorpus(new CounterModel(SEED, INTERFACES, "sim-"), devices, samples, INTERVAL_MS);
        System.out.printf("  corpus: %d samples per device pre-generated in %.1f s, %,d bytes per DialoutMsg, replayed with "
                + "fresh timestamps (%d s apart)%n", samples, (System.nanoTime() - g0) / 1e9, corpus.averageBytes(), INTERVAL_MS / 1000);
        System.out.printf("  all servers up at once, each fed by its own paused generator; %d s warm-up each, then %d rounds"
                + " (+2 thrown away) in which each server in turn gets the load for %d s (rotating order)%n", warmup, rounds,
                roundSeconds);
        if (!TelefluxProcess.extraConfig().isBlank()) {
            System.out.printf("  NOT THE DEFAULTS: the collector runs with %s%n", TelefluxProcess.extraConfig());
        }
        List<String> jvm = ReferenceJvm.options();
        System.out.printf("  the collector's JVM options are the image's (JDK_JAVA_OPTIONS in the Dockerfile): %s%n",
                String.join(" ", jvm));

        Path dir = Files.createTempDirectory("teleflux-pybench");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            NullDialoutSink sinkServer = closeLater(open, new NullDialoutSink());
            PythonBaseline py = closeLater(open, PythonBaseline.start(dir, Math.max(10, devices)));
            DiscardInflux influx1 = closeLater(open, new DiscardInflux());
            TelefluxProcess tf = closeLater(open, TelefluxProcess.start("teleflux", dir.resolve("defaults"), influx1.port(), "",
                    null, jvm));
            DiscardInflux influx2 = closeLater(open, new DiscardInflux());
            TelefluxProcess plainServer = closeLater(open, TelefluxProcess.start("teleflux gzip", dir.resolve("gzip"),
                    influx2.port(), "teleflux.influx.gzip = true", null, jvm));
            TelefluxProcess otherBuild = null;
            if (compareJar != null || compareJvm != null || compareConf != null) {
                DiscardInflux influx3 = closeLater(open, new DiscardInflux());
                List<String> otherJvm = compareJvm == null ? jvm : compareJvm;
                String otherConf = compareConf == null ? "" : compareConf;
                otherBuild = closeLater(open, TelefluxProcess.start("other build", dir.resolve("other"), influx3.port(),
                        otherConf, compareJar, otherJvm));
                System.out.printf("  other build = the collector of %s with %s, JVM options: %s%n",
                        compareJar == null ? "this build" : compareJar,
                        otherConf.isBlank() ? "the defaults" : "the defaults and " + otherConf,
                        otherJvm.isEmpty() ? "none (the JVM's own defaults)" : String.join(" ", otherJvm));
            }
            Fed sink = closeLater(open, new Fed(sinkServer, corpus));
            Fed python = closeLater(open, new Fed(py, corpus));
            Fed teleflux = closeLater(open, new Fed(tf, corpus));
            Fed plain = closeLater(open, new Fed(plainServer, corpus));
            Fed other = otherBuild == null ? null : closeLater(open, new Fed(otherBuild, corpus));
            List<Fed> all = other == null ? List.of(sink, python, teleflux, plain) : List.of(sink, python, teleflux, plain, other);
            for (Fed f : all) {
                f.warmUp(warmup);
            }
            Interleaved il = new Interleaved(python.s.name());
            for (Fed f : all) {
                il.add(f.s.name(), () -> f.round(roundSeconds));
            }
            System.out.printf("%n  %-7s %s%n", "round", "messages/s (server cores) per server");
            Map<String, Interleaved.Result> r = il.run(2, rounds, (k, rates) -> {
                StringBuilder sb = new StringBuilder();
                for (Fed f : all) {
                    sb.append(String.format("  %s %,.0f (%.2f)", f.s.name(), rates.get(f.s.name()), f.last().serverCores()));
                }
                System.out.printf("  %-7s%s%n", (k + 1) + "/" + rounds, sb);
            });
            if (smoke) {
                for (Fed f : all) {
                    await(f.s.name() + " handles messages", () -> f.s.messages() >= 2L * corpus.devices(), f.s);
                }
                await("teleflux writes points", () -> tf.points() >= INTERFACES, tf);
                await("teleflux gzip writes points", () -> plainServer.points() >= INTERFACES, plainServer);
            }
            long[] total = py.stats();
            if (total[1] != INTERFACES * total[0]) {
                throw new IllegalStateException("the Python baseline wrote " + total[1] + " lines for " + total[0]
                        + " messages, expected " + INTERFACES + " per message");
            }
            System.out.printf("%n  python baseline: %,d messages, %,d lines of line protocol formatted (and dropped)%n",
                    total[0], total[1]);
            report(tf, influx1);
            report(plainServer, influx2);
            List<Fed> collectors = other == null ? List.of(teleflux, plain) : List.of(teleflux, plain, other);
            for (Fed f : collectors) {
                printThreads(f.s.name(), f.threads, f.cpuTotal);
            }
            printSched(python);
            for (Fed f : collectors) {
                printSched(f);
            }
            System.out.printf("  load after (uptime): %s%n", loadAverage());

            System.out.println();
            System.out.printf("%-16s %12s %12s %14s %13s %13s   %s%n", "server (median)", "messages/s", "points/s",
                    "CPU s/1k msg", "server cores", "driver cores", "messages/s ratio to python: median (spread)");
            for (Fed f : all) {
                List<Window> ws = f.measured(rounds);
                System.out.printf("%-16s %,12.0f %12s %14.3f %13.2f %13s   %s%n", f.s.name(), r.get(f.s.name()).medianRate(),
                        f.s.points() < 0 ? "-" : String.format("%,.0f", median(ws, Window::pointRate)),
                        median(ws, Window::cpuPerThousand), median(ws, Window::serverCores),
                        f == sink ? "(same)" : String.format("%.2f", median(ws, Window::driverCores)),
                        f == python ? "1" : r.get(f.s.name()).ratioSpread());
            }
            System.out.println("(null sink = the generator's ceiling; its CPU is the driver's: generator and sink together."
                    + " teleflux = the reference defaults (gzip = auto: off, the discard InfluxDB is on loopback);"
                    + " teleflux gzip = teleflux.influx.gzip = true, level 1, as over a network)");
            System.out.println();
            for (Fed t : List.of(teleflux, plain)) {
                System.out.printf("ratio %s / python messages/s = %.1fx%s, per-round spread %s%n", t.s.name(),
                        r.get(t.s.name()).medianRatio(), t == teleflux ? " (goal >= 5x)" : "", r.get(t.s.name()).ratioSpread());
                System.out.printf("ratio python / %s CPU per message = %.1fx%n", t.s.name(),
                        pairedMedian(python.measured(rounds), t.measured(rounds), (p, x) -> p.cpuPerThousand() / x.cpuPerThousand()));
            }
            if (other != null) {
                System.out.printf("ratio teleflux / other build messages/s = %.2fx, per round: %s%n",
                        pairedMedian(teleflux.measured(rounds), other.measured(rounds), (x, o) -> x.rate() / o.rate()),
                        spread(teleflux.measured(rounds), other.measured(rounds), (x, o) -> x.rate() / o.rate()));
                System.out.printf("ratio other build / teleflux CPU per message = %.2fx, per round: %s%n",
                        pairedMedian(other.measured(rounds), teleflux.measured(rounds), (o, x) -> o.cpuPerThousand() / x.cpuPerThousand()),
                        spread(other.measured(rounds), teleflux.measured(rounds), (o, x) -> o.cpuPerThousand() / x.cpuPerThousand()));
            }
            System.out.printf("ratio generator ceiling / fastest teleflux messages/s = %.1fx (> 1: the generator is not the"
                    + " bottleneck)%n", pairedMedian(sink.measured(rounds), teleflux.measured(rounds), plain.measured(rounds)));
            System.out.printf("ratio teleflux CPU per message / generator's (with the null sink) = %.1fx%n",
                    pairedMedian(teleflux.measured(rounds), sink.measured(rounds), (x, g) -> x.cpuPerThousand() / g.cpuPerThousand()));
            if (smoke) {
                System.out.println("(smoke run: the figures mean nothing)");
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    System.err.println("closing: " + e);
                }
            }
            deleteTree(dir);
        }
    }

    private static <T extends AutoCloseable> T closeLater(List<AutoCloseable> open, T c) {
        open.add(c);
        return c;
    }

    private static double median(List<Window> ws, java.util.function.ToDoubleFunction<Window> f) {
        return Interleaved.quantile(ws.stream().mapToDouble(f).toArray(), 0.5);
    }

    private static double pairedMedian(List<Window> a, List<Window> b, java.util.function.BiFunction<Window, Window, Double> f) {
        double[] x = new double[a.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.apply(a.get(i), b.get(i));
        }
        return Interleaved.quantile(x, 0.5);
    }

    /** The per-round values of {@code f} as IQR and min-max. */
    private static String spread(List<Window> a, List<Window> b, java.util.function.BiFunction<Window, Window, Double> f) {
        double[] x = new double[a.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = f.apply(a.get(i), b.get(i));
        }
        java.util.Arrays.sort(x);
        return String.format("IQR %.2f-%.2f, min-max %.2f-%.2f, %d rounds", Interleaved.quantile(x, 0.25),
                Interleaved.quantile(x, 0.75), x[0], x[x.length - 1], x.length);
    }

    /** Per round: the generator's ceiling over the faster of the two collectors in that round. */
    private static double pairedMedian(List<Window> sink, List<Window> a, List<Window> b) {
        double[] x = new double[sink.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = sink.get(i).rate() / Math.max(a.get(i).rate(), b.get(i).rate());
        }
        return Interleaved.quantile(x, 0.5);
    }

    private static void report(TelefluxProcess t, DiscardInflux influx) throws Exception {
        Map<String, Double> m = t.scrape();
        double errors = m.getOrDefault("teleflux_decode_errors_total", 0.0);
        if (errors > 0) {
            throw new IllegalStateException(t.name() + " counted " + errors + " decode errors: the replayed messages are broken");
        }
        System.out.printf("  %s: %,.0f messages decoded, %,.0f points written in %,d POST /write (%,d bytes%s); "
                        + "rates skipped: reset %,.0f, out_of_order %,.0f, gap %,.0f%n",
                t.name(), m.getOrDefault("teleflux_dialout_messages_total", 0.0), m.getOrDefault("teleflux_points_written_total", 0.0),
                influx.writes(), influx.bodyBytes(), influx.gzipped() ? " gzipped" : "",
                m.getOrDefault("teleflux_rate_skipped_total{reason=\"reset\"}", 0.0),
                m.getOrDefault("teleflux_rate_skipped_total{reason=\"out_of_order\"}", 0.0),
                m.getOrDefault("teleflux_rate_skipped_total{reason=\"gap\"}", 0.0));
        String first = influx.firstLine();
        System.out.printf("  %s's first line written: %s%n", t.name(), first == null ? "(none yet)"
                : first.length() > 160 ? first.substring(0, 160) + " ..." : first);
    }

    /**
     * A server with its own generator, paused between its rounds. A round: resume, measure for the
     * round's seconds, pause, then wait until the server has handled what was already on the wire
     * (its count holds still), so that no server's tail runs into the next server's round.
     */
    private static final class Fed implements AutoCloseable {
        final ServerUnderTest s;
        final ReplayGenerator gen;
        final boolean own;
        final List<Window> windows = new ArrayList<>();
        final Map<String, Double> threads = new java.util.HashMap<>();
        /** Over the measured windows only, per thread group: seconds on a CPU, seconds waiting for one, threads. */
        final Map<String, double[]> sched = new java.util.TreeMap<>();
        double windowSeconds;
        double cpuTotal;

        Fed(ServerUnderTest s, ReplayCorpus corpus) {
            this.s = s;
            this.gen = new ReplayGenerator(corpus, s.port());
            this.own = s.pid() != ProcCpu.self();
            gen.pause();
            gen.start();
        }

        void warmUp(int seconds) throws Exception {
            System.out.printf("  warm-up %s on 127.0.0.1:%d for %d s%n", s.name(), s.port(), seconds);
            gen.resume();
            Thread.sleep(seconds * 1000L);
            gen.pause();
            settle();
        }

        double round(int seconds) throws Exception {
            Map<String, Double> threads0 = own ? ProcCpu.byThread(s.pid()) : Map.of();
            Map<String, double[]> sched0 = own ? ProcCpu.schedByThread(s.pid()) : Map.of();
            long m0 = s.messages();
            long p0 = s.points();
            double c0 = ProcCpu.seconds(s.pid());
            double d0 = ProcCpu.seconds(ProcCpu.self());
            long sent0 = gen.sent();
            long t0 = System.nanoTime();
            gen.resume();
            Thread.sleep(seconds * 1000L);
            long m1 = s.messages();
            long p1 = s.points();
            double c1 = ProcCpu.seconds(s.pid());
            double d1 = ProcCpu.seconds(ProcCpu.self());
            long sent1 = gen.sent();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (own) {
                ProcCpu.schedByThread(s.pid()).forEach((k, v) -> {
                    double[] a = sched0.getOrDefault(k, new double[3]);
                    double[] acc = sched.computeIfAbsent(k, x -> new double[3]);
                    acc[0] += v[0] - a[0];
                    acc[1] += v[1] - a[1];
                    acc[2] = Math.max(acc[2], v[2]);
                });
                windowSeconds += elapsed;
            }
            gen.pause();
            if (gen.failure() != null) {
                throw new IllegalStateException(s.name() + " ended a dial-out stream: " + gen.failure() + "\n" + s.diagnostics());
            }
            settle();
            double c2 = ProcCpu.seconds(s.pid());
            Window w = new Window(s.name(), elapsed, m1 - m0, p0 < 0 ? -1 : p1 - p0, c1 - c0, d1 - d0, sent1 - sent0,
                    s.messages() - m0, c2 - c0);
            windows.add(w);
            if (own) {
                ProcCpu.byThread(s.pid()).forEach((k, v) -> threads.merge(k, v - threads0.getOrDefault(k, 0.0), Double::sum));
                cpuTotal += c2 - c0;
            }
            return w.rate();
        }

        Window last() {
            return windows.get(windows.size() - 1);
        }

        List<Window> measured(int rounds) {
            return windows.subList(windows.size() - rounds, windows.size());
        }

        /**
         * Waits (at most 30 s) until the server's message count has not moved for 300 ms and, for a
         * collector, its written points for longer than its 1 s flush interval: the writer's gzip and
         * HTTP of the round's points must not run into the next server's round.
         */
        private void settle() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long last = s.messages();
            long lastPoints = s.points();
            long stillSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                Thread.sleep(100);
                long now = s.messages();
                long points = s.points();
                if (now != last || points != lastPoints) {
                    last = now;
                    lastPoints = points;
                    stillSince = System.nanoTime();
                }
                long still = System.nanoTime() - stillSince;
                if (still >= TimeUnit.MILLISECONDS.toNanos(points < 0 ? 300 : 1500)) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            gen.close();
        }
    }

    /** Where the server's CPU went in the window, by thread name (numbers stripped), largest first. */
    private static void printThreads(String name, Map<String, Double> spent, double total) {
        StringBuilder sb = new StringBuilder();
        spent.entrySet().stream()
                .filter(e -> e.getValue() >= total * 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sb.append(String.format(", %s %.0f%%", e.getKey(), 100 * e.getValue() / total)));
        System.out.printf("  %s CPU by thread: %s%n", name, sb.length() == 0 ? "-" : sb.substring(2));
    }

    /**
     * While the server had the load (measured windows only): cores it ran on, cores it was runnable
     * but waited for a CPU (the machine's other work, the generator included), and, for the decode
     * workers, the share of their time they slept: waiting is CPU starvation, sleeping is work not
     * reaching them (latency-bound).
     */
    private static void printSched(Fed f) {
        if (f.sched.isEmpty() || f.windowSeconds == 0) {
            return;
        }
        double run = 0;
        double wait = 0;
        for (double[] v : f.sched.values()) {
            run += v[0];
            wait += v[1];
        }
        double t = f.windowSeconds;
        StringBuilder sb = new StringBuilder(String.format("  %s while loaded: on a CPU %.2f cores, runnable but waiting"
                + " for a CPU %.2f cores", f.s.name(), run / t, wait / t));
        double[] d = f.sched.get("dialout-decode");
        if (d != null && d[2] > 0) {
            double busy = d[0] / (t * d[2]);
            double waiting = d[1] / (t * d[2]);
            sb.append(String.format("; %d decode workers: running %.0f%%, waiting for a CPU %.0f%%, asleep %.0f%%",
                    (int) d[2], 100 * busy, 100 * waiting, 100 * Math.max(0, 1 - busy - waiting)));
        }
        System.out.println(sb);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    /** Smoke runs wait for the work itself, never for a time: the limit only catches a hung server. */
    private static void await(String what, Check check, ServerUnderTest s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("smoke: " + what + " did not happen within 120 s\n" + s.diagnostics());
            }
            Thread.sleep(100);
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
