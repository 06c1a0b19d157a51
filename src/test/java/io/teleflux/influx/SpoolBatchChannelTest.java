package io.teleflux.influx;

import io.teleflux.influx.InfluxConfig;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The two lanes of the spooling channel, their order and their memory accounting. */
class SpoolBatchChannelTest {
    @TempDir
    Path dir;

    private final AtomicLong released = new AtomicLong();
    private final List<String> dropped = new ArrayList<>();
    private final Metrics metrics = new Metrics();

    private final BatchChannel.Owner owner = new BatchChannel.Owner() {
        @Override
        public void released(int lines) {
            released.addAndGet(lines);
        }

        @Override
        public void dropped(long seq, long lines, String reason) {
            dropped.add(seq + ":" + lines + ":" + reason);
        }
    };

    private SpoolBatchChannel open(String extra) throws Exception {
        InfluxConfig cfg = TestConfigs.influx("api = v1\nwriters = 2\nspool { enabled = true, dir = "
                + TestConfigs.q(dir.toString()) + " }\n" + extra);
        return SpoolBatchChannel.open(cfg, owner, new WriterMetrics(metrics, () -> 0), Clock.systemUTC());
    }

    private static Batch batch(long seq, int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("m,seq=").append(seq).append(" f=").append(i).append("i\n");
        }
        return new Batch(seq, sb.toString().getBytes(StandardCharsets.UTF_8), lines);
    }

    private static Batch poll(BatchChannel c) throws InterruptedException {
        return c.poll(1, TimeUnit.SECONDS);
    }

    @Test
    void whileInfluxdbKeepsUpBatchesStayInMemoryAndOnlyTheOverflowIsSpooled() throws Exception {
        SpoolBatchChannel c = open("");
        try {
            for (long seq = 1; seq <= 5; seq++) {
                c.put(batch(seq, 10));
            }
            // writers = 2 may wait in memory; the 3 oldest went to disk, in order
            assertThat(released.get()).isEqualTo(30);
            assertThat(metrics.value(WriterMetrics.SPOOL_POINTS)).isEqualTo(30);
            List<Long> order = new ArrayList<>();
            Batch b;
            while ((b = c.poll(50, TimeUnit.MILLISECONDS)) != null) {
                order.add(b.seq());
                c.done(b);
            }
            // live and backlog alternate: 4 (live), 1 (disk), 5 (live), 2, 3
            assertThat(order).containsExactly(4L, 1L, 5L, 2L, 3L);
            assertThat(released.get()).isEqualTo(50);
            assertThat(metrics.value(WriterMetrics.SPOOL_POINTS)).isZero();
            assertThat(metrics.value(WriterMetrics.SPOOL_BYTES)).isZero();
        } finally {
            c.close();
        }
    }

    @Test
    void aFailedLiveBatchIsHandedToTheSpoolAndNewBatchesGoThereUntilInfluxdbAnswers() throws Exception {
        SpoolBatchChannel c = open("");
        try {
            c.put(batch(1, 4));
            Batch first = poll(c);
            c.put(batch(2, 4)); // waits in memory
            assertThat(c.handOver(first, first)).isTrue();
            assertThat(released.get()).as("both are on disk now, in cut order").isEqualTo(8);
            c.put(batch(3, 4)); // InfluxDB is failing: straight to disk
            assertThat(released.get()).isEqualTo(12);
            Batch r1 = poll(c);
            assertThat(r1.seq()).isEqualTo(1);
            assertThat(c.handOver(r1, r1)).as("a spooled batch is retried by its sender").isFalse();
            c.done(r1); // InfluxDB answered
            c.put(batch(4, 4));
            c.put(batch(5, 4));
            List<Long> order = new ArrayList<>();
            Batch b;
            while ((b = c.poll(50, TimeUnit.MILLISECONDS)) != null) {
                order.add(b.seq());
                c.done(b);
            }
            // batch 1 was the backlog's turn already: live 4 and 5 catch up, then the backlog resumes
            assertThat(order).containsExactly(4L, 5L, 2L, 3L);
        } finally {
            c.close();
        }
    }

    @Test
    void replayShareOneDrainsTheBacklogFirst() throws Exception {
        SpoolBatchChannel c = open("spool.replay-share = 1.0");
        try {
            Batch first;
            c.put(batch(1, 4));
            first = poll(c);
            c.handOver(first, first);
            c.put(batch(2, 4));
            c.put(batch(3, 4));
            Batch b = poll(c);
            c.done(b); // healthy again
            c.put(batch(4, 4));
            List<Long> order = new ArrayList<>(List.of(b.seq()));
            while ((b = c.poll(50, TimeUnit.MILLISECONDS)) != null) {
                order.add(b.seq());
                c.done(b);
            }
            assertThat(order).containsExactly(1L, 2L, 3L, 4L);
        } finally {
            c.close();
        }
    }

    @Test
    void atShutdownWhatWaitsInMemoryAndWhatSendersHeldIsKeptOnDisk() throws Exception {
        SpoolBatchChannel c = open("");
        c.put(batch(1, 3));
        c.put(batch(2, 3));
        Batch held = poll(c);
        assertThat(c.abandon(held, held)).isZero();
        assertThat(c.close()).isZero();
        assertThat(released.get()).isEqualTo(6);

        released.set(0);
        SpoolBatchChannel again = open("");
        try {
            assertThat(again.maxSeq()).isEqualTo(2);
            Batch a = poll(again);
            Batch b = poll(again);
            assertThat(List.of(a.seq(), b.seq())).containsExactlyInAnyOrder(1L, 2L);
            again.done(a);
            assertThat(again.abandon(b, b)).as("still on disk: replayed on the next start").isZero();
        } finally {
            again.close();
        }
        SpoolBatchChannel third = open("");
        try {
            assertThat(poll(third).lines()).isEqualTo(3);
            assertThat(third.poll(50, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            third.close();
        }
        assertThat(dropped).isEmpty();
    }

    @Test
    void pointsInARecordCorruptedOnDiskAreCountedAsDroppedSpoolCorrupt() throws Exception {
        SpoolBatchChannel c = open("");
        c.put(batch(1, 3));
        c.put(batch(2, 4));
        c.put(batch(3, 5));
        assertThat(c.close()).isZero(); // all three kept on disk
        Path seg;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            seg = files.filter(f -> f.getFileName().toString().endsWith(".tfs")).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(seg);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("m,seq=2 f=2i"); // in the payload of the second record
        bytes[at + 4] ^= 0x10;
        java.nio.file.Files.write(seg, bytes);

        dropped.clear();
        SpoolBatchChannel again = open("");
        try {
            assertThat(dropped).containsExactly("-1:4:spool_corrupt");
            assertThat(metrics.value(WriterMetrics.SPOOL_CORRUPT)).isEqualTo(1);
            List<Long> seqs = new ArrayList<>();
            for (Batch b; (b = again.poll(50, TimeUnit.MILLISECONDS)) != null; ) {
                seqs.add(b.seq());
                again.done(b);
            }
            assertThat(seqs).containsExactly(1L, 3L);
        } finally {
            again.close();
        }
    }

    @Test
    void blockKeepsBatchesInMemoryWhenTheSpoolIsFull() throws Exception {
        SpoolBatchChannel c = open("spool { max-bytes = 64 KiB, on-full = block }");
        try {
            c.put(batch(1, 1));
            Batch first = poll(c);
            c.handOver(first, first);
            long seq = 2;
            long before;
            do {
                before = released.get();
                c.put(batch(seq++, 200)); // ~3 KB each
            } while (released.get() > before);
            assertThat(released.get()).as("the last put stayed in memory").isEqualTo(1 + 200L * (seq - 3));
            c.put(batch(seq, 200));
            assertThat(released.get()).isEqualTo(1 + 200L * (seq - 3));
            assertThat(dropped).isEmpty();
        } finally {
            c.close();
        }
    }

    @Test
    void dropOldestCountsEveryEvictedPointWithItsSeq() throws Exception {
        SpoolBatchChannel c = open("spool { max-bytes = 64 KiB, segment-size = 16 KiB }");
        try {
            c.put(batch(1, 1));
            Batch first = poll(c);
            c.handOver(first, first); // InfluxDB is down: everything goes to disk
            for (long seq = 2; seq <= 60; seq++) {
                c.put(batch(seq, 200));
            }
            assertThat(released.get()).isEqualTo(1 + 59 * 200);
            assertThat(dropped).isNotEmpty();
            assertThat(dropped.get(0)).isEqualTo("1:1:spool_full");
            for (int i = 1; i < dropped.size(); i++) {
                assertThat(dropped.get(i)).isEqualTo((i + 1) + ":200:spool_full");
            }
            Batch next = poll(c);
            assertThat(next.seq()).as("replay resumes after the evicted ones").isEqualTo(dropped.size() + 1);
            assertThat(metrics.value(WriterMetrics.SPOOL_BYTES)).isLessThanOrEqualTo(64 * 1024);
        } finally {
            c.close();
        }
    }
}
