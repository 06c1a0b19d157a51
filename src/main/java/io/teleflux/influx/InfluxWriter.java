package io.teleflux.influx;

import io.teleflux.component.Component;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Liveness;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes points to InfluxDB: the pipeline's last {@link PointSink}.
 *
 * <p>{@link #accept} encodes points on the caller's thread and only copies the lines into the
 * current batch under the batcher's lock; a batch is cut when it holds {@code batch-size} points
 * or is {@code flush-interval} old, and handed through a {@link BatchChannel} to {@code writers}
 * sender threads, each of which carries a batch to its end through the one {@link ErrorPolicy}
 * (see {@link Delivery}). At most {@code queue-max-points} accepted points wait in memory;
 * beyond that {@link #accept} blocks, which is how back-pressure reaches the inputs. Nothing is
 * dropped for being slow.
 *
 * <p>With the spool ({@code spool.enabled}, the default) batches that InfluxDB cannot take now go
 * to disk and free their memory there (see {@link SpoolBatchChannel}); memory then fills only when
 * the spool is full and {@code on-full = block}. Without it, everything waits in memory.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #accept} from any number of threads,
 * {@link #close()}.
 */
public final class InfluxWriter implements PointSink, Component, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InfluxWriter.class);
    private static final long POLL_MS = 200;

    private final InfluxConfig cfg;
    private final InfluxApi api;
    /** "InfluxDB" or "Kafka", for log lines; {@link #component} names the component and its threads. */
    private final String target;
    private final String component;
    private final WriterMetrics metrics;
    private final BatchChannel channel;
    private final Delivery delivery;
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, 60_000);

    /** One permit per accepted point that waits in memory (not yet written, dropped or spooled). */
    private final Semaphore room;
    private final AtomicLong queued = new AtomicLong();

    private final Object bufferLock = new Object();
    private final BatchBuffer buffer;
    /** Each caller's scratch for encoding outside {@link #bufferLock}. */
    private final ThreadLocal<EncodedLines> encoded = ThreadLocal.withInitial(EncodedLines::new);
    private long bufferStartMs; // when the first line of the current batch was appended (the injected clock)
    private long nextSeq;

    /** Notified when a batch is settled or memory is released: close() waits on it for memory to empty. */
    private final Object settled = new Object();
    private final AtomicLong shutdownDropped = new AtomicLong();

    private final Object lifecycle = new Object();
    private volatile boolean started;
    private volatile boolean closed;    // no more points are accepted
    private volatile boolean stopping;  // the shutdown deadline passed: give up on what is left
    private final List<Thread> threads = new ArrayList<>();
    /** {@link #threads}' heartbeats, in the same order; the flush thread's is last. */
    private final List<Liveness.Heartbeat> beats = new ArrayList<>();
    /** The sender thread's own heartbeat, beaten by {@link Delivery} before each request and while backing off. */
    private final ThreadLocal<Liveness.Heartbeat> currentBeat = new ThreadLocal<>();
    private final Clock clock;

    /**
     * A writer to the configured InfluxDB. With the spool enabled, opens (and locks) the spool
     * directory and recovers what an earlier run left there, to be replayed first.
     *
     * @throws IOException when the spool directory cannot be used (the message names the key)
     */
    public InfluxWriter(InfluxConfig cfg, Metrics metrics) throws IOException {
        this(cfg, metrics, Clock.systemUTC());
    }

    /**
     * @param clock what a batch's age (flush-interval), backoff and the spool's times are read
     *              from: the system clock, except where a test moves time on
     */
    InfluxWriter(InfluxConfig cfg, Metrics metrics, Clock clock) throws IOException {
        this(cfg, metrics, cfg.api() == InfluxConfig.Api.V1 ? new V1Api(cfg) : new V2Api(cfg), clock);
    }

    InfluxWriter(InfluxConfig cfg, Metrics metrics, InfluxApi api, Clock clock) throws IOException {
        this(cfg, metrics, api, WriterMetrics.INFLUX, clock);
    }

    /**
     * A writer to another target than the configured InfluxDB (the Kafka output): {@code cfg}'s
     * batching, retry and spool settings, {@code api} as the target, and {@code names} for its
     * metrics, log lines and the config keys in its errors. {@code cfg}'s url and credentials are not used.
     */
    public InfluxWriter(InfluxConfig cfg, Metrics metrics, InfluxApi api, WriterMetrics.Names names) throws IOException {
        this(cfg, metrics, api, names, Clock.systemUTC());
    }

    InfluxWriter(InfluxConfig cfg, Metrics metrics, InfluxApi api, WriterMetrics.Names names, Clock clock)
            throws IOException {
        this.cfg = cfg;
        this.api = api;
        this.target = names.target();
        this.component = names.component();
        this.metrics = new WriterMetrics(metrics, names, queued::get);
        BatchChannel.Owner owner = new ChannelOwner();
        this.channel = cfg.spool().enabled() ? SpoolBatchChannel.open(cfg, owner, this.metrics, clock)
                : new MemoryBatchChannel(owner);
        this.nextSeq = channel.maxSeq() + 1; // a seq names one batch, also in the spool: never reuse a spooled one's
        this.clock = clock;
        this.delivery = new Delivery(api, new ErrorPolicy(new Backoff(cfg.retry()), clock), this.metrics,
                this::stoppingBeat, clock);
        this.room = new Semaphore(cfg.queueMaxPoints(), true); // fair: a big accept is not starved by small ones
        this.buffer = new BatchBuffer();
    }

    /** Memory and settlement bookkeeping, as the channel reports it. */
    private final class ChannelOwner implements BatchChannel.Owner {
        @Override
        public void released(int lines) {
            queued.addAndGet(-lines);
            room.release(lines);
            synchronized (settled) {
                settled.notifyAll(); // close() waits for memory to empty
            }
        }

        @Override
        public void dropped(long seq, long lines, String reason) {
            metrics.dropped(reason, lines);
            if (seq >= 0) {
                settle(seq);
            }
        }
    }

    /**
     * Starts the sender threads and the flush timer. With api v1 and {@code create-database}, first
     * creates the database; failing to do so is logged, not fatal (writes are retried anyway, and a
     * later 404 creates the database then).
     */
    public void start() {
        synchronized (lifecycle) {
            if (started || closed) {
                return;
            }
            started = true;
            if (api instanceof V1Api || api instanceof V2Api) {
                log.info("Writing to InfluxDB {} (batch {} points / {} ms, {} writers, gzip {})", api.describe(),
                        cfg.batchSize(), cfg.flushInterval().toMillis(), cfg.writers(), cfg.gzip());
            } else {
                log.info("Writing to {} {} (batch {} points / {} ms, {} writers)", target, api.describe(), cfg.batchSize(),
                        cfg.flushInterval().toMillis(), cfg.writers());
            }
            if (api instanceof V1Api v1 && cfg.createDatabase()) {
                createDatabase(v1);
            }
            for (int i = 0; i < cfg.writers(); i++) {
                Liveness.Heartbeat hb = new Liveness.Heartbeat(clock::millis);
                beats.add(hb);
                threads.add(Thread.ofPlatform().name("teleflux-" + component + "-writer-" + i).daemon().start(() -> sendLoop(hb)));
            }
            Liveness.Heartbeat flushBeat = new Liveness.Heartbeat(clock::millis);
            beats.add(flushBeat);
            threads.add(Thread.ofPlatform().name("teleflux-" + component + "-flush").daemon().start(() -> flushLoop(flushBeat)));
        }
    }

    private void createDatabase(V1Api v1) {
        WriteResult r;
        try {
            r = v1.createDatabase();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (V1Api.created(r)) {
            log.info("InfluxDB database \"{}\" is ready", cfg.database());
        } else if (r.status() == 401 || r.status() == 403) {
            log.error("InfluxDB at {} refused CREATE DATABASE \"{}\" with HTTP {} ({}): check teleflux.influx.username "
                            + "and password (creating a database needs an admin user; set create-database = false "
                            + "if it exists already). Writes will be attempted anyway.",
                    cfg.url(), cfg.database(), r.status(), r.detail());
        } else {
            log.warn("Could not create InfluxDB database \"{}\" at {} ({} {}); will retry when a write reports it missing",
                    cfg.database(), cfg.url(), r.statusLabel(), r.detail());
        }
    }

    /**
     * Accepts points for writing. Blocks while {@code queue-max-points} points are waiting, until
     * enough of them are written or dropped. Points without fields cannot be written and are
     * counted as dropped ({@code no_fields}).
     */
    @Override
    public void accept(List<Point> points) throws InterruptedException {
        int n = points.size();
        int chunk = Math.min(cfg.batchSize(), cfg.queueMaxPoints());
        EncodedLines enc = encoded.get();
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            room.acquire(to - from);
            boolean open = !closed; // checked again under the lock; this only spares encoding after close
            if (open) {
                enc.encode(points, from, to); // outside the lock: callers encode in parallel
            }
            int unused = 0;
            boolean dropped;
            synchronized (bufferLock) {
                dropped = closed || !open;
                if (dropped) {
                    unused = to - from;
                    metrics.dropped("shutdown", unused);
                    rateLimited.warn("closed", "{} points arrived after the {} writer was closed; dropped "
                            + "(reason shutdown)", unused, target);
                } else {
                    appendLocked(enc);
                    unused = enc.skipped();
                }
            }
            if (!dropped && enc.skipped() > 0) {
                metrics.dropped("no_fields", enc.skipped());
                rateLimited.warn("no_fields", "Point of measurement \"{}\" has no fields and cannot be written; dropped "
                        + "(reason no_fields)", enc.skippedMeasurement());
            }
            if (unused > 0) {
                room.release(unused);
            }
        }
    }

    /** Copies the encoded lines into the batch under {@link #bufferLock}, cutting at exactly {@code batch-size} lines. */
    private void appendLocked(EncodedLines enc) {
        int count = enc.count();
        int i = 0;
        int off = 0;
        while (i < count) {
            int take = Math.min(cfg.batchSize() - buffer.lines(), count - i);
            int end = enc.end(i + take - 1);
            if (buffer.lines() == 0) {
                bufferStartMs = clock.millis();
            }
            buffer.append(enc.bytes(), off, end - off, take);
            queued.addAndGet(take);
            i += take;
            off = end;
            if (buffer.lines() >= cfg.batchSize()) {
                cutLocked();
            }
        }
    }

    private void cutLocked() {
        if (buffer.lines() == 0) {
            return;
        }
        int lines = buffer.lines();
        Batch b = new Batch(nextSeq++, buffer.take(), lines);
        channel.put(b);
    }

    /**
     * Stops accepting points and drains what waits in memory, waiting at most {@code timeout + flush-interval}
     * (the time one more request may take); see {@link #close(Duration)}.
     */
    @Override
    public void close() {
        close(cfg.timeout().plus(cfg.flushInterval()), cfg.timeout().plus(Duration.ofSeconds(2)));
    }

    /**
     * Stops accepting points and closes within about {@code timeout}: it drains what waits in
     * memory for at most half of it (and no longer than one more request may take), waits for the
     * senders for what remains but a second, and keeps that second for putting what is still in
     * memory into the spool. See {@link #close(Duration, Duration)}.
     */
    @Override
    public void close(Duration timeout) {
        long left = timeout.toNanos();
        long drain = Math.min(cfg.timeout().plus(cfg.flushInterval()).toNanos(), left / 2);
        long join = Math.min(cfg.timeout().plusSeconds(2).toNanos(), Math.max(100_000_000L, left - drain - 1_000_000_000L));
        close(Duration.ofNanos(drain), Duration.ofNanos(join));
    }

    @Override
    public String name() {
        return component;
    }

    /**
     * Stops accepting points, tries to write what waits in memory for at most {@code drain}, then
     * stops the threads. With the spool, whatever is not written by then is spooled, to be replayed
     * on the next start; what cannot be kept (no spool, or a full one with on-full = block) is
     * counted as dropped (reason {@code shutdown}) and logged. Waits at most {@code join} for the sender threads to stop
     * after the drain (a v2 request in flight does not notice the interrupt; by default its timeout
     * bounds the wait). A sender still busy then keeps its batch, which is counted when it ends;
     * everything else is spooled (or counted) before this returns.
     */
    public void close(Duration drain, Duration join) {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (bufferLock) {
            cutLocked(); // accept() checks closed under this lock, so nothing lands in the buffer after this
        }
        boolean interrupted = false;
        if (started) {
            long deadline = System.nanoTime() + drain.toNanos();
            synchronized (settled) {
                long left;
                while (queued.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(settled, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        break;
                    }
                }
            }
        }
        stopping = true;
        for (Thread t : threads) {
            t.interrupt(); // wakes backoff sleeps and in-flight v1 requests
        }
        // a v2 request in flight does not notice the interrupt; its timeout bounds the wait
        long joinDeadline = System.nanoTime() + join.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (t.isAlive()) {
                log.warn("{} writer thread {} did not stop; its batch is counted when it does", target, t.getName());
            }
        }
        lostAtShutdown(channel.close());
        synchronized (settled) {
            settled.notifyAll();
        }
        api.close();
        long lost = shutdownDropped.get();
        if (lost > 0) {
            log.warn("{} writer closed: {} points could not be written to {} {} within {} ms{} and were "
                    + "dropped (reason shutdown)", target, lost, target, api.describe(), drain.toMillis(),
                    cfg.spool().enabled() ? " nor kept in the spool" : "");
        } else if (cfg.spool().enabled() && metrics.spoolPoints() > 0) {
            log.info("{} writer closed; {} points not yet written are kept in the spool {} for the next start",
                    target, (long) metrics.spoolPoints(), cfg.spool().dir().toAbsolutePath());
        } else {
            log.info("{} writer closed; everything accepted was written or counted", target);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asked by {@link Delivery} before every request and while backing off: the sender's heartbeat. */
    private boolean stoppingBeat() {
        Liveness.Heartbeat hb = currentBeat.get();
        if (hb != null) {
            hb.beat();
        }
        return stopping;
    }

    /**
     * For /health: null while the writer works, else why not: a sender or the flush thread died
     * (an Error escaped it), or went silent for longer than one turn of its loop can take plus
     * {@code stallMs}. A sender's turn is one request (at most {@code timeout}) or one second of a
     * backoff; the flush thread's is a tick. Retrying through an InfluxDB outage is working.
     */
    public String problem(long nowMs, long stallMs) {
        if (!started || closed) {
            return null;
        }
        List<Thread> ts;
        synchronized (lifecycle) {
            ts = List.copyOf(threads);
        }
        for (int i = 0; i < ts.size(); i++) {
            Thread t = ts.get(i);
            if (!t.isAlive()) {
                return "thread " + t.getName() + " died";
            }
            boolean flushThread = i == ts.size() - 1;
            long limit = stallMs + (flushThread ? 0 : cfg.timeout().toMillis() + 1_000);
            long silent = beats.get(i).silentMs(nowMs);
            if (silent > limit) {
                return "thread " + t.getName() + " stuck: no progress for " + silent / 1000 + " s";
            }
        }
        return null;
    }

    /**
     * True while some caller is blocked in {@link #accept} because {@code queue-max-points} points
     * wait in memory: back-pressure, because InfluxDB cannot take points now and the spool is
     * disabled or full (on-full = block). Upstream stages that stop moving then are waiting, not stuck.
     */
    public boolean holdingBack() {
        return room.hasQueuedThreads();
    }

    private void sendLoop(Liveness.Heartbeat hb) {
        currentBeat.set(hb);
        while (!stopping) { // once stopping, what nobody took stays where it is: close() keeps it
            hb.beat();
            Batch b;
            try {
                b = channel.poll(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                b = null;
            }
            if (b == null) {
                continue;
            }
            Batch polled = b;
            Delivery.Outcome o = delivery.deliver(b, unwritten -> channel.handOver(polled, unwritten));
            switch (o.kind()) {
                case SETTLED -> {
                    channel.done(b);
                    settle(b.seq());
                }
                case HANDED_OVER -> {
                    // in the spool now; settled when it is replayed and written
                }
                case ABANDONED -> lostAtShutdown(channel.abandon(b, o.unwritten()));
            }
        }
    }

    private void lostAtShutdown(int lines) {
        if (lines > 0) {
            metrics.dropped("shutdown", lines);
            shutdownDropped.addAndGet(lines);
        }
    }

    private void settle(long seq) {
        synchronized (settled) {
            settled.notifyAll();
        }
    }

    private void flushLoop(Liveness.Heartbeat hb) {
        long intervalMs = cfg.flushInterval().toMillis();
        long tickMs = Math.max(5, Math.min(250, cfg.flushInterval().toMillis() / 4));
        while (!stopping) {
            hb.beat();
            try {
                Thread.sleep(tickMs);
            } catch (InterruptedException e) {
                continue; // close() interrupts after setting stopping
            }
            synchronized (bufferLock) {
                if (buffer.lines() > 0 && clock.millis() - bufferStartMs >= intervalMs) {
                    cutLocked();
                }
            }
            channel.tick();
        }
    }
}
