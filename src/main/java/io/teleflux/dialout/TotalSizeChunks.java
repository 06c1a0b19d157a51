package io.teleflux.dialout;

import com.google.protobuf.ByteString;
import io.teleflux.selfmon.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Chunking by {@code totalSize}, as Cisco NX-OS and H3C Comware v3 do it: a message larger than the
 * device's chunk size arrives as several envelopes on one stream ({@code MdtDialoutArgs},
 * {@code DialoutV3Args}), each with {@code totalSize} set to the size of the whole message; their
 * {@code data} are appended in order until they reach it. A message with {@code totalSize = 0} is
 * whole. One implementation for every vendor that chunks this way.
 *
 * <p>Bounded: a {@code totalSize} above {@code max-message-size} (or negative) is refused at its
 * first fragment, a stream holds at most that size (plus a small cost per fragment, so that empty
 * fragments cannot pile up), and every fragment held draws on the {@link ChunkBudget} shared by all streams,
 * whose timer drops a message not complete within {@code chunk-timeout}. Nothing is allocated
 * for a message's announced size, only for what arrives. When a message is refused, the rest of its
 * fragments are discarded as they arrive, so the loss is counted once.
 *
 * <p>Counts {@code teleflux_decode_errors_total{reason=chunk_too_large|chunk_overflow|chunk_restart|
 * chunk_size_mismatch|chunk_timeout|chunk_incomplete}}. One instance per stream; synchronized
 * because the budget's timer calls {@link #expire} beside the stream's worker.
 */
public final class TotalSizeChunks implements ChunkBudget.Holder {
    /** What a held fragment costs beyond its bytes, so that empty fragments cannot pile up for free. */
    public static final int FRAGMENT_OVERHEAD = 64;
    static final int MAX_OVERHEAD_FRAGMENTS = 1024;
    private static final String ERRORS = DialoutMetrics.DECODE_ERRORS_TOTAL;

    private final int maxMessageSize;
    /** What one stream may hold: a message of the largest size in up to {@link #MAX_OVERHEAD_FRAGMENTS} fragments. */
    private final long maxHeld;
    private final long timeoutMs;
    private final ChunkBudget budget;
    private final Metrics.Counter tooLarge;
    private final Metrics.Counter overflow;
    private final Metrics.Counter restart;
    private final Metrics.Counter sizeMismatch;
    private final Metrics.Counter timeout;
    private final Metrics.Counter incomplete;

    private final List<ByteString> parts = new ArrayList<>();
    /** totalSize of the message in progress; 0 = none. */
    private long total;
    /** Bytes of it seen so far, held or discarded. */
    private long seen;
    /** Taken from the budget for the parts held. */
    private long reserved;
    private long startedMs;
    /** The message was refused: its remaining fragments are dropped as they come. */
    private boolean discarding;
    private boolean closed;

    public TotalSizeChunks(Metrics metrics, int maxMessageSize, long timeoutMs, ChunkBudget budget) {
        if (maxMessageSize <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("maxMessageSize and timeoutMs must be positive");
        }
        this.maxMessageSize = maxMessageSize;
        this.maxHeld = maxMessageSize + (long) FRAGMENT_OVERHEAD * MAX_OVERHEAD_FRAGMENTS;
        this.timeoutMs = timeoutMs;
        this.budget = budget;
        metrics.describe(ERRORS, Metrics.Type.COUNTER, "Dial-out messages or samples that could not be decoded, by reason");
        tooLarge = metrics.counter(ERRORS, "reason", "chunk_too_large");
        overflow = metrics.counter(ERRORS, "reason", "chunk_overflow");
        restart = metrics.counter(ERRORS, "reason", "chunk_restart");
        sizeMismatch = metrics.counter(ERRORS, "reason", "chunk_size_mismatch");
        timeout = metrics.counter(ERRORS, "reason", "chunk_timeout");
        incomplete = metrics.counter(ERRORS, "reason", "chunk_incomplete");
        budget.register(this);
    }

    /**
     * Adds one message or fragment: a whole one ({@code totalSize == 0}) comes straight back (and a
     * chunked one still in progress is lost, counted as a restart); a fragment returns the whole
     * message when it completes it, else null.
     */
    public synchronized ByteString offer(long totalSize, ByteString fragment, long nowMs) {
        if (totalSize == 0) {
            interrupt();
            return fragment;
        }
        return offerFragment(totalSize, fragment, nowMs);
    }

    private ByteString offerFragment(long totalSize, ByteString fragment, long nowMs) {
        expire(nowMs);
        if (closed) {
            incomplete.inc();
            return null;
        }
        if (total != 0 && totalSize != total) {
            // a fragment of another message before this one was complete
            if (!discarding) {
                restart.inc();
            }
            reset();
        }
        if (total == 0) {
            if (totalSize < 0 || totalSize > maxMessageSize) {
                tooLarge.inc();
                if (totalSize < 0 || fragment.size() >= totalSize) {
                    return null;
                }
                total = totalSize;
                startedMs = nowMs;
                discarding = true;
            } else {
                total = totalSize;
                startedMs = nowMs;
            }
        }
        long next = seen + fragment.size();
        if (discarding) {
            seen = next;
            if (seen >= total) {
                reset();
            }
            return null;
        }
        if (next > total) {
            sizeMismatch.inc(); // more bytes than announced: the message cannot be trusted
            reset();
            return null;
        }
        long cost = fragment.size() + FRAGMENT_OVERHEAD;
        if (reserved + cost > maxHeld || !budget.tryReserve(cost)) {
            overflow.inc();
            release();
            seen = next;
            discarding = true;
            if (seen >= total) {
                reset();
            }
            return null;
        }
        reserved += cost;
        parts.add(fragment);
        seen = next;
        if (seen < total) {
            return null;
        }
        ByteString whole = ByteString.copyFrom(parts); // a rope over the fragments: no copy
        reset();
        return whole;
    }

    /** A whole message arrived: a chunked one still in progress will never be completed. */
    public synchronized void interrupt() {
        if (total != 0) {
            if (!discarding) {
                restart.inc();
            }
            reset();
        }
    }

    @Override
    public synchronized void expire(long nowMs) {
        if (total != 0 && nowMs - startedMs > timeoutMs) {
            if (!discarding) {
                timeout.inc();
            }
            reset();
        }
    }

    /** The stream ended: a message still in fragments is lost (counted). */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        budget.unregister(this);
        if (total != 0 && !discarding) {
            incomplete.inc();
        }
        reset();
    }

    /** Bytes of fragments held, with their overhead. */
    public synchronized long heldBytes() {
        return reserved;
    }

    public synchronized boolean pending() {
        return total != 0;
    }

    private void release() {
        budget.release(reserved);
        reserved = 0;
        parts.clear();
    }

    private void reset() {
        release();
        total = 0;
        seen = 0;
        discarding = false;
    }
}
