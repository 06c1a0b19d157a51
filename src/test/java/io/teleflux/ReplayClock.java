package io.teleflux;

import java.util.function.LongSupplier;

/**
 * The time a replaying test sets (epoch ms), until {@link #live()} hands over to the wall clock:
 * simulated switches and a replay-mode {@link Collector} read it, so minutes of the past are
 * produced in seconds and every timestamp still comes from the component that makes it.
 */
final class ReplayClock implements LongSupplier {
    private volatile long replayed = Long.MIN_VALUE;

    void set(long epochMs) {
        replayed = epochMs;
    }

    void live() {
        replayed = Long.MIN_VALUE;
    }

    @Override
    public long getAsLong() {
        long t = replayed;
        return t == Long.MIN_VALUE ? System.currentTimeMillis() : t;
    }
}
