package io.teleflux.dialout;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of chunked-sample fragments held for all dial-out streams together
 * ({@code teleflux.dialout.limits.chunk-buffer}), and the timer's list of reassemblers: an
 * incomplete sample is dropped {@code chunk-timeout} after it started even when its stream never
 * sends again, so idle streams cannot pin fragments for as long as they stay open.
 */
public final class ChunkBudget {
    /** A per-stream reassembler; {@link #expire} may be called from the timer thread. */
    public interface Holder {
        void expire(long nowMs);
    }

    private final long max;
    private final AtomicLong used = new AtomicLong();
    private final Set<Holder> holders = ConcurrentHashMap.newKeySet();

    public ChunkBudget(long maxBytes) {
        this.max = maxBytes;
    }

    /** An unlimited budget, for reassemblers tested on their own. */
    public static ChunkBudget unlimited() {
        return new ChunkBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} from the budget if they fit; a negative amount gives bytes back. */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            used.addAndGet(bytes);
            return true;
        }
        long u;
        do {
            u = used.get();
            if (u + bytes > max) {
                return false;
            }
        } while (!used.compareAndSet(u, u + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public void register(Holder h) {
        holders.add(h);
    }

    public void unregister(Holder h) {
        holders.remove(h);
    }

    /** Expires incomplete samples in every registered reassembler (the dial-out timer, once a second). */
    public void sweep(long nowMs) {
        for (Holder h : holders) {
            h.expire(nowMs);
        }
    }
}
