package io.teleflux.selfmon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What {@code /health} asks: every component registers checks of its essential threads and of its
 * progress; a check answers {@code null} when all is well, else a one-line reason. A collector whose
 * checks all pass answers 200; any reason makes it 503, so that the container is restarted.
 *
 * <p>The rule for a check: report only what a restart would cure (a dead or wedged thread, a stage
 * that holds points and does not move them on). An InfluxDB outage is not such a thing: points go to
 * the spool (or wait in memory, with back-pressure), and a restart would not bring InfluxDB back.
 */
public final class Liveness {
    /** One check; {@code nowMs} is the registry's clock. */
    @FunctionalInterface
    public interface Check {
        /** @return null when healthy, else why not (one line) */
        String problem(long nowMs);
    }

    private final LongSupplier clockMs;
    private final Map<String, Check> checks = new ConcurrentHashMap<>();

    public Liveness(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Wall clock in production; tests pass one they move by hand. */
    public static Liveness systemClock() {
        return new Liveness(System::currentTimeMillis);
    }

    public long nowMs() {
        return clockMs.getAsLong();
    }

    /** Adds (or replaces) the check {@code name}. */
    public void register(String name, Check check) {
        checks.put(name, check);
    }

    /** Every failing check's reason, prefixed by its name, sorted; empty when healthy. */
    public List<String> problems() {
        long now = nowMs();
        List<String> out = new ArrayList<>();
        checks.forEach((name, c) -> {
            String p;
            try {
                p = c.problem(now);
            } catch (RuntimeException e) {
                p = "check failed: " + e;
            }
            if (p != null) {
                out.add(name + ": " + p);
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * The last time a loop went round. A loop that beats on every turn, and whose one turn has a
     * known upper bound, is stuck when it has been silent for longer than that bound.
     */
    public static final class Heartbeat {
        private final LongSupplier clockMs;
        private volatile long lastMs;

        public Heartbeat(LongSupplier clockMs) {
            this.clockMs = clockMs;
            this.lastMs = clockMs.getAsLong();
        }

        public void beat() {
            lastMs = clockMs.getAsLong();
        }

        /** Milliseconds since the last beat. */
        public long silentMs(long nowMs) {
            return Math.max(0, nowMs - lastMs);
        }
    }
}
