package io.teleflux.live;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event stream: what it asked for, a bounded queue of rendered events, and a virtual thread
 * that writes them. Producers (the pipeline's threads, the ticker) only ever {@link #offer}: they
 * never wait on a browser. When the queue is full the stream is dropped, and interrupting its
 * writer closes the socket even when the writer is stuck in a write to a peer that stopped reading.
 */
final class Client {
    /** Queued in place of the snapshot, which the writer renders when it gets there (see {@link LiveHub#open}). */
    static final Object SNAPSHOT = new Object();

    /** Watched device, or null. */
    final String device;
    /** Fleet table size, 0 for none. */
    final int top;
    final Rank rank;
    private final ArrayBlockingQueue<Object> queue;
    private final OutputStream out;
    private final Runnable onEnd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread writer;

    enum Rank {
        UTIL, BPS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    Client(String device, int top, Rank rank, int buffer, OutputStream out, Runnable onEnd) {
        this.device = device;
        this.top = top;
        this.rank = rank;
        this.queue = new ArrayBlockingQueue<>(buffer);
        this.out = out;
        this.onEnd = onEnd;
    }

    /** Queues an event; false when the queue is full (the caller drops the stream). */
    boolean offer(Object event) {
        return !closed.get() && queue.offer(event);
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Marks it closed; true for the first caller only. */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    /** Wakes the writer, which ends; an interrupt aborts a blocked socket write by closing the channel. */
    void stop() {
        Thread w = writer;
        if (w != null) {
            w.interrupt();
        }
    }

    /** Writes until stopped or the peer goes away. */
    void start(LiveHub hub) {
        writer = Thread.ofVirtual().name("live-client").start(() -> run(hub));
        if (closed.get()) {
            writer.interrupt(); // dropped before the writer existed
        }
    }

    private void run(LiveHub hub) {
        try {
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closed.get()) {
                Object ev = queue.take();
                byte[] b = ev == SNAPSHOT ? hub.snapshotEvent(device) : ((String) ev).getBytes(StandardCharsets.UTF_8);
                out.write(b);
                hub.sent();
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException | IOException e) {
            // dropped, shut down, or the browser went away: all end the same way
        } finally {
            hub.ended(this);
            // interrupted first, so that closing cannot block on a peer that stopped reading
            Thread.currentThread().interrupt();
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                // the socket is gone either way
            }
            onEnd.run();
        }
    }

    int queued() {
        return queue.size();
    }
}
