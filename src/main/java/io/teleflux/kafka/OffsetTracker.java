package io.teleflux.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's batches per partition, in offset order, and how far each partition may be committed:
 * up to the end of the longest run of batches from the start that InfluxDB has all acknowledged.
 * Batches finish in any order (several writers), so a batch done early waits for the ones before it.
 *
 * <p>Used by the poll thread only. The writer threads touch a {@link Batch} through its two atomic
 * fields alone: {@link Batch#begin()} (a batch cancelled before it began is not written) and
 * {@link Batch#aborted()} (asked while writing: give up).
 */
final class OffsetTracker {

    /** The records of one partition from one poll, written as one unit. */
    static final class Batch {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int CANCELLED = 2;

        final TopicPartition tp;
        /** Offset of the first record, and one past the last: what is committed once it and all before it are written. */
        final long first;
        final long end;
        final int records;
        final List<byte[]> chunks;
        final List<Integer> lines;
        private final Part part;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private volatile boolean abort;
        /** Poll thread only: null while pending, else whether InfluxDB settled every line. */
        private Boolean written;

        private Batch(Part part, TopicPartition tp, long first, long end, int records, List<byte[]> chunks,
                      List<Integer> lines) {
            this.part = part;
            this.tp = tp;
            this.first = first;
            this.end = end;
            this.records = records;
            this.chunks = chunks;
            this.lines = lines;
        }

        /** On a writer thread, before writing: false when the batch was cancelled and must not be written. */
        boolean begin() {
            return state.compareAndSet(QUEUED, RUNNING);
        }

        /** On a writer thread, while writing: true once the partition's batches are given up. */
        boolean aborted() {
            return abort;
        }

        /** Stops the batch: not begun, it never will be (true); begun, its writer is asked to give up (false). */
        private boolean cancel() {
            abort = true;
            return state.compareAndSet(QUEUED, CANCELLED);
        }

        @Override
        public String toString() {
            return tp + "[" + first + ".." + end + ")";
        }
    }

    /** One partition's batches not yet committed, oldest first. */
    private static final class Part {
        final ArrayDeque<Batch> batches = new ArrayDeque<>();
        /** A batch failed: nothing new is taken until every batch has ended, then the partition is rewound. */
        boolean failed;
        /** Revoked: nothing new is taken; the batches being written may finish. */
        boolean closing;
        int pending;
        long reported = -1;
    }

    private final Map<TopicPartition, Part> parts = new HashMap<>();
    private int pendingRecords;

    /**
     * A new batch of {@code tp}, records {@code first} to {@code end - 1}; null when the partition
     * takes nothing now (a failed batch awaits its rewind, which reads these records again, or it
     * is being revoked): the caller drops the records.
     */
    Batch add(TopicPartition tp, long first, long end, int records, List<byte[]> chunks, List<Integer> lines) {
        Part p = parts.computeIfAbsent(tp, k -> new Part());
        if (p.failed || p.closing) {
            return null;
        }
        Batch last = p.batches.peekLast();
        if (last != null && first < last.end || end <= first) {
            throw new IllegalArgumentException(tp + ": batch [" + first + ".." + end + ") after " + last);
        }
        Batch b = new Batch(p, tp, first, end, records, chunks, lines);
        p.batches.addLast(b);
        p.pending++;
        pendingRecords += records;
        return b;
    }

    /**
     * A writer finished {@code b}: {@code written} when InfluxDB settled every line. Returns false
     * when the batch no longer counts (its partition was revoked, lost or already given up).
     * A batch not written fails its partition: the partition's other batches are cancelled.
     */
    boolean completed(Batch b, boolean written) {
        if (parts.get(b.tp) != b.part || b.written != null) {
            return false;
        }
        end(b, written);
        if (!written && !b.part.failed) {
            b.part.failed = true;
            for (Batch o : b.part.batches) {
                if (o.written == null && o.cancel()) {
                    end(o, false);
                }
            }
        }
        return true;
    }

    private void end(Batch b, boolean written) {
        b.written = written;
        b.part.pending--;
        pendingRecords -= b.records;
    }

    /**
     * The partitions whose committable offset moved since the last call, with that offset: the end
     * of the run of written batches at the head of each (which this forgets).
     */
    Map<TopicPartition, Long> committable() {
        Map<TopicPartition, Long> out = new HashMap<>();
        parts.forEach((tp, p) -> {
            long upTo = p.reported;
            while (!p.batches.isEmpty() && Boolean.TRUE.equals(p.batches.peekFirst().written)) {
                upTo = p.batches.pollFirst().end;
            }
            if (upTo > p.reported) {
                p.reported = upTo;
                out.put(tp, upTo);
            }
        });
        return out;
    }

    /**
     * The failed partitions whose batches have all ended, with the offset to read again from: their
     * first record not acknowledged. Call after {@link #committable()}, which takes the written
     * head off. The partitions then take new batches again.
     */
    Map<TopicPartition, Rewind> rewinds() {
        Map<TopicPartition, Rewind> out = new HashMap<>();
        parts.forEach((tp, p) -> {
            if (p.failed && p.pending == 0) {
                int again = p.batches.stream().mapToInt(b -> b.records).sum();
                Batch head = p.batches.peekFirst();
                if (head != null) { // never null: the failed batch stays until the rewind
                    out.put(tp, new Rewind(head.first, again));
                }
                p.batches.clear();
                p.failed = false;
            }
        });
        return out;
    }

    /** Where to seek a failed partition, and how many records the relay had polled from there (read again). */
    record Rewind(long offset, int records) {
    }

    /**
     * Revoked: {@code tps} take no new batches, and those not yet begun are cancelled; the ones
     * being written may finish ({@link #writing}) before {@link #remove}.
     */
    void close(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            Part p = parts.get(tp);
            if (p == null) {
                continue;
            }
            p.closing = true;
            for (Batch b : p.batches) {
                if (b.written == null && b.state.compareAndSet(Batch.QUEUED, Batch.CANCELLED)) {
                    end(b, false);
                }
            }
        }
    }

    /** True while a batch of one of {@code tps} is queued or being written. */
    boolean writing(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            Part p = parts.get(tp);
            if (p != null && p.pending > 0) {
                return true;
            }
        }
        return false;
    }

    /** Forgets {@code tps} (revoked or lost); their writers still busy are asked to give up and their ends ignored. */
    void remove(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            Part p = parts.remove(tp);
            if (p == null) {
                continue;
            }
            for (Batch b : p.batches) {
                if (b.written == null) {
                    b.cancel();
                    end(b, false);
                }
            }
        }
    }

    /** Forgets everything (the relay stops): every writer still busy is asked to give up. */
    void clear() {
        remove(List.copyOf(parts.keySet()));
    }

    /** Records polled whose batch has not ended: queued or being written. */
    int pendingRecords() {
        return pendingRecords;
    }

    /** Partitions that take no new batches until they are rewound (a batch failed). */
    List<TopicPartition> failed() {
        return parts.entrySet().stream().filter(e -> e.getValue().failed).map(Map.Entry::getKey).toList();
    }
}
