package io.teleflux.sim.dialout;

import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;

/** What every device of one simulator shares: settings, payload writer, counters, timers, log. */
final class Fleet {
    final DialoutSettings settings;
    final H3cJsonWriter writer;
    final FleetCounters counters = new FleetCounters();
    final ScheduledExecutorService scheduler;
    /** Set before the devices start when the simulator keeps a {@link SentLog}. */
    volatile SentLog sentLog;
    final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(DialoutSimulator.class), 10_000);
    private final ThreadLocal<StringBuilder> buffers = ThreadLocal.withInitial(() -> new StringBuilder(32 * 1024));

    Fleet(DialoutSettings settings, H3cJsonWriter writer, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.writer = writer;
        this.scheduler = scheduler;
    }

    /** A per-thread payload buffer: one device builds all its messages in it, one after another. */
    StringBuilder buffer() {
        return buffers.get();
    }
}
