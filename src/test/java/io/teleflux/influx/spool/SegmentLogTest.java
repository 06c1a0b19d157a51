package io.teleflux.influx.spool;

import ch.qos.logback.classic.Level;
import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The segment log on a real temp directory: format, order, acks, rotation, eviction, recovery, fsync. */
class SegmentLogTest {
    @TempDir
    Path dir;

    private final List<long[]> evicted = new ArrayList<>(); // {seq, points}
    private long lost;
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);

    private final SegmentLog.Listener listener = new SegmentLog.Listener() {
        @Override
        public void evicted(long seq, int points) {
            evicted.add(new long[] {seq, points});
        }

        @Override
        public void lost(long points) {
            lost += points;
        }
    };

    static final class ManualClock extends Clock {
        long now;

        ManualClock(long now) {
            this.now = now;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private SpoolConfig cfg(long maxBytes, long segmentBytes, SpoolConfig.OnFull onFull, SpoolConfig.Fsync fsync) {
        return new SpoolConfig(true, dir, maxBytes, segmentBytes, onFull, fsync, Duration.ofSeconds(1), 0.5);
    }

    private SegmentLog open(long maxBytes, long segmentBytes) throws IOException {
        return SegmentLog.open(cfg(maxBytes, segmentBytes, SpoolConfig.OnFull.DROP_OLDEST, SpoolConfig.Fsync.BATCH),
                clock, listener);
    }

    /** A payload of {@code points} lines, about {@code bytes} long, naming its seq. */
    static byte[] payload(long seq, int points, int bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < points; i++) {
            String line = "m,seq=" + seq + ",i=" + i + " f=" + i + "i " + (1000 + seq);
            int pad = Math.max(0, bytes / points - line.length() - 1);
            sb.append(line, 0, line.length() - 4 - String.valueOf(1000 + seq).length() + 4)
                    .append(",pad=\"").append("x".repeat(pad)).append('"').append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tfs")).sorted().toList();
        }
    }

    private static List<Long> drainSeqs(SegmentLog log, boolean ack) throws IOException {
        List<Long> seqs = new ArrayList<>();
        SegmentLog.Entry e;
        while ((e = log.next()) != null) {
            seqs.add(e.seq());
            if (ack) {
                log.ack(e);
            }
        }
        return seqs;
    }

    @Test
    void appendsAreReadBackInOrderAndDeletedOnceAcknowledged() throws IOException {
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            for (long seq = 1; seq <= 5; seq++) {
                assertThat(log.append(seq, (int) seq, payload(seq, (int) seq, 200))).isTrue();
            }
            assertThat(log.points()).isEqualTo(15);
            assertThat(log.records()).isEqualTo(5);
            assertThat(log.bytes()).isEqualTo(Files.size(segments(dir).get(0)));
            List<SegmentLog.Entry> out = new ArrayList<>();
            SegmentLog.Entry e;
            while ((e = log.next()) != null) {
                out.add(e);
            }
            assertThat(out).extracting(SegmentLog.Entry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(out.get(2).payload()).isEqualTo(payload(3, 3, 200));
            assertThat(out.get(2).points()).isEqualTo(3);
            assertThat(log.recordsReplayed()).isEqualTo(5);
            for (SegmentLog.Entry x : out) {
                log.ack(x);
            }
            assertThat(log.points()).isZero();
            assertThat(log.bytes()).isZero();
            assertThat(segments(dir)).as("a fully acknowledged segment is deleted").isEmpty();
            assertThat(log.append(6, 1, payload(6, 1, 100))).isTrue();
            assertThat(drainSeqs(log, true)).containsExactly(6L);
        }
    }

    @Test
    void rotatesAtTheSegmentSizeAndDeletesEachSegmentWhenAllOfItIsAcknowledged() throws IOException {
        try (SegmentLog log = open(1 << 20, 2048)) {
            for (long seq = 1; seq <= 20; seq++) {
                log.append(seq, 2, payload(seq, 2, 500)); // ~530 bytes per record: 3 per segment
            }
            List<Path> before = segments(dir);
            assertThat(before).hasSize(7);
            for (Path p : before) {
                assertThat(Files.size(p)).isLessThanOrEqualTo(2048);
            }
            for (int i = 0; i < 4; i++) {
                log.ack(log.next());
            }
            assertThat(segments(dir)).as("the first segment (records 1-3) is gone, the second is not").hasSize(6)
                    .doesNotContain(before.get(0)).contains(before.get(1));
            assertThat(drainSeqs(log, false)).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(5, 20).boxed().toList());
        }
    }

    @Test
    void aRestartReplaysWhatWasNotAcknowledgedAndContinuesTheSequence() throws IOException {
        try (SegmentLog log = open(1 << 20, 2048)) {
            for (long seq = 10; seq <= 15; seq++) {
                log.append(seq, 1, payload(seq, 1, 300));
            }
            log.ack(log.next()); // 10
            SegmentLog.Entry e11 = log.next();
            SegmentLog.Entry e12 = log.next();
            log.ack(log.next()); // 13, out of order
            assertThat(e11.seq()).isEqualTo(11);
            log.ack(e12);
            // 11 is handed out and never acknowledged: the process dies with it
        }
        try (SegmentLog log = open(1 << 20, 2048)) {
            assertThat(log.maxSeq()).isEqualTo(15);
            assertThat(log.points()).isEqualTo(3);
            assertThat(drainSeqs(log, true)).containsExactly(11L, 14L, 15L);
        }
        try (SegmentLog log = open(1 << 20, 2048)) {
            assertThat(log.maxSeq()).as("empty again: nothing left to continue from").isZero();
            assertThat(segments(dir)).isEmpty();
            assertThat(log.next()).isNull();
        }
    }

    @Test
    void aTornLastRecordIsCutOffWithAWarningAndTheRecordsBeforeItAreKept() throws IOException {
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            for (long seq = 1; seq <= 3; seq++) {
                log.append(seq, 2, payload(seq, 2, 400));
            }
        }
        Path seg = segments(dir).get(0);
        long full = Files.size(seg);
        long thirdStart = full - (RecordFormat.HEADER + payload(3, 2, 400).length);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(thirdStart + RecordFormat.HEADER + 17); // crash in the middle of the payload
        }
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString()
                    .contains(seg.toString()).contains("offset " + thirdStart).contains("cut off");
            assertThat(log.recordsCorrupt()).isEqualTo(1);
            assertThat(lost).as("its intact header says how many points it held").isEqualTo(2);
            assertThat(logs.messages(Level.WARN).get(0)).contains("2 points lost");
            assertThat(Files.size(seg)).isEqualTo(thirdStart);
            assertThat(log.points()).isEqualTo(4);
            assertThat(log.append(4, 1, payload(4, 1, 100))).isTrue();
            assertThat(drainSeqs(log, true)).containsExactly(1L, 2L, 4L);
        }
    }

    @Test
    void aTornHeaderOfTheLastRecordIsDetectedByItsLength() throws IOException {
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            log.append(1, 1, payload(1, 1, 100));
            log.append(2, 1, payload(2, 1, 100));
        }
        Path seg = segments(dir).get(0);
        Files.write(seg, new byte[] {0x54, 0x46, 0x52}, java.nio.file.StandardOpenOption.APPEND); // 3 bytes of a header
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.containing("incomplete header")).hasSize(1);
            assertThat(drainSeqs(log, true)).containsExactly(1L, 2L);
        }
    }

    @Test
    void aCorruptRecordInTheMiddleIsSkippedAndTheNextIntactOneFound() throws IOException {
        long[] starts = new long[4];
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            for (long seq = 1; seq <= 3; seq++) {
                log.append(seq, 1, payload(seq, 1, 300));
            }
        }
        Path seg = segments(dir).get(0);
        starts[1] = RecordFormat.FILE_HEADER;
        starts[2] = starts[1] + RecordFormat.HEADER + payload(1, 1, 300).length;
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            long at = starts[2] + RecordFormat.HEADER + 40; // a bit flip in record 2's payload
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains(seg.toString())
                    .contains("offset " + starts[2]).contains("CRC mismatch");
            assertThat(log.points()).isEqualTo(2);
            assertThat(drainSeqs(log, true)).containsExactly(1L, 3L);
            assertThat(log.recordsCorrupt()).isEqualTo(1);
        }
    }

    /** Flips one bit of the byte at {@code at}. */
    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }

    /** Appends records of the given point counts (seq 1, 2, ...) and returns their offsets. */
    private long[] appendRecords(int... points) throws IOException {
        long[] starts = new long[points.length];
        long off = RecordFormat.FILE_HEADER;
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            for (int i = 0; i < points.length; i++) {
                byte[] p = payload(i + 1, points[i], 40 * points[i]);
                starts[i] = off;
                off += RecordFormat.HEADER + p.length;
                log.append(i + 1, points[i], p);
            }
        }
        return starts;
    }

    @Test
    void thePointsOfARecordWithADamagedPayloadAreCountedExactlyFromItsHeader() throws IOException {
        long[] at = appendRecords(3, 7, 5);
        Path seg = segments(dir).get(0);
        flip(seg, at[1] + RecordFormat.HEADER + 25);
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("offset " + at[1])
                    .contains("CRC mismatch").contains("7 points lost").contains("spool_corrupt");
            assertThat(lost).isEqualTo(7);
            assertThat(log.recordsCorrupt()).isEqualTo(1);
            assertThat(log.points()).isEqualTo(8);
        }
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(lost).as("counted once, not again at the next start").isEqualTo(7);
            assertThat(drainSeqs(log, true)).containsExactly(1L, 3L);
        }
    }

    @Test
    void aRecordDamagedAfterStartUpCostsOnlyItsOwnPointsAndIsNotCountedAgainAtTheNextStart() throws IOException {
        long[] at = appendRecords(3, 7, 5, 2);
        Path seg = segments(dir).get(0);
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(log.points()).isEqualTo(17);
            flip(seg, at[1] + RecordFormat.HEADER + 25); // while it waits in the spool
            SegmentLog.Entry first = log.next();
            SegmentLog.Entry third = log.next();
            assertThat(third.seq()).as("the damaged record is skipped, the rest read on").isEqualTo(3);
            assertThat(lost).isEqualTo(7);
            assertThat(log.recordsCorrupt()).isEqualTo(1);
            assertThat(logs.containing("no longer readable")).singleElement().asString()
                    .contains("offset " + at[1]).contains("its 7 points are lost");
            assertThat(log.points()).isEqualTo(10);
            log.ack(first);
            log.release(third); // not written before the stop
        }
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(lost).as("counted once").isEqualTo(7);
            assertThat(log.recordsCorrupt()).as("still damaged on disk, but settled").isEqualTo(1);
            assertThat(log.points()).isEqualTo(7);
            assertThat(drainSeqs(log, true)).containsExactly(3L, 4L);
        }
    }

    @Test
    void aDamagedFileHeaderIsRepairedWhenTheRecordsBehindItAreIntact() throws IOException {
        appendRecords(3, 7, 5);
        Path seg = segments(dir).get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.write("garbage!".getBytes(StandardCharsets.US_ASCII));
        }
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("damaged file header");
            assertThat(log.recordsCorrupt()).isEqualTo(1);
            assertThat(lost).isZero();
            assertThat(log.points()).isEqualTo(15);
            assertThat(drainSeqs(log, true)).containsExactly(1L, 2L, 3L);
        }
        Path other = dir.resolve(Segment.fileName(7));
        Files.writeString(other, "not ours, whatever its name\n");
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.containing("not a spool segment")).hasSize(1);
            assertThat(log.next()).isNull();
        }
        assertThat(other).as("left in place").hasContent("not ours, whatever its name");
    }

    @Test
    void aRecordWithADamagedHeaderIsCountedByItsLineFeeds() throws IOException {
        long[] at = appendRecords(3, 7, 5);
        Path seg = segments(dir).get(0);
        flip(seg, at[1] + 13); // the points field: its header CRC no longer matches, so nothing in it is believed
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("offset " + at[1])
                    .contains("header CRC mismatch").contains("about 7 points lost");
            assertThat(lost).isEqualTo(7);
        }
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(lost).as("counted once, not again at the next start").isEqualTo(7);
            assertThat(drainSeqs(log, true)).containsExactly(1L, 3L);
        }
    }

    @Test
    void aDamagedRecordThatWasAlreadyWrittenIsNotCountedAsLost() throws IOException {
        long[] at = appendRecords(3, 7, 5);
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            SegmentLog.Entry first = log.next();
            SegmentLog.Entry second = log.next();
            log.ack(second); // written; the first one was not
            log.release(first);
        }
        Path seg = segments(dir).get(0);
        flip(seg, at[1] + RecordFormat.HEADER + 25);
        flip(seg, at[2] + 13); // and the third one's header
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(log.recordsCorrupt()).isEqualTo(2);
            assertThat(lost).as("only the third record's points").isEqualTo(5);
            assertThat(drainSeqs(log, true)).containsExactly(1L);
        }
    }

    /** A record as the earlier format (magic "TFR1", one CRC over everything after it) wrote it. */
    private static byte[] recordV1(long seq, int points, byte[] payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(RecordFormat.HEADER_V1 + payload.length);
        b.putInt(RecordFormat.MAGIC_V1).putInt(0).putInt(payload.length).putInt(points).putLong(seq).putLong(1000L)
                .put(payload);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 8, b.capacity() - 8);
        b.putInt(4, (int) crc.getValue());
        return b.array();
    }

    @Test
    void segmentsOfTheEarlierFormatAreReadAndTheirDamageEstimatedFromLineFeeds() throws IOException {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.write(RecordFormat.FILE_MAGIC);
        long[] at = new long[3];
        int[] points = {2, 6, 4};
        for (int i = 0; i < 3; i++) {
            at[i] = file.size();
            file.write(recordV1(i + 1, points[i], payload(i + 1, points[i], 300)));
        }
        Path seg = dir.resolve(Segment.fileName(1));
        Files.write(seg, file.toByteArray());
        flip(seg, at[1] + RecordFormat.HEADER_V1 + 30);
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("offset " + at[1])
                    .contains("CRC mismatch").contains("about 6 points lost");
            assertThat(lost).isEqualTo(6);
            assertThat(log.points()).isEqualTo(6);
            List<SegmentLog.Entry> read = new ArrayList<>();
            for (SegmentLog.Entry e; (e = log.next()) != null; ) {
                read.add(e);
                log.ack(e);
            }
            assertThat(read).extracting(SegmentLog.Entry::seq).containsExactly(1L, 3L);
            assertThat(new String(read.get(1).payload(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(payload(3, 4, 300), StandardCharsets.UTF_8));
            assertThat(log.append(4, 1, payload(4, 1, 100))).as("new records in the current format").isTrue();
        }
    }

    @Test
    void dropOldestEvictsWholeOldestSegmentsAndCountsEveryPoint() throws IOException {
        long max = 8 * 1024;
        try (SegmentLog log = open(max, 2048)) {
            for (long seq = 1; seq <= 60; seq++) {
                assertThat(log.append(seq, (int) (seq % 3) + 1, payload(seq, (int) (seq % 3) + 1, 500))).isTrue();
                assertThat(log.bytes()).isLessThanOrEqualTo(max);
            }
            List<Long> kept = drainSeqs(log, false);
            List<Long> dropped = evicted.stream().map(e -> e[0]).toList();
            assertThat(dropped).as("the oldest first, in order").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, dropped.size()).boxed().toList());
            assertThat(kept).as("everything newer, in order").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(dropped.size() + 1, 60).boxed().toList());
            long droppedPoints = evicted.stream().mapToLong(e -> e[1]).sum();
            long expected = 0;
            for (long seq = 1; seq <= dropped.size(); seq++) {
                expected += seq % 3 + 1;
            }
            assertThat(droppedPoints).isEqualTo(expected);
            assertThat(log.recordsEvicted()).isEqualTo(dropped.size());
        }
    }

    @Test
    void evictionLeavesRecordsThatAreHandedOutToTheirHolder() throws IOException {
        try (SegmentLog log = open(8 * 1024, 2048)) {
            log.append(1, 5, payload(1, 5, 500));
            log.append(2, 5, payload(2, 5, 500));
            SegmentLog.Entry held = log.next(); // a sender is retrying it
            for (long seq = 3; seq <= 40; seq++) {
                log.append(seq, 1, payload(seq, 1, 500));
            }
            assertThat(evicted.stream().map(e -> e[0])).doesNotContain(1L).contains(2L);
            assertThat(log.release(held)).as("its segment is gone: the holder must keep it").isFalse();
            log.ack(held); // harmless after eviction
        }
    }

    @Test
    void blockRefusesNewRecordsWhenFullAndNeverEvicts() throws IOException {
        SpoolConfig c = cfg(8 * 1024, 2048, SpoolConfig.OnFull.BLOCK, SpoolConfig.Fsync.NEVER);
        try (SegmentLog log = SegmentLog.open(c, clock, listener)) {
            long seq = 0;
            while (log.append(seq + 1, 1, payload(seq + 1, 1, 500))) {
                seq++;
            }
            assertThat(seq).isBetween(10L, 16L);
            assertThat(evicted).isEmpty();
            for (int i = 0; i < 3; i++) {
                log.ack(log.next()); // the first segment holds 3 records
            }
            assertThat(log.append(seq + 1, 1, payload(seq + 1, 1, 500))).as("room again").isTrue();
            assertThat(log.append(1, 1, new byte[16 * 1024])).as("larger than the whole spool").isFalse();
        }
    }

    @Test
    void fsyncBatchForcesEveryAppend() throws IOException {
        try (SegmentLog log = SegmentLog.open(cfg(1 << 20, 4096, SpoolConfig.OnFull.DROP_OLDEST,
                SpoolConfig.Fsync.BATCH), clock, listener)) {
            for (long seq = 1; seq <= 7; seq++) {
                log.append(seq, 1, payload(seq, 1, 700));
            }
            assertThat(log.syncs()).isEqualTo(7);
        }
    }

    @Test
    void fsyncNeverLeavesItToTheOsUntilClose() throws IOException {
        SegmentLog log = SegmentLog.open(cfg(1 << 20, 4096, SpoolConfig.OnFull.DROP_OLDEST, SpoolConfig.Fsync.NEVER),
                clock, listener);
        for (long seq = 1; seq <= 7; seq++) {
            log.append(seq, 1, payload(seq, 1, 700));
        }
        clock.now += 60_000;
        log.sync();
        assertThat(log.syncs()).isZero();
        log.close();
        assertThat(log.syncs()).as("a clean stop forces what is left").isPositive();
    }

    @Test
    void fsyncIntervalForcesOncePerInterval() throws IOException {
        try (SegmentLog log = SegmentLog.open(cfg(1 << 20, 64 << 10, SpoolConfig.OnFull.DROP_OLDEST,
                SpoolConfig.Fsync.INTERVAL), clock, listener)) {
            log.append(1, 1, payload(1, 1, 100));
            log.append(2, 1, payload(2, 1, 100));
            log.sync();
            assertThat(log.syncs()).as("within the interval").isZero();
            clock.now += 1_000;
            log.sync();
            assertThat(log.syncs()).isEqualTo(1);
            log.sync();
            clock.now += 5_000;
            log.sync();
            assertThat(log.syncs()).as("nothing new to force").isEqualTo(1);
            log.append(3, 1, payload(3, 1, 100));
            assertThat(log.syncs()).isEqualTo(1);
            clock.now += 1_000;
            log.append(4, 1, payload(4, 1, 100)); // the interval has passed: forced on append
            assertThat(log.syncs()).isEqualTo(2);
        }
    }

    @Test
    void theOldestAgeIsThatOfTheOldestUnacknowledgedRecord() throws IOException {
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(log.oldestAppendedMs()).isEqualTo(-1);
            long t0 = clock.now;
            log.append(1, 1, payload(1, 1, 100));
            clock.now += 5_000;
            log.append(2, 1, payload(2, 1, 100));
            assertThat(log.oldestAppendedMs()).isEqualTo(t0);
            SegmentLog.Entry first = log.next();
            assertThat(log.oldestAppendedMs()).as("handed out, not yet written").isEqualTo(t0);
            log.ack(first);
            assertThat(log.oldestAppendedMs()).isEqualTo(t0 + 5_000);
        }
    }

    @Test
    void aDirectoryIsUsedByOneCollectorOnly() throws IOException {
        try (SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThatThrownBy(() -> open(1 << 20, 64 << 10)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another collector");
        }
        open(1 << 20, 64 << 10).close(); // released on close
    }

    @Test
    void aSegmentWhoseFileHeaderIsTornIsDeleted() throws IOException {
        Files.write(dir.resolve(Segment.fileName(7)), new byte[] {'T', 'F', 'S'});
        try (LogCapture logs = LogCapture.of(SegmentLog.class); SegmentLog log = open(1 << 20, 64 << 10)) {
            assertThat(logs.containing("torn file header")).hasSize(1);
            assertThat(segments(dir)).isEmpty();
            log.append(1, 1, payload(1, 1, 100));
            assertThat(segments(dir)).extracting(p -> p.getFileName().toString())
                    .as("new segments continue after the highest id seen").containsExactly(Segment.fileName(8));
        }
    }
}
