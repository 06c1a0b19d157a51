package io.teleflux.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples a phase every 200 ms: points acknowledged by influxd so far and everyone's CPU time, and
 * prints a progress line every 5 s. The rate of a phase is taken between the samples where it
 * crossed two fractions of its points, so that start-up and the last partial batch stay out.
 */
final class Meter implements AutoCloseable {
    private static final long EVERY_MS = 200;
    private static final int PROGRESS_EVERY = 25;

    /** Points acknowledged so far; may fail (a scrape over HTTP). */
    @FunctionalInterface
    interface Counter {
        long points() throws Exception;
    }

    record Sample(long nanos, long points, CpuSnapshot cpu) {
    }

    /** A phase's figures between two samples. */
    record Window(long points, CpuSnapshot.Delta cpu) {
        double pointsPerSecond() {
            return cpu.wallSeconds() > 0 ? points / cpu.wallSeconds() : Double.NaN;
        }
    }

    private final String phase;
    private final Counter counter;
    private final long collectorPid;
    private final long influxdPid;
    private final long total;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Exception failure;

    /** @param collectorPid -1 when no collector runs in this phase */
    Meter(String phase, Counter counter, long collectorPid, long influxdPid, long total) {
        this.phase = phase;
        this.counter = counter;
        this.collectorPid = collectorPid;
        this.influxdPid = influxdPid;
        this.total = total;
        sample();
        this.thread = Thread.ofPlatform().name("meter").daemon().start(this::loop);
    }

    private void loop() {
        int n = 0;
        while (!stop) {
            try {
                Thread.sleep(EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            sample();
            if (++n % PROGRESS_EVERY == 0) {
                progress();
            }
        }
    }

    private void sample() {
        long points;
        try {
            points = counter.points();
        } catch (Exception e) {
            failure = e;
            return;
        }
        Sample s = new Sample(System.nanoTime(), points, CpuSnapshot.take(collectorPid, influxdPid));
        synchronized (samples) {
            samples.add(s);
        }
    }

    private void progress() {
        Sample last;
        Sample before;
        synchronized (samples) {
            last = samples.get(samples.size() - 1);
            before = samples.get(Math.max(0, samples.size() - 1 - PROGRESS_EVERY));
        }
        CpuSnapshot.Delta d = last.cpu().since(before.cpu());
        System.out.printf("  [%s] %,d / %,d points, %,.0f points/s; CPU cores: collector %.2f, influxd %.2f,"
                        + " simulator+driver %.2f, others %.2f%n", phase, last.points(), total,
                (last.points() - before.points()) / d.wallSeconds(), d.collector() / d.wallSeconds(),
                d.influxd() / d.wallSeconds(), d.driver() / d.wallSeconds(), d.others() / d.wallSeconds());
    }

    long lastPoints() {
        synchronized (samples) {
            return samples.get(samples.size() - 1).points();
        }
    }

    Exception failure() {
        return failure;
    }

    /**
     * From the first sample at or above {@code from}·total points to the first at or above
     * {@code to}·total (or the last sample). When both fall on one sample (a tiny run), the whole phase.
     */
    Window window(double from, double to) {
        List<Sample> s;
        synchronized (samples) {
            s = List.copyOf(samples);
        }
        Sample a = first(s, (long) (from * total));
        Sample b = first(s, (long) Math.ceil(to * total));
        if (a == null || b == null || b.nanos() <= a.nanos()) {
            a = s.get(0);
            b = s.get(s.size() - 1);
        }
        return new Window(b.points() - a.points(), b.cpu().since(a.cpu()));
    }

    private static Sample first(List<Sample> s, long atLeast) {
        for (Sample x : s) {
            if (x.points() >= atLeast) {
                return x;
            }
        }
        return s.isEmpty() ? null : s.get(s.size() - 1);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
        sample();
    }
}
