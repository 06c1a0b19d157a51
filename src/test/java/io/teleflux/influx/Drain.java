package io.teleflux.influx;

import io.teleflux.selfmon.Metrics;

/**
 * Waits, from the outside, until a writer holds nothing: every point it accepted is written or
 * dropped (counted), none waits in memory or in the spool. A writer's {@code accept} takes its
 * memory permits before it returns, so nothing accepted before the call can be missed.
 */
public final class Drain {
    private Drain() {
    }

    /** Waits up to two minutes; fails the test with what is still held otherwise. */
    public static void await(Metrics m) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (m.value(WriterMetrics.QUEUE) > 0 || m.value(WriterMetrics.SPOOL_POINTS) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer still holds " + (long) m.value(WriterMetrics.QUEUE)
                        + " points in memory and " + (long) m.value(WriterMetrics.SPOOL_POINTS) + " in the spool");
            }
            Thread.sleep(5);
        }
    }

    /**
     * Moves {@code clock} past the flush interval, so that the partial batch is cut now however
     * long the interval is, then waits as {@link #await(Metrics)}.
     */
    public static void flush(Metrics m, MovableClock clock, InfluxConfig cfg) throws InterruptedException {
        clock.advance(cfg.flushInterval().toMillis() + 1);
        await(m);
    }
}
