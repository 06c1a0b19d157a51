package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.selfmon.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts chunked v3 messages back together. A {@code DialoutV3Args} with {@code totalSize > 0} carries
 * one piece of a serialized {@code Telemetry} of {@code totalSize} bytes; the pieces of one message
 * follow each other on the stream, so they are appended in arrival order until {@code totalSize}
 * bytes are in (the rule of Cisco NX-OS, whose dial-out has the same field). {@code totalSize <= 0}
 * is a whole message.
 *
 * <p>Pieces are kept as the {@link ByteString}s gRPC delivered and joined as a rope, without a copy.
 * Memory is bounded three ways: a message announcing more than {@code max-message-size} is refused
 * before anything is held (a whole message could not be larger either), the pieces draw on the
 * {@link ChunkBudget} shared by every stream ({@code limits.chunk-buffer}), and the budget's timer
 * calls {@link #expire} so that a message left incomplete never outlives {@code chunk-timeout}. A
 * refused message's remaining pieces are counted off and dropped, so its loss is counted once.
 *
 * <p>Counts {@code teleflux_decode_errors_total{reason=chunk_timeout|chunk_overflow|chunk_restart|
 * chunk_incomplete}} (the labels of classic dial-out's reassembly) and
 * {@code teleflux_decode_warnings_total{reason=chunk_size_mismatch}} when the pieces pass the total.
 *
 * <p>One instance per stream; synchronized because the timer runs beside the stream's worker.
 */
final class SizeChunks implements ChunkBudget.Holder {
    /** What one held piece costs beyond its bytes, so that empty pieces cannot pile up for free. */
    static final int PIECE_OVERHEAD = 64;

    private final long maxBytes;
    private final long timeoutMs;
    private final ChunkBudget budget;
    private final List<ByteString> pieces = new ArrayList<>();
    /** The totalSize of the message in progress; 0 when none is. */
    private long total;
    /** Bytes of it received so far (counted on while discarding). */
    private long received;
    /** Reserved from the budget for the pieces held. */
    private long cost;
    private long startedMs;
    /** The message was refused: its pieces are counted off until {@code total} bytes have passed. */
    private boolean discarding;
    private boolean closed;

    private final Metrics.Counter timeouts;
    private final Metrics.Counter overflows;
    private final Metrics.Counter restarts;
    private final Metrics.Counter incomplete;
    private final Metrics.Counter sizeMismatches;

    /**
     * @param maxBytes  the largest message accepted ({@code max-message-size})
     * @param timeoutMs an incomplete message older than this is dropped ({@code chunk-timeout})
     */
    SizeChunks(Metrics metrics, long maxBytes, long timeoutMs, ChunkBudget budget) {
        if (maxBytes <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("maxBytes and timeoutMs must be positive");
        }
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
        this.budget = budget;
        String errors = DialoutMetrics.DECODE_ERRORS_TOTAL;
        timeouts = metrics.counter(errors, "reason", "chunk_timeout");
        overflows = metrics.counter(errors, "reason", "chunk_overflow");
        restarts = metrics.counter(errors, "reason", "chunk_restart");
        incomplete = metrics.counter(errors, "reason", "chunk_incomplete");
        sizeMismatches = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "chunk_size_mismatch");
        budget.register(this);
    }

    /**
     * Adds one message or piece; returns the whole serialized Telemetry when this completes one (at
     * once when {@code totalSize <= 0}), else null. Also drops a message in progress that timed out.
     */
    synchronized ByteString offer(int totalSize, ByteString data, long nowMs) {
        expire(nowMs);
        if (totalSize <= 0) {
            if (total != 0) {
                drop(restarts); // a whole message where the rest of a chunked one was due: that one is lost
            }
            return data;
        }
        if (closed) {
            incomplete.inc(); // the stream has ended: nothing may be held for it any more
            return null;
        }
        if (total != 0 && totalSize != total) {
            drop(restarts); // another message started before this one was complete
        }
        if (total == 0) {
            total = totalSize;
            received = 0;
            startedMs = nowMs;
            if (totalSize > maxBytes) {
                overflows.inc(); // refused before anything is held: max-message-size bounds a whole message too
                discarding = true;
            }
        }
        received += data.size();
        if (discarding) {
            if (received >= total) {
                reset();
            }
            return null;
        }
        long delta = data.size() + (long) PIECE_OVERHEAD;
        if (!budget.tryReserve(delta)) {
            overflows.inc();
            release();
            discarding = true;
            if (received >= total) {
                reset();
            }
            return null;
        }
        pieces.add(data);
        cost += delta;
        if (received < total) {
            return null;
        }
        if (received > total) {
            sizeMismatches.inc(); // decoded anyway, as Telegraf does: the parser tells whether it is a message
        }
        ByteString whole = ByteString.copyFrom(pieces); // a rope of the pieces, not a copy
        release();
        reset();
        return whole;
    }

    /** Drops the message in progress if it started more than the timeout before {@code nowMs}. */
    @Override
    public synchronized void expire(long nowMs) {
        if (total != 0 && nowMs - startedMs > timeoutMs) {
            drop(timeouts);
        }
    }

    /** The stream ended: a message still in pieces is lost. */
    synchronized void close() {
        closed = true;
        budget.unregister(this);
        if (total != 0) {
            drop(incomplete);
        }
    }

    /** Bytes held for the message in progress, including the per-piece overhead. */
    synchronized long bufferedBytes() {
        return cost;
    }

    /** Whether a message is in progress (held, or being counted off). */
    synchronized boolean pending() {
        return total != 0;
    }

    /** Drops the message in progress, counting it under {@code reason} unless its loss was counted already. */
    private void drop(Metrics.Counter reason) {
        if (!discarding) {
            reason.inc();
        }
        release();
        reset();
    }

    private void release() {
        budget.release(cost);
        cost = 0;
        pieces.clear();
    }

    private void reset() {
        total = 0;
        received = 0;
        discarding = false;
    }
}
