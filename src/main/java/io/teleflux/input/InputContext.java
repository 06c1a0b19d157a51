package io.teleflux.input;

import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Liveness;
import io.teleflux.selfmon.Metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What the collector gives an input: where its points go, its metrics registry, a place for its
 * health checks, and the clock its points are stamped with when the device gives no time.
 *
 * <p>An input also declares here how often each of its sources samples
 * ({@link #declareInterval}); the rate stage derives from it how long a gap between two samples
 * of a series may be before a rate across it would mislead.
 */
public final class InputContext {
    private final PointSink sink;
    private final Metrics metrics;
    private final Liveness liveness;
    private final String instance;
    private final long stallMs;
    private final LongSupplier clock;
    private final BooleanSupplier holdingBack;
    private final Ownership ownership;
    private final Map<String, Duration> intervals = new ConcurrentHashMap<>();

    public InputContext(PointSink sink, Metrics metrics, Liveness liveness, String instance, Duration stallTimeout,
                        LongSupplier clock, BooleanSupplier holdingBack) {
        this(sink, metrics, liveness, instance, stallTimeout, clock, holdingBack, Ownership.ALL);
    }

    /** @param ownership which targets this collector polls (shared polling), {@link Ownership#ALL} alone */
    public InputContext(PointSink sink, Metrics metrics, Liveness liveness, String instance, Duration stallTimeout,
                        LongSupplier clock, BooleanSupplier holdingBack, Ownership ownership) {
        this.ownership = ownership;
        this.holdingBack = holdingBack;
        this.sink = sink;
        this.metrics = metrics;
        this.liveness = liveness;
        this.instance = instance;
        this.stallMs = stallTimeout.toMillis();
        this.clock = clock;
    }

    /** Where the input hands its points (the rate stage, through the pipeline's hand-off watch). */
    public PointSink sink() {
        return sink;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Which targets to poll: all of them, unless collectors share them ({@code teleflux.share}). */
    public Ownership ownership() {
        return ownership;
    }

    /** The collector's {@code teleflux.instance}. */
    public String instance() {
        return instance;
    }

    /** Epoch ms, for points the device does not time itself (SNMP); a test may replay the past. */
    public LongSupplier clock() {
        return clock;
    }

    /** {@code teleflux.health.stall-timeout}: how long a part of the input may make no progress. */
    public long stallMs() {
        return stallMs;
    }

    /**
     * Whether the output is holding points back (InfluxDB slow or down): an input that waits then
     * is not stuck, and its health check should not say so.
     */
    public boolean holdingBack() {
        return holdingBack.getAsBoolean();
    }

    /**
     * Adds a check to /health: it returns null while all is well, else why the collector should
     * be restarted (only what a restart can cure).
     */
    public void health(String name, Liveness.Check check) {
        liveness.register(name, check);
    }

    /**
     * Declares that points tagged {@code source=<source>} arrive about every {@code interval};
     * several inputs of one source keep the longest.
     */
    public void declareInterval(String source, Duration interval) {
        intervals.merge(source, interval, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    /** The declared interval of {@code source}, or null when no input declared it. */
    public Duration interval(String source) {
        return intervals.get(source);
    }
}
