package io.teleflux.influx;

import io.teleflux.influx.spool.SegmentLog;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link BatchChannel} with the durable spool behind it. Two lanes feed the senders:
 *
 * <ul>
 *   <li><b>live</b>: batches in memory, at most {@code writers} of them waiting while InfluxDB keeps
 *       up. When more wait (InfluxDB is slower than the input), the oldest go to the spool.</li>
 *   <li><b>backlog</b>: the spool, replayed in order. While InfluxDB fails, every new batch goes
 *       there directly, and so does a live batch after its first failed attempt; the senders then
 *       retry from the spool (with backoff). The first answer from InfluxDB reopens the live lane.</li>
 * </ul>
 *
 * When both lanes have work, the senders take from the backlog a {@code replay-share} of the points
 * (by default they alternate), so that a long replay never holds back live data. A batch's memory
 * is released once it is safely in the spool; a spooled batch is deleted from the disk only when
 * it is written (or dropped by the error policy).
 */
final class SpoolBatchChannel implements BatchChannel, SegmentLog.Listener {
    private static final Logger log = LoggerFactory.getLogger(SpoolBatchChannel.class);

    private final SegmentLog spool;
    private final Owner owner;
    private final WriterMetrics metrics;
    private final int liveMax;
    private final double share;
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, 60_000);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Batch> live = new ArrayDeque<>();
    private final Set<Batch> liveOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Batch, SegmentLog.Entry> diskOut = new IdentityHashMap<>();
    private boolean healthy = true;
    /** Points taken from each lane since both last had work: what {@code replay-share} balances. */
    private long livePoints;
    private long diskPoints;

    private SpoolBatchChannel(InfluxConfig cfg, Owner owner, WriterMetrics metrics, Clock clock) throws IOException {
        this.owner = owner;
        this.metrics = metrics;
        this.liveMax = cfg.writers();
        this.share = cfg.spool().replayShare();
        this.spool = SegmentLog.open(cfg.spool(), clock, this);
    }

    /** Opens the spool directory; the exception names the config key. */
    static SpoolBatchChannel open(InfluxConfig cfg, Owner owner, WriterMetrics metrics, Clock clock) throws IOException {
        SpoolBatchChannel c;
        try {
            c = new SpoolBatchChannel(cfg, owner, metrics, clock);
        } catch (IOException e) {
            throw new IOException(metrics.names().section() + ".spool.dir: cannot use '" + cfg.spool().dir() + "' ("
                    + cfg.spool().dir().toAbsolutePath() + ") as the spool: "
                    + (e.getClass() == IOException.class ? e.getMessage() : e.toString()), e);
        }
        metrics.spool(c.spool, clock);
        return c;
    }

    @Override
    public void put(Batch batch) {
        lock.lock();
        try {
            if (!healthy) {
                spillWaiting();
                if (live.isEmpty() && spill(batch)) {
                    available.signal();
                    return;
                }
                live.addLast(batch);
            } else {
                live.addLast(batch);
                while (live.size() > liveMax && spill(live.peekFirst())) {
                    live.pollFirst();
                }
            }
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (true) {
                boolean hasLive = !live.isEmpty();
                boolean hasDisk = spool.hasUnread();
                Batch b = null;
                if (hasLive && hasDisk) {
                    // live first; then the backlog whenever it has had less than its share of the points
                    boolean backlogsTurn = share >= 1.0 || diskPoints * (1 - share) < livePoints * share;
                    b = backlogsTurn ? takeDisk() : null;
                    if (b == null) {
                        b = takeLive();
                    }
                } else if (hasLive || hasDisk) {
                    livePoints = 0;
                    diskPoints = 0;
                    b = hasLive ? takeLive() : takeDisk();
                }
                if (b != null) {
                    return b;
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = available.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    private Batch takeLive() {
        Batch b = live.pollFirst();
        liveOut.add(b);
        livePoints += b.lines();
        return b;
    }

    private Batch takeDisk() {
        while (true) {
            SegmentLog.Entry e;
            try {
                e = spool.next();
            } catch (IOException ex) {
                spoolError("read", ex);
                return null;
            }
            if (e == null) {
                return null;
            }
            Batch b;
            try {
                b = new Batch(e.seq(), e.payload(), e.points());
            } catch (IllegalArgumentException ex) {
                // intact by its CRC, yet not line protocol: nothing to retry; settle it as dropped
                dropped(e.seq(), e.points(), "spool_corrupt");
                ack(e);
                continue;
            }
            diskOut.put(b, e);
            diskPoints += b.lines();
            return b;
        }
    }

    @Override
    public void done(Batch batch) {
        lock.lock();
        try {
            healthy = true; // InfluxDB answered
            if (liveOut.remove(batch)) {
                owner.released(batch.lines());
            } else {
                SegmentLog.Entry e = diskOut.remove(batch);
                if (e != null) {
                    ack(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean handOver(Batch batch, Batch unwritten) {
        lock.lock();
        try {
            healthy = false;
            boolean taken = false;
            if (liveOut.contains(batch) && append(unwritten)) {
                liveOut.remove(batch);
                owner.released(batch.lines());
                taken = true;
            }
            spillWaiting(); // after the failed batch: the spool stays in cut order
            if (taken) {
                available.signal();
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int abandon(Batch batch, Batch unwritten) {
        lock.lock();
        try {
            if (liveOut.remove(batch)) {
                owner.released(batch.lines());
                return append(unwritten) ? 0 : unwritten.lines();
            }
            SegmentLog.Entry e = diskOut.remove(batch);
            if (e != null && spool.release(e)) {
                return 0; // still on disk: replayed whole on the next start (written parts again, harmlessly)
            }
            return append(unwritten) ? 0 : unwritten.lines();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void tick() {
        try {
            spool.sync();
        } catch (IOException e) {
            spoolError("fsync", e);
        }
    }

    @Override
    public long maxSeq() {
        return spool.maxSeq();
    }

    @Override
    public int close() {
        lock.lock();
        try {
            int lost = 0;
            for (Batch b : live) {
                owner.released(b.lines());
                if (!append(b)) {
                    lost += b.lines();
                }
            }
            live.clear();
            spool.close();
            return lost;
        } finally {
            lock.unlock();
        }
    }

    // ---- with the lock held ----

    private void spillWaiting() {
        while (!live.isEmpty() && spill(live.peekFirst())) {
            live.pollFirst();
        }
    }

    /** Moves a waiting live batch to the spool; false when it has to stay in memory. */
    private boolean spill(Batch b) {
        if (!append(b)) {
            return false;
        }
        owner.released(b.lines());
        return true;
    }

    private boolean append(Batch b) {
        try {
            if (spool.append(b.seq(), b.lines(), b.body())) {
                return true;
            }
            rateLimited.warn("full", "Spool {} cannot take a batch of {} bytes (full with on-full = block, or the batch "
                    + "is larger than max-bytes): batches wait in memory, and the inputs are slowed down once "
                    + "queue-max-points is reached", spool.dir().toAbsolutePath(), b.length());
        } catch (IOException e) {
            spoolError("write", e);
        }
        return false;
    }

    private void ack(SegmentLog.Entry e) {
        try {
            spool.ack(e);
        } catch (IOException ex) {
            spoolError("ack", ex); // at worst the record is replayed once more after a restart
        }
    }

    private void spoolError(String op, IOException e) {
        metrics.spoolError(op);
        rateLimited.warn("io-" + op, "Spool {}: {} failed: {}; batches that cannot be spooled wait in memory",
                spool.dir().toAbsolutePath(), op, e.toString());
    }

    // ---- SegmentLog.Listener: called from within the spool, with the lock held ----

    @Override
    public void evicted(long seq, int points) {
        dropped(seq, points, "spool_full");
    }

    @Override
    public void lost(long points) {
        dropped(-1, points, "spool_corrupt");
    }

    private void dropped(long seq, long points, String reason) {
        owner.dropped(seq, points, reason);
    }
}
