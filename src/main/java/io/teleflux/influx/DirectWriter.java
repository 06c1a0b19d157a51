package io.teleflux.influx;

import io.teleflux.selfmon.Metrics;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes line protocol that is already encoded (the relay's records) to the configured InfluxDB
 * now, on the caller's thread, through the same {@link ErrorPolicy} and {@link Delivery} as the
 * writer: retried with backoff, split on 413, dropped and counted on other 4xx. No spool and no
 * queue: the caller keeps the lines (the relay, in Kafka) until {@link #write} says they are settled.
 * Several threads may write at once (the relay's writers): each call gives up on its own condition.
 */
public final class DirectWriter implements AutoCloseable {
    private final InfluxConfig cfg;
    private final InfluxApi api;
    private final Delivery delivery;
    /** The calling thread's give-up condition: one {@link Delivery} serves every writer thread. */
    private final ThreadLocal<BooleanSupplier> giveUp = ThreadLocal.withInitial(() -> () -> false);
    private final AtomicLong seq = new AtomicLong();

    public DirectWriter(InfluxConfig cfg, Metrics metrics) {
        this.cfg = cfg;
        this.api = cfg.api() == InfluxConfig.Api.V1 ? new V1Api(cfg) : new V2Api(cfg);
        WriterMetrics wm = new WriterMetrics(metrics, () -> 0);
        Clock clock = Clock.systemUTC();
        this.delivery = new Delivery(api, new ErrorPolicy(new Backoff(cfg.retry()), clock), wm, () -> giveUp.get().getAsBoolean(),
                clock);
    }

    /** With api v1 and {@code create-database}: creates the database; false when that failed (writes create it later). */
    public boolean createDatabase() throws InterruptedException {
        return !(api instanceof V1Api v1) || !cfg.createDatabase() || V1Api.created(v1.createDatabase());
    }

    /**
     * Writes {@code chunks} (each whole lines ending in a newline) in requests of at most
     * {@code batch-size} lines. Returns true when every line is settled: written, or dropped by the
     * error policy and counted; false when {@code giveUp} turned true first (then some lines may
     * be written and others not: the caller writes them all again later).
     */
    public boolean write(List<byte[]> chunks, List<Integer> lines, BooleanSupplier giveUp) {
        this.giveUp.set(giveUp);
        try {
            return deliver(chunks, lines);
        } finally {
            this.giveUp.remove();
        }
    }

    private boolean deliver(List<byte[]> chunks, List<Integer> lines) {
        int from = 0;
        while (from < chunks.size()) {
            int n = 0;
            int to = from;
            while (to < chunks.size() && (n == 0 || n + lines.get(to) <= cfg.batchSize())) {
                n += lines.get(to++);
            }
            Batch b = new Batch(seq.incrementAndGet(), chunks.subList(from, to).toArray(new byte[0][]), n);
            if (delivery.deliver(b).kind() != Delivery.Outcome.Kind.SETTLED) {
                return false;
            }
            from = to;
        }
        return true;
    }

    public String describe() {
        return api.describe();
    }

    @Override
    public void close() {
        api.close();
    }
}
