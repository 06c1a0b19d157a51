package io.teleflux.bench;

import io.teleflux.sim.CounterModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Teleflux against the classic tutorial collector: a minimal Python grpcio server that
 * {@code json.loads} each message and formats line protocol. The same replayed simulator stream
 * (same seed, N devices × 48 interfaces of {@code Ifmgr/Statistics}) goes to each server in turn,
 * alone on the machine with the driver: a null gRPC sink (the generator's ceiling), the Python
 * baseline, and the real collector in its own process, with the reference defaults and then once
 * more without gzip (which the tutorial collector does not do either).
 */
final class PythonBaselineBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final long INTERVAL_MS = 10_000;

    private PythonBaselineBench() {
    }

    /** What one server did in the measured window. */
    record Window(String name, double seconds, long messages, long points, double serverCpu, double driverCpu, long sent) {
        double rate() {
            return messages / seconds;
        }

        double pointRate() {
            return points < 0 ? Double.NaN : points / seconds;
        }

        double cpuPerThousand() {
            return messages == 0 ? Double.NaN : serverCpu / messages * 1000;
        }

        double serverCores() {
            return serverCpu / seconds;
        }

        double driverCores() {
            return driverCpu / seconds;
        }
    }

    static void run(boolean smoke, int devices, int samples, int warmup, int seconds) throws Exception {
        PythonBaseline.checkPrerequisites();
        System.out.printf("python: %d devices x %d interfaces (Ifmgr/Statistics, seed %d), %d cores, Java %s%n", devices,
                INTERFACES, SEED, Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf("  load before (uptime): %s%n", loadAverage());
        long g0 = System.nanoTime();
        ReplayCorpus corpus = new ReplayCorpus(new CounterModel(SEED, INTERFACES, "sim-"), devices, samples, INTERVAL_MS);
        System.out.printf("  corpus: %d samples per device pre-generated in %.1f s, %,d bytes per DialoutMsg, replayed with "
                + "fresh timestamps (%d s apart)%n", samples, (System.nanoTime() - g0) / 1e9, corpus.averageBytes(), INTERVAL_MS / 1000);
        System.out.printf("  each server: %d s warm-up, then %d s measured; one server at a time%n", warmup, seconds);
        if (!TelefluxProcess.extraConfig().isBlank()) {
            System.out.printf("  NOT THE DEFAULTS: the collector runs with %s%n", TelefluxProcess.extraConfig());
        }

        Path dir = Files.createTempDirectory("teleflux-pybench");
        Window sink;
        Window python;
        Window teleflux;
        Window plain;
        try {
            try (NullDialoutSink s = new NullDialoutSink()) {
                sink = drive(s, corpus, warmup, seconds, smoke);
            }
            try (PythonBaseline py = PythonBaseline.start(dir, Math.max(10, devices))) {
                python = drive(py, corpus, warmup, seconds, smoke);
                long[] total = py.stats();
                if (total[1] != INTERFACES * total[0]) {
                    throw new IllegalStateException("the Python baseline wrote " + total[1] + " lines for " + total[0]
                            + " messages, expected " + INTERFACES + " per message");
                }
                System.out.printf("  python baseline: %,d messages, %,d lines of line protocol formatted (and dropped)%n",
                        total[0], total[1]);
            }
            teleflux = collector("teleflux", dir.resolve("defaults"), "", corpus, warmup, seconds, smoke);
            plain = collector("teleflux no gzip", dir.resolve("nogzip"), "teleflux.influx.gzip = false", corpus, warmup,
                    seconds, smoke);
        } finally {
            deleteTree(dir);
        }
        System.out.printf("  load after (uptime): %s%n", loadAverage());

        System.out.println();
        System.out.printf("%-16s %12s %12s %14s %13s %13s%n", "server", "messages/s", "points/s", "CPU s/1k msg",
                "server cores", "driver cores");
        for (Window w : new Window[] {sink, python, teleflux, plain}) {
            System.out.printf("%-16s %,12.0f %12s %14.3f %13.2f %13s%n", w.name(), w.rate(),
                    Double.isNaN(w.pointRate()) ? "-" : String.format("%,.0f", w.pointRate()), w.cpuPerThousand(),
                    w.serverCores(), w == sink ? "(same)" : String.format("%.2f", w.driverCores()));
        }
        System.out.println("(null sink = the generator's ceiling; its CPU is the driver's: generator and sink together."
                + " teleflux = the reference defaults, which gzip every write; no gzip = teleflux.influx.gzip = false)");
        System.out.println();
        for (Window t : new Window[] {teleflux, plain}) {
            System.out.printf("ratio %s / python messages/s = %.1fx%s%n", t.name(), t.rate() / python.rate(),
                    t == teleflux ? " (goal >= 5x)" : "");
            System.out.printf("ratio python / %s CPU per message = %.1fx%n", t.name(), python.cpuPerThousand() / t.cpuPerThousand());
        }
        Window fastest = plain.rate() > teleflux.rate() ? plain : teleflux;
        System.out.printf("ratio generator ceiling / %s messages/s = %.1fx (> 1: the generator is not the bottleneck)%n",
                fastest.name(), sink.rate() / fastest.rate());
        System.out.printf("ratio teleflux CPU per message / generator's (with the null sink) = %.1fx%n",
                teleflux.cpuPerThousand() / sink.cpuPerThousand());
        if (smoke) {
            System.out.println("(smoke run: the figures mean nothing)");
        }
    }

    /** The real collector, in its own process, with {@code config} over the reference defaults. */
    private static Window collector(String name, Path dir, String config, ReplayCorpus corpus, int warmup, int seconds,
                                    boolean smoke) throws Exception {
        try (DiscardInflux influx = new DiscardInflux();
             TelefluxProcess t = TelefluxProcess.start(name, dir, influx.port(), config)) {
            Window w = drive(t, corpus, warmup, seconds, smoke);
            if (smoke) {
                await(name + " writes points", () -> t.points() >= INTERFACES, t);
            }
            report(t, influx);
            return w;
        }
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

    /** Feeds {@code s} for the warm-up and the measured window, printing a progress line every second. */
    private static Window drive(ServerUnderTest s, ReplayCorpus corpus, int warmup, int seconds, boolean smoke) throws Exception {
        System.out.printf("%n  %s on 127.0.0.1:%d%n", s.name(), s.port());
        try (ReplayGenerator gen = new ReplayGenerator(corpus, s.port())) {
            gen.start();
            progress(s, gen, "warm-up", warmup);
            long m0 = s.messages();
            long p0 = s.points();
            double c0 = ProcCpu.seconds(s.pid());
            double d0 = ProcCpu.seconds(ProcCpu.self());
            boolean own = s.pid() != ProcCpu.self();
            Map<String, Double> threads0 = own ? ProcCpu.byThread(s.pid()) : Map.of();
            long sent0 = gen.sent();
            long t0 = System.nanoTime();
            progress(s, gen, "measure", seconds);
            long m1 = s.messages();
            long p1 = s.points();
            double c1 = ProcCpu.seconds(s.pid());
            double d1 = ProcCpu.seconds(ProcCpu.self());
            Map<String, Double> threads1 = own ? ProcCpu.byThread(s.pid()) : Map.of();
            long sent1 = gen.sent();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (smoke) {
                await(s.name() + " handles messages", () -> s.messages() >= 2L * corpus.devices(), s);
            }
            if (gen.failure() != null) {
                throw new IllegalStateException(s.name() + " ended a dial-out stream: " + gen.failure() + "\n" + s.diagnostics());
            }
            Window w = new Window(s.name(), elapsed, m1 - m0, p0 < 0 ? -1 : p1 - p0, c1 - c0, d1 - d0, sent1 - sent0);
            System.out.printf("  %s: %,.0f messages/s, %,.0f sent/s by the generator, server %.2f cores, driver %.2f cores%n",
                    s.name(), w.rate(), w.sent() / elapsed, w.serverCores(), w.driverCores());
            if (own) {
                printThreads(s.name(), threads0, threads1, c1 - c0);
            }
            return w;
        }
    }

    /** Where the server's CPU went in the window, by thread name (numbers stripped), largest first. */
    private static void printThreads(String name, Map<String, Double> before, Map<String, Double> after, double total) {
        StringBuilder sb = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= total * 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sb.append(String.format(", %s %.0f%%", e.getKey(), 100 * e.getValue() / total)));
        System.out.printf("  %s CPU by thread: %s%n", name, sb.length() == 0 ? "-" : sb.substring(2));
    }

    private static void progress(ServerUnderTest s, ReplayGenerator gen, String phase, int seconds) throws Exception {
        long start = System.nanoTime();
        long lastCount = s.messages();
        double lastCpu = ProcCpu.seconds(s.pid());
        long lastT = start;
        for (int i = 1; i <= seconds; i++) {
            long wake = start + TimeUnit.SECONDS.toNanos(i);
            long wait = wake - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long now = System.nanoTime();
            long count = s.messages();
            double cpu = ProcCpu.seconds(s.pid());
            double dt = (now - lastT) / 1e9;
            System.out.printf("    %-16s %-8s %3d/%d s %,10.0f messages/s  %5.2f cores  (%,d sent)%n", s.name(), phase, i, seconds,
                    (count - lastCount) / dt, (cpu - lastCpu) / dt, gen.sent());
            if (gen.failure() != null) {
                throw new IllegalStateException(s.name() + " ended a dial-out stream: " + gen.failure() + "\n" + s.diagnostics());
            }
            lastCount = count;
            lastCpu = cpu;
            lastT = now;
        }
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
