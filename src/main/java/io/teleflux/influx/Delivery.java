package io.teleflux.influx;

import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Carries one batch to a final outcome on a sender thread: sends it through the {@link InfluxApi},
 * applies the {@link ErrorPolicy}'s decision (retry after a wait, split, drop) and counts the
 * result. Every line of a settled batch is counted exactly once: written or dropped by reason.
 */
final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final InfluxApi api;
    private final String target;
    private final ErrorPolicy policy;
    private final WriterMetrics metrics;
    private final BooleanSupplier stopping;
    private final Clock clock;
    private final RateLimitedLog rateLimited;

    /**
     * @param stopping true once the writer gives up on what is left (after the shutdown deadline);
     *                 asked before every request and at least every second while backing off
     */
    Delivery(InfluxApi api, ErrorPolicy policy, WriterMetrics metrics, BooleanSupplier stopping, Clock clock) {
        this.api = api;
        this.target = metrics.names().target();
        this.policy = policy;
        this.metrics = metrics;
        this.stopping = stopping;
        this.clock = clock;
        this.rateLimited = new RateLimitedLog(log, 60_000);
    }

    /** What became of a batch. */
    record Outcome(Kind kind, Batch unwritten) {
        enum Kind { SETTLED, HANDED_OVER, ABANDONED }

        static final Outcome SETTLED = new Outcome(Kind.SETTLED, null);
        static final Outcome HANDED_OVER = new Outcome(Kind.HANDED_OVER, null);
    }

    /** {@link #deliver(Batch, Predicate)} for a sender that keeps every batch until it is settled. */
    Outcome deliver(Batch batch) {
        return deliver(batch, unwritten -> false);
    }

    /**
     * Delivers {@code batch}: every line ends up written or dropped and counted ({@code SETTLED}).
     * After each retriable failure, {@code handOver} is offered what is still unwritten; when it
     * takes it (e.g. into the spool), the delivery ends there ({@code HANDED_OVER}), else it is
     * retried after a backoff. When the writer stops, what is unwritten is returned uncounted
     * ({@code ABANDONED}): the caller keeps it or counts it.
     */
    Outcome deliver(Batch batch, Predicate<Batch> handOver) {
        Deque<Batch> todo = new ArrayDeque<>();
        todo.push(batch);
        while (!todo.isEmpty()) {
            Batch cur = todo.pop();
            int attempt = 0;
            while (true) {
                if (stopping.getAsBoolean()) {
                    return new Outcome(Outcome.Kind.ABANDONED, unwritten(cur, todo));
                }
                metrics.request();
                WriteResult r;
                try {
                    r = api.write(cur);
                } catch (InterruptedException e) {
                    Thread.interrupted();
                    continue; // only close() interrupts, after setting stopping: checked at the top
                } catch (RuntimeException e) {
                    // a client library failing in a way it does not document: retrying (and logging
                    // it) keeps the points, where letting it escape would lose the batch silently
                    r = WriteResult.network(e);
                }
                if (!r.success()) {
                    metrics.error(r.statusLabel());
                }
                ErrorPolicy.Decision d = policy.decide(r, cur.lines(), attempt);
                if (d instanceof ErrorPolicy.Retry retry) {
                    metrics.retry();
                    Batch rest = unwritten(cur, todo);
                    if (handOver.test(rest)) {
                        rateLimited.warn("retry-" + r.statusLabel(),
                                "{} write to {} failed ({} {}); {} points go to the spool and are retried from there",
                                target, api.describe(), r.statusLabel(), r.detail(), rest.lines());
                        return Outcome.HANDED_OVER;
                    }
                    rateLimited.warn("retry-" + r.statusLabel(),
                            "{} write to {} failed ({} {}); retrying {} points in {} ms (attempt {})",
                            target, api.describe(), r.statusLabel(), r.detail(), cur.lines(), retry.delayMs(), attempt + 1);
                    backoff(retry.delayMs());
                    attempt++;
                    continue;
                }
                if (d instanceof ErrorPolicy.Split) {
                    Batch[] halves = cur.split();
                    log.debug("{} answered 413 to {} lines ({} bytes); splitting", target, cur.lines(), cur.length());
                    todo.push(halves[1]);
                    todo.push(halves[0]);
                } else if (d instanceof ErrorPolicy.Written w) {
                    metrics.written(w.lines(), clock.millis());
                } else if (d instanceof ErrorPolicy.Drop drop) {
                    dropped(cur, r, drop);
                }
                break;
            }
        }
        return Outcome.SETTLED;
    }

    /**
     * Sleeps {@code ms} in slices of at most a second, asking {@link #stopping} after each: the
     * writer counts that question as the sender's heartbeat, so a sender waiting out a long
     * backoff (Retry-After may ask for minutes) is not mistaken for a stuck one by /health.
     */
    private void backoff(long ms) {
        long until = System.nanoTime() + ms * 1_000_000L;
        long left;
        while ((left = until - System.nanoTime()) > 0 && !stopping.getAsBoolean()) {
            try {
                Thread.sleep(Math.min(1_000, Math.max(1, left / 1_000_000L)));
            } catch (InterruptedException e) {
                // only close() interrupts, after setting stopping: checked by the loop and at the top
            }
        }
    }

    /** {@code cur} and the pieces still to do, in order, as one batch. */
    private static Batch unwritten(Batch cur, Deque<Batch> todo) {
        if (todo.isEmpty()) {
            return cur;
        }
        List<Batch> parts = new ArrayList<>(todo.size() + 1);
        parts.add(cur);
        parts.addAll(todo); // a Deque used as a stack iterates from the next one popped
        return Batch.concat(parts);
    }

    private void dropped(Batch cur, WriteResult r, ErrorPolicy.Drop drop) {
        metrics.dropped(drop.reason(), drop.dropped());
        if (drop.written() > 0) {
            metrics.written(drop.written(), clock.millis());
        }
        if (drop.reason().equals("too_large")) {
            rateLimited.warn("too_large", "{} {} refused a single line of {} bytes as too large (HTTP 413); "
                    + "dropped (reason too_large)", target, api.describe(), cur.length());
        } else if (drop.written() > 0) {
            rateLimited.warn(drop.reason(), "InfluxDB {} partially rejected a batch with HTTP {}: {}; {} of {} points "
                            + "dropped (reason {}), the rest stored",
                    api.describe(), r.status(), r.detail(), drop.dropped(), cur.lines(), drop.reason());
        } else {
            rateLimited.warn(drop.reason(), "InfluxDB {} rejected a batch with HTTP {}: {}; {} points dropped (reason {})",
                    api.describe(), r.status(), r.detail(), drop.dropped(), drop.reason());
        }
    }
}
