package io.teleflux.selfmon;

import io.teleflux.component.Component;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Writes the registry as measurement {@code teleflux} every interval, so dashboards and alerts can see the collector. */
public final class SelfmonReporter implements Component, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelfmonReporter.class);

    private final Metrics metrics;
    private final PointSink sink;
    private final String instance;
    private final long intervalMs;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer =
            FatalErrors.scheduler(1, Thread.ofPlatform().name("selfmon-report").daemon().factory());
    private BooleanSupplier holdingBack = () -> false;
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean closed;

    public SelfmonReporter(Metrics metrics, PointSink sink, String instance, long intervalMs) {
        this(metrics, sink, instance, intervalMs, System::currentTimeMillis);
    }

    /** @param clock what each snapshot is stamped with: the wall clock, except where a test replays the past */
    public SelfmonReporter(Metrics metrics, PointSink sink, String instance, long intervalMs, LongSupplier clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.sink = sink;
        this.instance = instance;
        this.intervalMs = intervalMs;
    }

    /**
     * At close, one last snapshot is written so that the final counts reach InfluxDB, unless
     * {@code holdingBack} says the output is full: then it would only wait for room.
     */
    public SelfmonReporter finalReportUnless(BooleanSupplier holdingBack) {
        this.holdingBack = holdingBack;
        return this;
    }

    @Override
    public String name() {
        return "selfmon";
    }

    @Override
    public void start() {
        schedule = timer.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * For /health: null while the schedule runs. A periodic task that throws is never run again
     * (report() catches runtime exceptions, so only an Error ends it); that is reported here.
     */
    public String problem() {
        ScheduledFuture<?> f = schedule;
        if (f == null || closed || !f.isDone()) {
            return null;
        }
        String cause;
        try {
            f.get();
            cause = "ended";
        } catch (java.util.concurrent.ExecutionException e) {
            cause = String.valueOf(e.getCause());
        } catch (java.util.concurrent.CancellationException | InterruptedException e) {
            cause = "cancelled";
        }
        return "the self-monitoring schedule stopped: " + cause;
    }

    /** Writes one snapshot now (also used at shutdown so the last counts reach InfluxDB). */
    public void report() {
        try {
            List<Point> points = metrics.toPoints(instance, clock.getAsLong());
            sink.accept(points);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("self-monitoring report failed: {}", e.toString());
        }
    }

    /** Stops the schedule without a last snapshot. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        close();
        if (!holdingBack.getAsBoolean()) {
            report();
        }
    }
}
