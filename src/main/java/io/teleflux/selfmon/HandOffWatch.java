package io.teleflux.selfmon;

import io.teleflux.point.Point;
import io.teleflux.point.PointSink;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Watches one hand-off of the pipeline (inputs → rates → writer): points that entered and have not
 * been handed on yet, and when the last hand-off completed. The pipeline is stalled when points
 * have been waiting for more than the stall timeout without any hand-off completing, unless the
 * writer is holding its callers back ({@code backPressure}): then InfluxDB cannot take points, the
 * spool is disabled or full, and waiting is what the collector is meant to do.
 */
public final class HandOffWatch implements PointSink {
    private final PointSink next;
    private final Liveness liveness;
    private final AtomicLong inFlight = new AtomicLong();
    private volatile long lastProgressMs;

    public HandOffWatch(PointSink next, Liveness liveness) {
        this.next = next;
        this.liveness = liveness;
        this.lastProgressMs = liveness.nowMs();
    }

    @Override
    public void accept(List<Point> points) throws InterruptedException {
        if (inFlight.getAndAdd(points.size()) == 0) {
            lastProgressMs = liveness.nowMs(); // the wait starts now, not at the last hand-off before an idle spell
        }
        try {
            next.accept(points);
        } finally {
            inFlight.addAndGet(-points.size());
            lastProgressMs = liveness.nowMs();
        }
    }

    /** Points that entered and are not handed on yet. */
    public long inFlight() {
        return inFlight.get();
    }

    /** A check: stalled when points wait longer than {@code stallMs} for a hand-off, except under back-pressure. */
    public Liveness.Check check(long stallMs, BooleanSupplier backPressure) {
        return now -> {
            long waiting = inFlight.get();
            long silent = now - lastProgressMs;
            if (waiting > 0 && silent > stallMs && !backPressure.getAsBoolean()) {
                return waiting + " points received have not been handed to the writer for " + silent / 1000 + " s";
            }
            return null;
        };
    }
}
