package io.teleflux.influx.spool;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the spool's record reader (Jazzer): {@link SegmentLog#open} recovering
 * segment files an earlier run left, then replay with {@link SegmentLog#next}.
 *
 * <p>The input writes one to three segment files of valid records (any payloads, point counts,
 * sequence numbers), then damages them: flipped bytes, overwritten ranges, inserted bytes, a cut
 * (a torn write), or a file of arbitrary bytes; and an ack file with entries for some records plus
 * arbitrary bytes. The harness knows where each original record's bytes ended up and whether they
 * are still intact.
 *
 * <p>Invariants: opening and replaying end (a bounded number of {@code next} calls) and throw nothing
 * but the documented {@link IOException}; when every record replayed is one that was written, every
 * intact record that is not acknowledged is replayed, in order, and no acknowledged one is; the log
 * still takes a new record and hands it out; once everything replayed is acknowledged, a reopened
 * log has nothing to replay.
 */
class SegmentLogFuzzer {
    static final Path ROOT = root();
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_718_000_000_000L), ZoneOffset.UTC);
    static final SegmentLog.Listener LISTENER = new SegmentLog.Listener() {
        @Override
        public void evicted(long seq, int points) {
        }

        @Override
        public void lost(long points) {
        }
    };
    static Level previousLevel;

    static Path root() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "teleflux-spool-fuzz")
                    : Files.createTempDirectory("teleflux-spool-fuzz");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void quiet() {
        // every damaged record is a WARN: thousands a second while fuzzing
        ch.qos.logback.classic.Logger l = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(SegmentLog.class);
        previousLevel = l.getLevel();
        l.setLevel(Level.OFF);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(SegmentLog.class)).setLevel(previousLevel);
        deleteTree(ROOT);
    }

    /** One record as written, and where its bytes are after the damage (-1: not intact). */
    record Written(int segment, long seq, int points, byte[] payload, int originalOffset) {
    }

    @FuzzTest(maxDuration = "30s")
    void recover(FuzzedDataProvider data) throws IOException {
        Path dir = Files.createTempDirectory(ROOT, "s");
        try {
            run(dir, data);
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(Path dir, FuzzedDataProvider data) throws IOException {
        int segments = data.consumeInt(1, 3);
        long firstId = data.consumeLong(0, 3);
        List<Written> written = new ArrayList<>();
        List<long[]> expected = new ArrayList<>(); // {segment, seq} of intact records that are not acknowledged
        long seq = data.consumeLong(0, 1L << 40);
        for (int s = 0; s < segments; s++) {
            long id = firstId + s;
            Path file = dir.resolve(Segment.fileName(id));
            if (data.consumeInt(0, 7) == 0) {
                Files.write(file, data.consumeBytes(data.consumeInt(0, 200))); // anything at all
                continue;
            }
            // the file as written
            ByteBuffer out = ByteBuffer.allocate(1 << 16);
            out.put(RecordFormat.FILE_MAGIC);
            List<Written> here = new ArrayList<>();
            int records = data.consumeInt(0, 5);
            for (int r = 0; r < records; r++) {
                byte[] payload = data.consumeBytes(data.consumeInt(1, 120));
                if (payload.length == 0) {
                    payload = new byte[] {'x'};
                }
                seq += data.consumeLong(1, 3);
                int points = data.consumeInt(1, 5000);
                long appended = data.consumeLong();
                Written w = new Written(s, seq, points, payload, out.position());
                out.put(RecordFormat.encode(seq, points, appended, payload));
                here.add(w);
            }
            byte[] original = Arrays.copyOf(out.array(), out.position());
            // origin[i]: the original index of byte i of the damaged file, or -1
            Damaged d = new Damaged(original);
            int damage = data.consumeInt(0, 4);
            for (int k = 0; k < damage; k++) {
                d.apply(data);
            }
            byte[] bytes = d.bytes();
            Files.write(file, bytes);
            // which records are intact, and where they are now; acknowledge some of them
            boolean headerIntact = d.intactAt(0, RecordFormat.FILE_HEADER) == 0;
            ByteBuffer acks = ByteBuffer.allocate(RecordFormat.ACK_ENTRY * here.size());
            List<long[]> intact = new ArrayList<>(); // {offset now, seq}
            for (Written w : here) {
                int at = d.intactAt(w.originalOffset(), RecordFormat.HEADER + w.payload().length);
                if (at < 0) {
                    continue;
                }
                intact.add(new long[] {at, w.seq()});
                if (data.consumeInt(0, 3) == 0) {
                    acks.put(RecordFormat.ackEntry(at));
                }
            }
            byte[] ackGarbage = data.consumeInt(0, 5) == 0 ? data.consumeBytes(data.consumeInt(0, 30)) : new byte[0];
            ByteBuffer a = ByteBuffer.allocate(acks.position() + ackGarbage.length);
            a.put(acks.array(), 0, acks.position()).put(ackGarbage);
            if (a.position() > 0) {
                Files.write(Segment.ackPathOf(file), a.array());
            }
            // the acknowledged offsets as the reader sees them: whole entries with a good CRC
            List<Long> acked = new ArrayList<>();
            for (int at = 0; at + RecordFormat.ACK_ENTRY <= a.capacity(); at += RecordFormat.ACK_ENTRY) {
                acked.add(RecordFormat.ackOffset(a, at));
            }
            for (long[] r : intact) {
                if (headerIntact && !acked.contains(r[0])) {
                    expected.add(new long[] {s, r[1]});
                }
            }
            written.addAll(here);
        }

        SpoolConfig cfg = new SpoolConfig(true, dir, 1L << 30, 16L << 20, SpoolConfig.OnFull.DROP_OLDEST,
                SpoolConfig.Fsync.NEVER, Duration.ofSeconds(1), 0.5);
        long bound = 16 + written.size() + Files.size(dir) / RecordFormat.HEADER;
        List<SegmentLog.Entry> replayed = new ArrayList<>();
        long newSeq;
        try (SegmentLog log = SegmentLog.open(cfg, CLOCK, LISTENER)) {
            SegmentLog.Entry e;
            while ((e = log.next()) != null) {
                replayed.add(e);
                assertThat((long) replayed.size()).as("next() ends").isLessThanOrEqualTo(bound);
                assertThat(e.points()).isPositive();
                assertThat(e.payload()).isNotEmpty();
            }
            if (replayed.stream().allMatch(r -> find(written, r) != null)) {
                // every intact, unacknowledged record, in order
                int i = 0;
                for (long[] want : expected) {
                    while (i < replayed.size() && !(find(written, replayed.get(i)).segment() == want[0]
                            && replayed.get(i).seq() == want[1])) {
                        i++;
                    }
                    assertThat(i).as("intact record seq %s of segment %s replayed in order; replayed seqs %s", want[1],
                            want[0], replayed.stream().map(SegmentLog.Entry::seq).toList()).isLessThan(replayed.size());
                    i++;
                }
            }
            // the log goes on working: a new record is handed out after the old ones
            newSeq = log.maxSeq() + 1;
            assertThat(log.append(newSeq, 1, new byte[] {'n', 'e', 'w'})).isTrue();
            e = log.next();
            assertThat(e).as("the record appended after recovery").isNotNull();
            assertThat(e.seq()).isEqualTo(newSeq);
            replayed.add(e);
            assertThat(log.next()).isNull();
            for (SegmentLog.Entry r : replayed) {
                log.ack(r);
            }
        } catch (IOException expectedFailure) {
            return; // documented: open and next report what they cannot read or write as an IOException
        }
        try (SegmentLog log = SegmentLog.open(cfg, CLOCK, LISTENER)) {
            SegmentLog.Entry e = log.next();
            assertThat(e).as("replayed again after every record was acknowledged: %s", e == null ? null : e.seq()).isNull();
        }
    }

    static Written find(List<Written> written, SegmentLog.Entry e) {
        for (Written w : written) {
            if (w.seq() == e.seq() && w.points() == e.points() && Arrays.equals(w.payload(), e.payload())) {
                return w;
            }
        }
        return null;
    }

    /** A file being damaged, remembering where each original byte went. */
    static final class Damaged {
        final byte[] original;
        final List<Integer> origin = new ArrayList<>();
        final List<Byte> bytes = new ArrayList<>();

        Damaged(byte[] original) {
            this.original = original;
            for (int i = 0; i < original.length; i++) {
                origin.add(i);
                bytes.add(original[i]);
            }
        }

        void apply(FuzzedDataProvider data) {
            int n = bytes.size();
            switch (data.consumeInt(0, 3)) {
                case 0 -> { // flip
                    if (n > 0) {
                        int at = data.consumeInt(0, n - 1);
                        set(at, (byte) (bytes.get(at) ^ data.consumeInt(1, 255)));
                    }
                }
                case 1 -> { // overwrite a range
                    int at = data.consumeInt(0, n);
                    byte[] with = data.consumeBytes(data.consumeInt(0, 40));
                    for (int i = 0; i < with.length && at + i < n; i++) {
                        set(at + i, with[i]);
                    }
                }
                case 2 -> { // insert
                    int at = data.consumeInt(0, n);
                    byte[] with = data.consumeBytes(data.consumeInt(1, 60));
                    for (int i = with.length - 1; i >= 0; i--) {
                        bytes.add(at, with[i]);
                        origin.add(at, -1);
                    }
                }
                default -> { // torn: cut off
                    int at = data.consumeInt(0, n);
                    bytes.subList(at, n).clear();
                    origin.subList(at, n).clear();
                }
            }
        }

        private void set(int at, byte b) {
            if (bytes.get(at) != b) {
                bytes.set(at, b);
                origin.set(at, -1);
            }
        }

        byte[] bytes() {
            byte[] b = new byte[bytes.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = bytes.get(i);
            }
            return b;
        }

        /** Where original bytes [from, from + size) are now, all unchanged and together, or -1. */
        int intactAt(int from, int size) {
            int at = origin.indexOf(from);
            if (at < 0 || at + size > origin.size()) {
                return -1;
            }
            for (int i = 0; i < size; i++) {
                if (origin.get(at + i) != from + i) {
                    return -1;
                }
            }
            return at;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
