package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.selfmon.Metrics;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts chunked dial-out samples back together: a {@code DialoutMsg} with {@code chunkMsg
 * {totalSize, totalFragments, nodeId}} carries one fragment of a sensor path's {@code jsonData}; once
 * {@code totalFragments} distinct nodeIds have arrived, the fragments are concatenated in nodeId
 * order (sorted, since devices may count from 0 or from 1).
 *
 * <p>Fragments are raw bytes ({@code getJsonDataBytes()}), not Strings: a fragment boundary may fall
 * inside a multi-byte UTF-8 character, which a per-fragment String conversion would mangle.
 *
 * <p>Memory is bounded: at most {@code maxBytes} of fragments are buffered per instance, across all
 * sensor paths (each fragment also costs a small fixed overhead, so empty fragments cannot pile up).
 * A fragment that would exceed it drops its partial sample; the rest of that sample is then
 * discarded as it arrives, so the loss is counted once.
 *
 * <p>Counts {@code teleflux_decode_errors_total{reason=chunk_timeout|chunk_overflow|chunk_restart|
 * chunk_incomplete}} for dropped partial samples and {@code teleflux_decode_warnings_total{reason=
 * chunk_duplicate|chunk_size_mismatch}}.
 *
 * <p>Fragments also draw on a {@link ChunkBudget} shared by every stream, whose timer calls
 * {@link #expire} once a second: an incomplete sample never outlives its timeout, however idle its
 * stream. One instance per gRPC stream; synchronized because that timer runs beside the stream's
 * worker (uncontended otherwise).
 */
public final class ChunkAssembler implements ChunkBudget.Holder {
    static final int FRAGMENT_OVERHEAD = 64;
    private static final String ERRORS = DialoutMetrics.DECODE_ERRORS_TOTAL;
    private static final String WARNINGS = DialoutMetrics.DECODE_WARNINGS_TOTAL;

    private final long maxBytes;
    private final long timeoutMs;
    private final Map<String, Assembly> byPath = new HashMap<>();
    private final ChunkBudget budget;
    private long buffered;
    private boolean closed;

    private final Metrics.Counter timeouts;
    private final Metrics.Counter overflows;
    private final Metrics.Counter restarts;
    private final Metrics.Counter incomplete;
    private final Metrics.Counter duplicates;
    private final Metrics.Counter sizeMismatches;

    private static final class Assembly {
        final long totalSize;
        final long totalFragments;
        final long startedMs;
        final TreeMap<Long, byte[]> parts = new TreeMap<>();
        long cost;
        /** The sample overflowed: fragments are only counted until it would have been complete. */
        boolean discarding;
        long discarded;

        Assembly(long totalSize, long totalFragments, long startedMs) {
            this.totalSize = totalSize;
            this.totalFragments = totalFragments;
            this.startedMs = startedMs;
        }
    }

    /**
     * @param maxBytes  bytes of fragments buffered at most (use the maximum gRPC message size)
     * @param timeoutMs an incomplete sample older than this is dropped by {@link #expire}
     */
    public ChunkAssembler(Metrics metrics, long maxBytes, long timeoutMs) {
        this(metrics, maxBytes, timeoutMs, ChunkBudget.unlimited());
    }

    /** As above, drawing on (and expired by the timer of) {@code budget}; {@link #close} leaves it. */
    public ChunkAssembler(Metrics metrics, long maxBytes, long timeoutMs, ChunkBudget budget) {
        if (maxBytes <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("maxBytes and timeoutMs must be positive");
        }
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
        this.budget = budget;
        metrics.describe(ERRORS, Metrics.Type.COUNTER, "Dial-out messages or samples that could not be decoded, by reason");
        metrics.describe(WARNINGS, Metrics.Type.COUNTER, H3cDecoder.WARNINGS_HELP);
        timeouts = metrics.counter(ERRORS, "reason", "chunk_timeout");
        overflows = metrics.counter(ERRORS, "reason", "chunk_overflow");
        restarts = metrics.counter(ERRORS, "reason", "chunk_restart");
        incomplete = metrics.counter(ERRORS, "reason", "chunk_incomplete");
        duplicates = metrics.counter(WARNINGS, "reason", "chunk_duplicate");
        sizeMismatches = metrics.counter(WARNINGS, "reason", "chunk_size_mismatch");
        budget.register(this);
    }

    /**
     * Adds one fragment. Returns the whole document when this fragment completes it (at once when
     * {@code totalFragments <= 1}), else null. Also drops samples that have timed out.
     *
     * @param totalSize size of the whole document in bytes, or 0 when unknown
     */
    public synchronized byte[] offer(String sensorPath, long totalSize, long totalFragments, long nodeId, byte[] fragment,
                        long nowMs) {
        expire(nowMs);
        if (closed && totalFragments > 1) {
            incomplete.inc(); // the stream has ended: nothing may be held for it any more
            return null;
        }
        if (totalFragments <= 1) {
            checkSize(totalSize, fragment.length);
            return fragment;
        }
        String key = sensorPath == null ? "" : sensorPath.toLowerCase(Locale.ROOT);
        Assembly a = byPath.get(key);
        if (a != null && (a.totalFragments != totalFragments || a.totalSize != totalSize)) {
            remove(key, a);
            if (!a.discarding) {
                restarts.inc();
            }
            a = null;
        }
        if (a == null) {
            a = new Assembly(totalSize, totalFragments, nowMs);
            byPath.put(key, a);
        }
        if (a.discarding) {
            if (++a.discarded >= a.totalFragments) {
                byPath.remove(key);
            }
            return null;
        }
        byte[] previous = a.parts.get(nodeId);
        long delta = fragment.length + (previous == null ? FRAGMENT_OVERHEAD : -previous.length);
        if (buffered + delta > maxBytes || !budget.tryReserve(delta)) {
            overflows.inc();
            buffered -= a.cost;
            budget.release(a.cost);
            a.cost = 0;
            a.discarding = true;
            a.discarded = a.parts.size() + (previous == null ? 1 : 0);
            a.parts.clear();
            if (a.discarded >= a.totalFragments) {
                byPath.remove(key);
            }
            return null;
        }
        if (previous != null) {
            duplicates.inc();
        }
        a.parts.put(nodeId, fragment);
        a.cost += delta;
        buffered += delta;
        if (a.parts.size() < a.totalFragments) {
            return null;
        }
        remove(key, a);
        long length = 0;
        for (byte[] p : a.parts.values()) {
            length += p.length;
        }
        if (length > Integer.MAX_VALUE - 8) {
            // cannot happen while maxBytes is a sane message size; refuse rather than overflow an array
            overflows.inc();
            return null;
        }
        byte[] doc = new byte[(int) length];
        int pos = 0;
        for (byte[] p : a.parts.values()) {
            System.arraycopy(p, 0, doc, pos, p.length);
            pos += p.length;
        }
        checkSize(a.totalSize, doc.length);
        return doc;
    }

    /** Drops incomplete samples started more than the timeout before {@code nowMs}; returns how many. */
    @Override
    public void expire(long nowMs) {
        expireCount(nowMs);
    }

    /** As {@link #expire}, returning how many samples were dropped. */
    public synchronized int expireCount(long nowMs) {
        if (byPath.isEmpty()) {
            return 0;
        }
        int dropped = 0;
        for (Iterator<Assembly> it = byPath.values().iterator(); it.hasNext(); ) {
            Assembly a = it.next();
            if (nowMs - a.startedMs > timeoutMs) {
                it.remove();
                buffered -= a.cost;
                budget.release(a.cost);
                if (!a.discarding) {
                    timeouts.inc();
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** Drops every incomplete sample (the stream ended); returns how many. */
    public synchronized int close() {
        closed = true;
        budget.unregister(this);
        budget.release(buffered);
        int dropped = 0;
        for (Assembly a : byPath.values()) {
            if (!a.discarding) {
                incomplete.inc();
                dropped++;
            }
        }
        byPath.clear();
        buffered = 0;
        return dropped;
    }

    /** Sensor paths with an incomplete sample. */
    public synchronized int pending() {
        return byPath.size();
    }

    /** Bytes held for incomplete samples, including the per-fragment overhead. */
    public synchronized long bufferedBytes() {
        return buffered;
    }

    private void remove(String key, Assembly a) {
        byPath.remove(key);
        buffered -= a.cost;
        budget.release(a.cost);
        a.cost = 0;
    }

    private void checkSize(long totalSize, int actual) {
        if (totalSize > 0 && totalSize != actual) {
            sizeMismatches.inc();
        }
    }
}
