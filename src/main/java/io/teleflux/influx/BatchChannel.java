package io.teleflux.influx;

import java.util.concurrent.TimeUnit;

/**
 * The hand-off from the batcher to the senders, and the owner of what waits: in memory only
 * ({@link MemoryBatchChannel}) or in memory and in the durable spool ({@link SpoolBatchChannel}).
 *
 * <p>A batch that is {@link #put} holds its points of the writer's memory bound until the channel
 * reports it {@link Owner#released released}: when it is written or dropped, or once it is safely
 * in the spool.
 */
interface BatchChannel {

    /** What the channel tells the writer. Called with the channel's lock held: never call back into it. */
    interface Owner {
        /** {@code lines} points of a put batch no longer wait in memory. */
        void released(int lines);

        /** A spooled batch will never be written (evicted to make room, or unreadable). */
        void dropped(long seq, long lines, String reason);
    }

    /** Called by the batcher, in cut order. */
    void put(Batch batch);

    /** The next batch to send, or null after {@code timeout}. */
    Batch poll(long timeout, TimeUnit unit) throws InterruptedException;

    /** The polled batch was settled: written, or dropped and counted. */
    void done(Batch batch);

    /**
     * A retriable failure of the polled {@code batch}, of which {@code unwritten} is still unwritten.
     * Returns true when the channel took it over durably (the sender lets go of it and it will be
     * polled again later); false when the sender must keep retrying it.
     */
    boolean handOver(Batch batch, Batch unwritten);

    /**
     * Shutdown: the sender gives up the polled {@code batch}, of which {@code unwritten} is still
     * unwritten. Returns the number of points that are lost (the caller counts them).
     */
    int abandon(Batch batch, Batch unwritten);

    /** Periodic housekeeping from the writer's timer thread (e.g. a timed fsync). */
    void tick();

    /** The highest sequence number the channel holds from an earlier run (0 if none): the batcher continues above it. */
    long maxSeq();

    /**
     * Shutdown, after the senders stopped: keeps what is still waiting in memory where it can, and
     * returns the number of points that are lost (the caller counts them).
     */
    int close();
}
