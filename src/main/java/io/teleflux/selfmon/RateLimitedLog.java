package io.teleflux.selfmon;

import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs a warning at most once per interval per key, and says how many were suppressed since.
 *
 * <p>One broken device can produce thousands of bad messages a second; the counters carry the
 * exact numbers, so the log only needs enough to show what is wrong.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, Slot> groups = new ConcurrentHashMap<>();
    private final int maxKeys;

    private static final class Slot {
        long lastNanos;
        long suppressed;
    }

    public RateLimitedLog(Logger log, long intervalMillis) {
        this(log, intervalMillis, 10_000);
    }

    public RateLimitedLog(Logger log, long intervalMillis, int maxKeys) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.maxKeys = maxKeys;
    }

    /** Logs {@code format} (slf4j style) unless {@code key} was logged less than an interval ago. */
    public void warn(String key, String format, Object... args) {
        long suppressed = admit(key);
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            log.warn(format + " ({} similar suppressed)", append(args, suppressed));
        } else {
            log.warn(format, args);
        }
    }

    /**
     * As {@link #warn}, keyed by {@code group} and {@code key} together (e.g. a reason and a peer
     * address), with at most {@code perGroup} lines per interval for the whole group, however many
     * keys it has: a thousand peers failing the same way still give a handful of lines.
     */
    public void warnPerGroup(String group, int perGroup, String key, String format, Object... args) {
        long suppressed = admit(group + '\u0000' + key);
        if (suppressed < 0 || !admitGroup(group, perGroup)) {
            return;
        }
        if (suppressed > 0) {
            log.warn(format + " ({} similar suppressed)", append(args, suppressed));
        } else {
            log.warn(format, args);
        }
    }

    private boolean admitGroup(String group, int perGroup) {
        long now = System.nanoTime();
        Slot g = groups.computeIfAbsent(group, k -> {
            Slot n = new Slot();
            n.lastNanos = now;
            return n;
        });
        synchronized (g) {
            if (now - g.lastNanos >= intervalNanos) {
                g.lastNanos = now;
                g.suppressed = 0; // here: lines logged in the current interval
            }
            return g.suppressed++ < perGroup;
        }
    }

    /** Returns -1 when the message must be suppressed, else how many were suppressed before it. */
    long admit(String key) {
        long now = System.nanoTime();
        if (slots.size() >= maxKeys && !slots.containsKey(key)) {
            slots.clear(); // bound memory under a flood of distinct keys; worst case we log a bit more
        }
        Slot s = slots.computeIfAbsent(key, k -> {
            Slot n = new Slot();
            n.lastNanos = now - intervalNanos;
            return n;
        });
        synchronized (s) {
            if (now - s.lastNanos >= intervalNanos) {
                long sup = s.suppressed;
                s.suppressed = 0;
                s.lastNanos = now;
                return sup;
            }
            s.suppressed++;
            return -1;
        }
    }

    private static Object[] append(Object[] args, Object extra) {
        Object[] a = new Object[args.length + 1];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = extra;
        return a;
    }
}
