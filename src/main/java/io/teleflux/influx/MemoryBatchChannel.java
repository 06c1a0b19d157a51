package io.teleflux.influx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory {@link BatchChannel}. It is unbounded on purpose: the writer bounds the points it
 * accepts ({@code queue-max-points}), which bounds what can be in here.
 */
final class MemoryBatchChannel implements BatchChannel {
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();

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
        // nothing to release: the batch was only ever in memory
    }

    @Override
    public List<Batch> drain() {
        List<Batch> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }
}
