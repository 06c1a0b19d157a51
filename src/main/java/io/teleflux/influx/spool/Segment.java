package io.teleflux.influx.spool;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * One segment file and what is known of it: its records are numbered (ordinals) in file order; a
 * bit per record says whether it was acknowledged, and the offsets of acknowledged records are
 * appended to a sidecar ack file so that a restart does not replay them again. Guarded by the
 * {@link SegmentLog}'s lock.
 */
final class Segment {
    final long id;
    final Path path;
    final Path ackPath;
    final FileChannel ch;
    private FileChannel ackCh;

    long size;
    /** Where readable records end: below {@link #size} only after a corrupt tail that was kept. */
    long readableEnd;
    /** Corrupt regions found at recovery, from offset to the next intact record. */
    final Map<Long, Long> skips = new TreeMap<>();
    int records;
    final BitSet acked = new BitSet();
    int unacked;
    long unackedPoints;
    int inFlight;
    long inFlightPoints;
    long maxSeq;
    boolean dirty;
    boolean gone;

    private Segment(long id, Path path, FileChannel ch) {
        this.id = id;
        this.path = path;
        this.ackPath = ackPathOf(path);
        this.ch = ch;
    }

    static String fileName(long id) {
        return String.format("segment-%020d.tfs", id);
    }

    static Path ackPathOf(Path segment) {
        String n = segment.getFileName().toString();
        return segment.resolveSibling(n.substring(0, n.length() - 4) + ".ack");
    }

    static Segment create(Path dir, long id) throws IOException {
        Path p = dir.resolve(fileName(id));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment s = new Segment(id, p, ch);
        RecordFormat.writeFully(ch, ByteBuffer.wrap(RecordFormat.FILE_MAGIC), 0);
        s.size = RecordFormat.FILE_HEADER;
        s.readableEnd = s.size;
        s.dirty = true;
        return s;
    }

    /** What recovery found damaged: corrupt records (or regions), and the points they held. */
    static final class Damage {
        long records;
        /** Exact where the record header is intact, else estimated (see {@link RecordFormat#estimatePoints}). */
        long points;
    }

    /**
     * Opens a segment left by an earlier run and checks every record. A torn or corrupt record is
     * reported with the file and offset and counted in {@code damage} with its points (not those
     * of records already acknowledged); the reader skips to the next intact record, and a tail with
     * none is cut off ({@code last}: the file is truncated there). Returns null for a file that holds
     * nothing usable (it is deleted when it is only a torn file header).
     */
    static Segment recover(Path p, long id, boolean last, Logger log, Damage damage) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        ByteBuffer magic = ByteBuffer.allocate(RecordFormat.FILE_HEADER);
        RecordFormat.readFully(ch, magic, 0);
        boolean badMagic = size >= RecordFormat.FILE_HEADER && !Arrays.equals(magic.array(), RecordFormat.FILE_MAGIC);
        if (badMagic && RecordFormat.resync(ch, RecordFormat.FILE_HEADER, size) >= 0) {
            // only the file header is damaged: the records vouch for themselves, so the file is ours
            log.warn("Spool segment {}: damaged file header; it holds intact spool records, which are read, and the "
                    + "header is rewritten", p);
            RecordFormat.writeFully(ch, ByteBuffer.wrap(RecordFormat.FILE_MAGIC), 0);
            ch.force(false);
            damage.records++;
        } else if (size < RecordFormat.FILE_HEADER || badMagic) {
            ch.close();
            if (size < RecordFormat.FILE_HEADER) {
                log.warn("Spool segment {}: torn file header ({} bytes, crash while it was created); deleted", p, size);
                Files.deleteIfExists(p);
                Files.deleteIfExists(ackPathOf(p));
            } else {
                log.warn("Spool segment {}: not a spool segment (bad file header, and no intact spool record in it); "
                        + "ignored and left in place", p);
            }
            damage.records++;
            return null;
        }
        Segment s = new Segment(id, p, ch);
        s.size = size;
        long[] ackedOffsets = s.readAcks();
        long off = RecordFormat.FILE_HEADER;
        long end = size;
        while (off < end) {
            RecordFormat.Parsed r = RecordFormat.parse(ch, off, end, true);
            if (r.ok()) {
                if (Arrays.binarySearch(ackedOffsets, off) >= 0) {
                    s.acked.set(s.records);
                } else {
                    s.unacked++;
                    s.unackedPoints += r.points();
                }
                s.maxSeq = Math.max(s.maxSeq, r.seq());
                s.records++;
                off += r.size();
                continue;
            }
            damage.records++;
            // an intact header gives the next record's offset; else look for it
            long next = r.headerOk() && off + r.size() <= end ? off + r.size() : RecordFormat.resync(ch, off + 1, end);
            long regionEnd = next < 0 ? end : next;
            long lost;
            String lostText;
            boolean settled = Arrays.binarySearch(ackedOffsets, off) >= 0; // written, or counted by an earlier start
            if (settled) {
                lost = 0;
                lostText = "nothing lost (written, or counted, before)";
            } else if (r.headerOk()) {
                lost = r.points();
                lostText = lost + " points lost (counted as dropped, reason spool_corrupt)";
            } else {
                lost = RecordFormat.estimatePoints(ch, off, regionEnd, ackedOffsets);
                lostText = "about " + lost + " points lost (estimated from its line feeds, as no intact record header "
                        + "says; counted as dropped, reason spool_corrupt)";
            }
            damage.points += lost;
            if (!settled && (next >= 0 || !last)) {
                // the damaged bytes stay in the file: an ack entry at their offset keeps the next start
                // from counting them again
                s.appendAck(off);
            }
            if (next < 0) {
                log.warn("Spool segment {}: torn or corrupt record at offset {} ({}); the {} bytes from there on hold no "
                        + "intact record and are {}; the {} records before it are kept; {}", p, off, r.problem(),
                        end - off, last ? "cut off" : "skipped", s.records, lostText);
                if (last) {
                    ch.truncate(off);
                    ch.force(true);
                    s.size = off;
                }
                end = off;
                break;
            }
            log.warn("Spool segment {}: torn or corrupt record at offset {} ({}); skipped {} bytes to the next record at "
                    + "offset {}; {}", p, off, r.problem(), next - off, next, lostText);
            s.skips.put(off, next);
            off = next;
        }
        s.readableEnd = end;
        return s;
    }

    private long[] readAcks() throws IOException {
        if (!Files.exists(ackPath)) {
            return new long[0];
        }
        byte[] all = Files.readAllBytes(ackPath);
        ByteBuffer b = ByteBuffer.wrap(all);
        int n = all.length / RecordFormat.ACK_ENTRY; // a torn last entry is ignored: replaying it is harmless
        long[] out = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long off = RecordFormat.ackOffset(b, i * RecordFormat.ACK_ENTRY);
            if (off >= 0) {
                out[k++] = off;
            }
        }
        long[] valid = Arrays.copyOf(out, k);
        Arrays.sort(valid);
        return valid;
    }

    /** Records the acknowledgement on disk (not forced: losing it only means replaying that record again). */
    void appendAck(long offset) throws IOException {
        if (ackCh == null) {
            ackCh = FileChannel.open(ackPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer e = RecordFormat.ackEntry(offset);
        while (e.hasRemaining()) {
            ackCh.write(e);
        }
    }

    void force() throws IOException {
        ch.force(false);
        dirty = false;
    }

    void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a file we only read or already forced
        }
        if (ackCh != null) {
            try {
                ackCh.close();
            } catch (IOException ignored) {
                // the ack file is advisory
            }
        }
    }

    void delete() throws IOException {
        gone = true;
        close();
        Files.deleteIfExists(path);
        Files.deleteIfExists(ackPath);
    }
}
