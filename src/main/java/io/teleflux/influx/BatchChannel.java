package io.teleflux.influx;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hand-off from the batcher to the senders. It is the seam where the disk spool goes: a spool
 * implementation persists {@link #put} batches, replays them in order from {@link #poll}, and
 * deletes a batch only on {@link #done}, so that what was not written survives a restart.
 */
interface BatchChannel {

    /** Called by the batcher, in cut order. */
    void put(Batch batch);

    /** The next batch to send, or null after {@code timeout}. */
    Batch poll(long timeout, TimeUnit unit) throws InterruptedException;

    /** The batch was settled: written, or dropped and counted. */
    void done(Batch batch);

    /** Removes and returns what no sender has taken (at shutdown). */
    List<Batch> drain();
}
