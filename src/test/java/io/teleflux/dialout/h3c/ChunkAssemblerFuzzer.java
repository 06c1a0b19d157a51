package io.teleflux.dialout.h3c;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.selfmon.Metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of {@link ChunkAssembler} (Jazzer): the input is a small limit and
 * timeout, then a sequence of operations: fragments of a few sensor paths with any totals, node ids,
 * sizes and clock (which may go backwards), {@code expire}, {@code close}, and whole samples offered
 * in order on a fresh path.
 *
 * <p>Every fragment but an empty one carries the number of its offer and its length, so that a
 * reassembled document can be taken apart again. Invariants, after every operation:
 * {@code 0 <= bufferedBytes() <= limit}, no exception; {@code close()} and an {@code expire} past
 * every timeout leave nothing buffered or pending; a single-fragment message comes back as it is;
 * a reassembled document is made of fragments offered for its sensor path (in any letter case) with
 * the same totals, in increasing node id order, at most one per node id and at most
 * {@code totalFragments}, including the fragment that completed it, and is no larger than the
 * limit; a whole sample offered in order that fits in the room left comes back complete.
 */
class ChunkAssemblerFuzzer {
    static final String[] PATHS = {"Ifmgr/Statistics", "ifmgr/statistics", "IFMGR/STATISTICS", "Device/Base", "", null};
    static final int HEADER = 8;

    /** What the harness offered: the n-th offer, with its path and totals. */
    record Offer(String path, long totalSize, long totalFragments, long nodeId, int length) {
    }

    @FuzzTest(maxDuration = "30s")
    void reassemble(FuzzedDataProvider data) {
        long limit = data.consumeLong(1, 4096);
        long timeout = data.consumeLong(1, 1000);
        // the stream's share and the shared budget both bind: the budget is sometimes the smaller
        long budgetMax = data.consumeLong(1, 8192);
        ChunkBudget budget = new ChunkBudget(budgetMax);
        ChunkAssembler a = new ChunkAssembler(new Metrics(), limit, timeout, budget);
        List<Offer> offers = new ArrayList<>();
        Map<String, Integer> fresh = new HashMap<>();
        long now = data.consumeLong(-1000, 1000);
        long maxStart = Long.MIN_VALUE;
        for (int op = 0; op < 64 && data.remainingBytes() > 0; op++) {
            switch (data.consumeInt(0, 9)) {
                case 7 -> a.expire(now);
                case 8 -> {
                    a.close();
                    assertThat(a.bufferedBytes()).isZero();
                    assertThat(a.pending()).isZero();
                    assertThat(budget.used()).as("the closed stream's share of the budget").isZero();
                    // a closed assembler belongs to an ended stream: the next stream gets a new one
                    a = new ChunkAssembler(new Metrics(), limit, timeout, budget);
                }
                case 9 -> wholeSample(a, data, Math.min(limit, budgetMax), now, fresh, offers);
                default -> {
                    now += data.consumeLong(-50, 600);
                    String path = PATHS[data.consumeInt(0, PATHS.length - 1)];
                    long totalSize = data.consumeBoolean() ? 0 : data.consumeLong(-1, 600);
                    long totalFragments = data.consumeLong(-1, 5);
                    long nodeId = data.consumeLong(-1, 5);
                    byte[] fragment = fragment(offers.size(), data.consumeInt(0, 300));
                    offers.add(new Offer(path, totalSize, totalFragments, nodeId, fragment.length));
                    byte[] doc = a.offer(path, totalSize, totalFragments, nodeId, fragment, now);
                    if (totalFragments > 1) {
                        maxStart = Math.max(maxStart, now);
                    }
                    if (totalFragments <= 1) {
                        assertThat(doc).isSameAs(fragment);
                    } else if (doc != null) {
                        checkDocument(doc, offers, offers.size() - 1, limit);
                    }
                }
            }
            assertThat(a.bufferedBytes()).isBetween(0L, limit);
            assertThat(budget.used()).as("budget drawn = bytes held").isEqualTo(a.bufferedBytes());
            assertThat(a.pending()).isNotNegative();
        }
        if (maxStart != Long.MIN_VALUE) {
            a.expire(Math.max(now, maxStart) + timeout + 1);
            assertThat(a.pending()).isZero();
            assertThat(a.bufferedBytes()).isZero();
        }
        a.close();
        assertThat(a.bufferedBytes()).isZero();
        assertThat(a.pending()).isZero();
        assertThat(budget.used()).isZero();
    }

    /** n fragments of a path never used before, in node id order, at one instant. */
    private static void wholeSample(ChunkAssembler a, FuzzedDataProvider data, long limit, long now,
                                    Map<String, Integer> fresh, List<Offer> offers) {
        int n = data.consumeInt(2, 5);
        long first = data.consumeLong(0, 1);
        String path = "Whole/Sample" + fresh.merge("", 1, Integer::sum);
        int[] lengths = new int[n];
        long cost = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            lengths[i] = data.consumeInt(HEADER, 200);
            cost += lengths[i] + ChunkAssembler.FRAGMENT_OVERHEAD;
            total += lengths[i];
        }
        long before = a.bufferedBytes();
        boolean fits = before + cost <= limit;
        byte[] doc = null;
        for (int i = 0; i < n; i++) {
            byte[] fragment = fragment(offers.size(), lengths[i]);
            offers.add(new Offer(path, total, n, first + i, fragment.length));
            assertThat(doc).as("complete before its last fragment").isNull();
            doc = a.offer(path, total, n, first + i, fragment, now);
            assertThat(a.bufferedBytes()).isBetween(0L, limit);
        }
        if (fits) {
            assertThat(doc).as("a sample of %s bytes with %s buffered, limit %s", cost, before, limit).isNotNull();
            assertThat(doc).hasSize((int) total);
            assertThat(a.bufferedBytes()).isLessThanOrEqualTo(before);
        }
        if (doc != null) {
            checkDocument(doc, offers, offers.size() - 1, limit);
        }
    }

    /** A fragment of {@code length} bytes that names its offer (empty when shorter than the header). */
    static byte[] fragment(int offer, int length) {
        if (length < HEADER) {
            return new byte[0];
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(offer).putInt(length);
        while (b.hasRemaining()) {
            b.put((byte) ('a' + offer % 26));
        }
        return b.array();
    }

    static void checkDocument(byte[] doc, List<Offer> offers, int completing, long limit) {
        Offer last = offers.get(completing);
        assertThat((long) doc.length).isLessThanOrEqualTo(limit);
        ByteBuffer b = ByteBuffer.wrap(doc);
        long previousNode = Long.MIN_VALUE;
        int parts = 0;
        boolean completingSeen = last.length() == 0;
        while (b.hasRemaining()) {
            assertThat(b.remaining()).as("a fragment header").isGreaterThanOrEqualTo(HEADER);
            int n = b.getInt(b.position());
            int length = b.getInt(b.position() + 4);
            assertThat(n).as("offer number").isBetween(0, completing);
            Offer o = offers.get(n);
            assertThat(length).isEqualTo(o.length());
            assertThat(b.remaining()).isGreaterThanOrEqualTo(length);
            b.position(b.position() + length);
            assertThat(key(o.path())).isEqualTo(key(last.path()));
            assertThat(o.totalFragments()).isEqualTo(last.totalFragments());
            assertThat(o.totalSize()).isEqualTo(last.totalSize());
            assertThat(o.nodeId()).as("node ids in increasing order").isGreaterThan(previousNode);
            previousNode = o.nodeId();
            completingSeen |= n == completing;
            parts++;
        }
        assertThat((long) parts).isLessThanOrEqualTo(last.totalFragments());
        assertThat(completingSeen).as("the completing fragment is in the document").isTrue();
    }

    static String key(String path) {
        return path == null ? "" : path.toLowerCase(Locale.ROOT);
    }
}
