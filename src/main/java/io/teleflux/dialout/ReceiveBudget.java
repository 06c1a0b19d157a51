package io.teleflux.dialout;

import io.grpc.Context;

import java.util.HashSet;
import java.util.Set;

/**
 * The bytes of dial-out messages still arriving ({@code teleflux.dialout.limits.receive-buffer}).
 * gRPC buffers a message whole until its last byte is in, and returns flow-control credit as it
 * goes, so without this every open stream could hold up to {@code max-message-size}: streams times
 * 64 MiB. When the total would pass the budget, the stream holding the most bytes of an unfinished
 * message is ended (RESOURCE_EXHAUSTED), not the one that happened to send last: a peer that opens
 * many streams and never finishes its messages loses them, while devices sending ordinary samples
 * carry on.
 *
 * <p>Fed by the server's stream tracer (incrementally, as gRPC reads a message body); the handler
 * gives each slot the action that ends its call.
 */
final class ReceiveBudget {
    /** The stream's slot, in the call's context: how the handler finds what the tracer counts. */
    static final Context.Key<Slot> SLOT = Context.key("teleflux.receive-slot");

    /** One stream's message in progress. */
    final class Slot {
        private long current;
        private boolean aborted;
        private boolean released;
        private Runnable abort;

        /** The action that ends this stream's call; runs at once if the budget already chose it. */
        void onAbort(Runnable action) {
            boolean now;
            synchronized (ReceiveBudget.this) {
                abort = action;
                now = aborted;
            }
            if (now) {
                action.run();
            }
        }
    }

    private final long max;
    private final Set<Slot> slots = new HashSet<>();
    private long used;
    /** Bytes held by slots already chosen to end: they are on their way out and do not count again. */
    private long aborting;

    ReceiveBudget(long maxBytes) {
        this.max = maxBytes;
    }

    synchronized Slot open() {
        Slot s = new Slot();
        slots.add(s);
        return s;
    }

    /** {@code bytes} more of {@code s}'s current message were read. */
    void add(Slot s, long bytes) {
        Runnable run = null;
        Slot victim;
        synchronized (this) {
            if (s.released) {
                return;
            }
            s.current += bytes;
            used += bytes;
            if (s.aborted) {
                aborting += bytes;
            }
            if (used - aborting <= max) {
                return;
            }
            victim = null;
            for (Slot o : slots) {
                if (!o.aborted && (victim == null || o.current > victim.current)) {
                    victim = o;
                }
            }
            if (victim == null) {
                return;
            }
            victim.aborted = true;
            aborting += victim.current;
            run = victim.abort;
        }
        if (run != null) {
            run.run(); // outside the lock: it closes the call under the stream's own lock
        }
    }

    /** {@code s}'s message is complete: its bytes now belong to the decode queue. */
    synchronized void messageDone(Slot s) {
        drop(s);
    }

    synchronized void closed(Slot s) {
        drop(s);
        s.released = true;
        slots.remove(s);
    }

    private void drop(Slot s) {
        used -= s.current;
        if (s.aborted) {
            aborting -= s.current;
        }
        s.current = 0;
    }

    synchronized long used() {
        return used;
    }
}
