package io.teleflux.influx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory {@link BatchChannel} ({@code spool.enabled = false}). It is unbounded on purpose:
 * the writer bounds the points it accepts ({@code queue-max-points}), which bounds what can be in
 * here. Failed batches are retried by their sender; what is left at shutdown is lost.
 */
final class MemoryBatchChannel implements BatchChannel {
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final Owner owner;

    MemoryBatchChannel(Owner owner) {
        this.owner = owner;
    }

    @Override
    public void put(Batch batch) {
        queue.add(batch);
    }

    @Override
    public Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    @Override
    public void done(Batch batch) {
        owner.released(batch.lines());
    }

    @Override
    public boolean handOver(Batch batch, Batch unwritten) {
        return false;
    }

    @Override
    public int abandon(Batch batch, Batch unwritten) {
        owner.released(batch.lines());
        return unwritten.lines();
    }

    @Override
    public void tick() {
        // nothing timed
    }

    @Override
    public long maxSeq() {
        return 0;
    }

    @Override
    public int close() {
        List<Batch> left = new ArrayList<>();
        queue.drainTo(left);
        int lost = 0;
        for (Batch b : left) {
            owner.released(b.lines());
            lost += b.lines();
        }
        return lost;
    }
}
