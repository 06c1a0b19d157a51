package io.teleflux.influx.spool;

import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded, durable FIFO of records (a payload with a sequence number and a point count) in
 * append-only segment files under one directory.
 *
 * <ul>
 *   <li>{@link #append} writes a record to the newest segment, rotating at the segment size, and
 *       forces it to the disk as the fsync policy says. When the log would exceed its size bound,
 *       drop-oldest deletes the oldest segments first (each record counted through the
 *       {@link Listener}); block refuses the record.</li>
 *   <li>{@link #next} hands out records in order for replay; each comes back through
 *       {@link #ack} (written: it is never replayed again) or {@link #release} (not written: it is
 *       replayed on the next start). A segment is deleted once all its records are acknowledged.</li>
 *   <li>{@link #open} recovers what an earlier run left: every record's length and CRC are checked,
 *       a torn or corrupt one is skipped with a WARN naming the file and offset, its points are
 *       reported as {@link Listener#lost lost}, and the records before it are kept.</li>
 * </ul>
 *
 * Memory does not grow with the log: a segment costs a bit per record, and replay reads one record
 * at a time. Thread-safe; every method takes the one lock.
 */
public final class SegmentLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);
    private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{20})\\.tfs");
    private static final Pattern ACK = Pattern.compile("segment-(\\d{20})\\.ack");
    static final String LOCK_FILE = "spool.lock";

    /** Told about records that leave the log without being replayed. */
    public interface Listener {
        /** A record was deleted to make room (drop-oldest). */
        void evicted(long seq, int points);

        /**
         * Points in torn or corrupt records: found at start-up (called from {@link #open}, once, with
         * the total), or while replaying (a record corrupted after start-up).
         */
        void lost(long points);
    }

    /** A record handed out for replay; give it back with {@link #ack} or {@link #release}. */
    public static final class Entry {
        private final long seq;
        private final int points;
        private final long appendedMs;
        private final byte[] payload;
        final Segment segment;
        final int ordinal;
        final long offset;

        Entry(long seq, int points, long appendedMs, byte[] payload, Segment segment, int ordinal, long offset) {
            this.seq = seq;
            this.points = points;
            this.appendedMs = appendedMs;
            this.payload = payload;
            this.segment = segment;
            this.ordinal = ordinal;
            this.offset = offset;
        }

        public long seq() {
            return seq;
        }

        public int points() {
            return points;
        }

        public long appendedMs() {
            return appendedMs;
        }

        public byte[] payload() {
            return payload;
        }

        @Override
        public String toString() {
            return "record seq " + seq + " (" + points + " points) at " + segment.path.getFileName() + ":" + offset;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final boolean dropOldest;
    private final SpoolConfig.Fsync fsync;
    private final long fsyncIntervalMs;
    private final Clock clock;
    private final Listener listener;
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, 60_000);
    private final FileChannel lockChannel;
    private final FileLock lock;

    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Set<Entry> out = Collections.newSetFromMap(new IdentityHashMap<>());
    private Segment active;
    private long nextId = 1;
    private long totalBytes;
    private long maxSeq;
    private long lastSyncMs;
    private boolean closed;

    // the replay cursor: the next record to hand out
    private final Cursor read = new Cursor(0, RecordFormat.FILE_HEADER, 0);

    private long written;
    private long replayed;
    private long corrupt;
    private long evictedRecords;
    private long syncs;

    private SegmentLog(SpoolConfig cfg, Clock clock, Listener listener, FileChannel lockChannel, FileLock lock) {
        this.dir = cfg.dir();
        this.maxBytes = cfg.maxBytes();
        this.segmentBytes = cfg.segmentBytes();
        this.dropOldest = cfg.onFull() == SpoolConfig.OnFull.DROP_OLDEST;
        this.fsync = cfg.fsync();
        this.fsyncIntervalMs = cfg.fsyncInterval().toMillis();
        this.clock = clock;
        this.listener = listener;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.lastSyncMs = clock.millis();
    }

    /**
     * Opens (creating it when needed) and locks the spool directory, and recovers the segments an
     * earlier run left. Fails when the directory cannot be created or written, or another process
     * holds it.
     */
    public static SegmentLog open(SpoolConfig cfg, Clock clock, Listener listener) throws IOException {
        Files.createDirectories(cfg.dir());
        FileChannel lc = FileChannel.open(cfg.dir().resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lc.close();
            throw new IOException("the spool directory " + cfg.dir().toAbsolutePath()
                    + " is in use by another collector (it holds " + LOCK_FILE + ")");
        }
        SegmentLog l = new SegmentLog(cfg, clock, listener, lc, lock);
        try {
            l.recover();
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> acks = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (SEGMENT.matcher(n).matches()) {
                    files.add(p);
                } else if (ACK.matcher(n).matches()) {
                    acks.add(p);
                }
            }
        }
        files.sort(null);
        Segment.Damage damage = new Segment.Damage();
        for (int i = 0; i < files.size(); i++) {
            Path p = files.get(i);
            Matcher m = SEGMENT.matcher(p.getFileName().toString());
            m.matches();
            long id = Long.parseLong(m.group(1));
            nextId = Math.max(nextId, id + 1);
            Segment s = Segment.recover(p, id, i == files.size() - 1, log, damage);
            if (s == null) {
                continue;
            }
            if (s.unacked == 0) {
                s.delete(); // fully acknowledged before the stop
                continue;
            }
            segments.put(id, s);
            totalBytes += s.size;
            maxSeq = Math.max(maxSeq, s.maxSeq);
        }
        corrupt += damage.records;
        if (damage.points > 0) {
            listener.lost(damage.points); // each damaged record's WARN says how many
        }
        for (Path a : acks) {
            Path seg = a.resolveSibling(a.getFileName().toString().replace(".ack", ".tfs"));
            if (!Files.exists(seg)) {
                Files.deleteIfExists(a); // its segment was deleted after the last ack
            }
        }
        read.moveTo(segments.isEmpty() ? nextId : segments.firstKey());
        if (!segments.isEmpty()) {
            log.info("Spool {}: {} points in {} records ({} bytes) from an earlier run; they are replayed first",
                    dir.toAbsolutePath(), points(), records(), totalBytes);
        }
    }

    /**
     * Appends a record. Returns false when it was not stored: the log is full and on-full is
     * block, or the record alone is larger than the log may grow.
     */
    public synchronized boolean append(long seq, int points, byte[] payload) throws IOException {
        ensureOpen();
        long size = RecordFormat.HEADER + (long) payload.length;
        if (size + RecordFormat.FILE_HEADER > maxBytes) {
            return false;
        }
        if (active != null && active.records > 0 && active.size + size > segmentBytes) {
            rotate();
        }
        while (totalBytes + size + (active == null ? RecordFormat.FILE_HEADER : 0) > maxBytes) {
            if (!dropOldest || segments.isEmpty()) {
                return false;
            }
            Segment oldest = segments.firstEntry().getValue();
            if (oldest == active) {
                rotate();
                if (oldest.gone) {
                    continue; // it was fully acknowledged: rotating deleted it
                }
            }
            evict(oldest);
        }
        if (active == null) {
            active = Segment.create(dir, nextId++);
            segments.put(active.id, active);
            totalBytes += active.size;
            if (fsync == SpoolConfig.Fsync.BATCH) {
                forceDirectory(); // the new file's name must survive a power cut too
            }
        }
        long now = clock.millis();
        ByteBuffer rec = RecordFormat.encode(seq, points, now, payload);
        RecordFormat.writeFully(active.ch, rec, active.size);
        active.size += size;
        active.readableEnd = active.size;
        active.records++;
        active.unacked++;
        active.unackedPoints += points;
        active.maxSeq = Math.max(active.maxSeq, seq);
        active.dirty = true;
        totalBytes += size;
        maxSeq = Math.max(maxSeq, seq);
        written++;
        switch (fsync) {
            case BATCH -> force(active);
            case INTERVAL -> {
                if (now - lastSyncMs >= fsyncIntervalMs) {
                    syncDirty();
                }
            }
            case NEVER -> {
                // left to the OS
            }
        }
        return true;
    }

    /** For fsync = interval: forces what was appended since the last force, once the interval has passed. */
    public synchronized void sync() throws IOException {
        if (closed || fsync != SpoolConfig.Fsync.INTERVAL) {
            return;
        }
        if (clock.millis() - lastSyncMs >= fsyncIntervalMs) {
            syncDirty();
        }
    }

    private void syncDirty() throws IOException {
        for (Segment s : segments.values()) {
            if (s.dirty) {
                force(s);
            }
        }
        lastSyncMs = clock.millis();
    }

    private void force(Segment s) throws IOException {
        s.force();
        syncs++;
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened; the file's data is forced anyway
            log.debug("cannot force spool directory {}: {}", dir, e.toString());
        }
    }

    private void rotate() throws IOException {
        if (active != null && active.dirty && fsync == SpoolConfig.Fsync.INTERVAL) {
            force(active);
        }
        Segment done = active;
        active = null;
        if (done != null) {
            maybeDelete(done);
        }
    }

    /** Deletes the oldest segment to make room; its records that no sender holds are counted as evicted. */
    private void evict(Segment s) throws IOException {
        BitSet held = new BitSet();
        for (Entry e : out) {
            if (e.segment == s) {
                held.set(e.ordinal);
            }
        }
        long points = 0;
        int records = 0;
        long off = RecordFormat.FILE_HEADER;
        int ordinal = 0;
        while (off < s.readableEnd) {
            Long skipTo = s.skips.get(off);
            if (skipTo != null) {
                off = skipTo;
                continue;
            }
            RecordFormat.Parsed r = RecordFormat.parse(s.ch, off, s.readableEnd, false);
            if (!r.ok()) {
                break;
            }
            if (!s.acked.get(ordinal) && !held.get(ordinal)) {
                listener.evicted(r.seq(), r.points());
                points += r.points();
                records++;
            }
            ordinal++;
            off += r.size();
        }
        evictedRecords += records;
        remove(s);
        rateLimited.warn("evicted", "Spool {} is full (max-bytes {}): deleted its oldest segment {} with {} points in "
                        + "{} records not yet written (counted as dropped, reason spool_full)", dir.toAbsolutePath(), maxBytes, s.path.getFileName(), points,
                records);
    }

    private void remove(Segment s) throws IOException {
        segments.remove(s.id);
        totalBytes -= s.size;
        if (s == active) {
            active = null;
        }
        s.delete();
    }

    private void maybeDelete(Segment s) throws IOException {
        if (!s.gone && s.unacked == 0 && s.inFlight == 0) { // the active one too: an idle spool holds no files
            remove(s);
        }
    }

    /** Whether {@link #next} may have a record (it can still return null when only acknowledged ones remain). */
    public synchronized boolean hasUnread() {
        Map.Entry<Long, Segment> e = segments.ceilingEntry(read.segment);
        if (e == null) {
            return false;
        }
        Segment s = e.getValue();
        long off = s.id == read.segment ? read.offset : RecordFormat.FILE_HEADER;
        return off < s.readableEnd || segments.higherKey(s.id) != null;
    }

    /** The next record in order that is neither acknowledged nor handed out, or null. */
    public synchronized Entry next() throws IOException {
        ensureOpen();
        while (true) {
            Segment s = settle(read);
            if (s == null) {
                return null;
            }
            RecordFormat.Parsed r = RecordFormat.parse(s.ch, read.offset, s.readableEnd, true);
            if (!r.ok() && !(r.headerOk() && read.offset + r.size() <= s.readableEnd)) {
                unreadable(s, r.problem());
                continue;
            }
            long off = read.offset;
            int ordinal = read.ordinal++;
            read.offset += r.size();
            if (s.acked.get(ordinal)) {
                continue;
            }
            if (!r.ok()) {
                damaged(s, r, off, ordinal);
                continue;
            }
            Entry e = new Entry(r.seq(), r.points(), r.appendedMs(), r.payload(), s, ordinal, off);
            out.add(e);
            s.inFlight++;
            s.inFlightPoints += r.points();
            replayed++;
            return e;
        }
    }

    /**
     * A record that was intact at start-up or when written has a damaged payload now, and an intact
     * header: its points are lost (counted), and it is settled like a written one, on disk too, so
     * that the next start neither replays nor counts it again. The records after it are read on.
     */
    private void damaged(Segment s, RecordFormat.Parsed r, long off, int ordinal) throws IOException {
        corrupt++;
        log.warn("Spool segment {}: record at offset {} is no longer readable ({}); its {} points are lost (counted as "
                + "dropped, reason spool_corrupt)", s.path, off, r.problem(), r.points());
        s.acked.set(ordinal);
        s.unacked--;
        s.unackedPoints -= r.points();
        if (s.unacked > 0) {
            s.appendAck(off);
        }
        listener.lost(r.points());
        maybeDelete(s);
    }

    /**
     * A record that was intact at start-up or when written no longer is, and its header cannot say
     * where the next one starts: give up the rest of its segment.
     */
    private void unreadable(Segment s, String problem) throws IOException {
        corrupt++;
        long lost = s.unackedPoints - s.inFlightPoints;
        log.warn("Spool segment {}: record at offset {} is no longer readable ({}); the {} points after it in this "
                + "segment are lost (counted as dropped, reason spool_corrupt)",
                s.path, read.offset, problem, lost);
        s.readableEnd = read.offset;
        s.unacked = s.inFlight;
        s.unackedPoints = s.inFlightPoints;
        if (s == active) {
            active = null; // never append behind a corrupt record
        }
        listener.lost(lost);
        maybeDelete(s);
    }

    /** The record was written: it is never replayed again. */
    public synchronized void ack(Entry e) throws IOException {
        if (!out.remove(e)) {
            return;
        }
        Segment s = e.segment;
        if (s.gone) {
            return;
        }
        s.inFlight--;
        s.inFlightPoints -= e.points;
        s.acked.set(e.ordinal);
        s.unacked--;
        s.unackedPoints -= e.points;
        if (s.unacked > 0) {
            s.appendAck(e.offset); // a segment about to be deleted needs no acks
        }
        maybeDelete(s);
    }

    /**
     * The record was not written (shutdown). Returns whether it is still on disk, to be replayed on
     * the next start; false when its segment was evicted while it was out.
     */
    public synchronized boolean release(Entry e) {
        if (!out.remove(e)) {
            return false;
        }
        Segment s = e.segment;
        if (s.gone) {
            return false;
        }
        s.inFlight--;
        s.inFlightPoints -= e.points;
        return true;
    }

    /** Bytes of the segment files. */
    public synchronized long bytes() {
        return totalBytes;
    }

    /** Points in records not yet acknowledged (including those handed out). */
    public synchronized long points() {
        long n = 0;
        for (Segment s : segments.values()) {
            n += s.unackedPoints;
        }
        return n;
    }

    /** Records not yet acknowledged (including those handed out). */
    public synchronized long records() {
        long n = 0;
        for (Segment s : segments.values()) {
            n += s.unacked;
        }
        return n;
    }

    /** When the oldest record not yet acknowledged was appended, or -1 when there is none. */
    public synchronized long oldestAppendedMs() {
        long oldest = Long.MAX_VALUE;
        for (Entry e : out) {
            if (!e.segment.gone) {
                oldest = Math.min(oldest, e.appendedMs);
            }
        }
        long unread = peekUnreadAppendedMs();
        if (unread >= 0) {
            oldest = Math.min(oldest, unread);
        }
        return oldest == Long.MAX_VALUE ? -1 : oldest;
    }

    private long peekUnreadAppendedMs() {
        Cursor c = new Cursor(read.segment, read.offset, read.ordinal);
        for (int steps = 0; steps < 10_000; steps++) {
            Segment s = settle(c);
            if (s == null) {
                return -1;
            }
            RecordFormat.Parsed r;
            try {
                r = RecordFormat.parse(s.ch, c.offset, s.readableEnd, false);
            } catch (IOException e) {
                return -1;
            }
            if (!r.ok()) {
                return -1;
            }
            if (!s.acked.get(c.ordinal)) {
                return r.appendedMs();
            }
            c.ordinal++;
            c.offset += r.size();
        }
        return -1;
    }

    /**
     * Moves {@code c} to where the next record starts, past skipped ranges and finished segments,
     * and returns that record's segment, or null at the end of the log.
     */
    private Segment settle(Cursor c) {
        while (true) {
            Map.Entry<Long, Segment> me = segments.ceilingEntry(c.segment);
            if (me == null) {
                return null;
            }
            Segment s = me.getValue();
            if (s.id != c.segment) {
                c.moveTo(s.id);
            }
            Long skipTo = s.skips.get(c.offset);
            if (skipTo != null) {
                c.offset = skipTo;
                continue;
            }
            if (c.offset < s.readableEnd) {
                return s;
            }
            if (s == active || segments.higherKey(s.id) == null) {
                return null;
            }
            c.moveTo(s.id + 1);
        }
    }

    /** A reading position: segment id, byte offset in it, and ordinal of the record there. */
    private static final class Cursor {
        long segment;
        long offset;
        int ordinal;

        Cursor(long segment, long offset, int ordinal) {
            this.segment = segment;
            this.offset = offset;
            this.ordinal = ordinal;
        }

        void moveTo(long segmentId) {
            segment = segmentId;
            offset = RecordFormat.FILE_HEADER;
            ordinal = 0;
        }
    }

    /** The highest sequence number in the log (0 when empty): a writer continues above it. */
    public synchronized long maxSeq() {
        return maxSeq;
    }

    public synchronized long recordsWritten() {
        return written;
    }

    public synchronized long recordsReplayed() {
        return replayed;
    }

    /** Torn or corrupt records (or regions) skipped, at recovery and while replaying. */
    public synchronized long recordsCorrupt() {
        return corrupt;
    }

    public synchronized long recordsEvicted() {
        return evictedRecords;
    }

    /** How many times a segment was forced to the disk. */
    public synchronized long syncs() {
        return syncs;
    }

    public Path dir() {
        return dir;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("spool " + dir + " is closed");
        }
    }

    /** Forces what is unforced (a clean stop loses nothing, whatever the fsync policy) and unlocks the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Segment s : segments.values()) {
            try {
                if (s.dirty) {
                    force(s);
                }
            } catch (IOException e) {
                log.warn("Spool segment {}: could not force it to the disk at close: {}", s.path, e.toString());
            }
            s.close();
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("releasing the spool lock: {}", e.toString());
        }
    }
}
