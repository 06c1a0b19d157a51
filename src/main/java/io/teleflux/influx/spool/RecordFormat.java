package io.teleflux.influx.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout, big-endian:
 *
 * <pre>
 * segment file  = "TFSPOOL1" record*
 * record        = magic u32 "TFR2" | hcrc u32 | length u32 | points u32 | seq u64 | appendedMs u64 | pcrc u32 | payload
 * hcrc          = CRC32C of the rest of the header (length .. pcrc)
 * pcrc          = CRC32C of the payload
 * ack file      = (offset u64 | CRC32C(offset) u32)*   one entry per acknowledged record, and per damaged
 *                                                      record already counted as lost
 * </pre>
 *
 * The length and the CRCs find a torn or corrupt record; the per-record magic lets a reader find the
 * next intact record after a corrupt one. The header has a CRC of its own so that a record whose
 * payload is damaged (a bit flip, a write torn by a crash) still says how many points it held and
 * where the next one starts: those points are counted as lost, not guessed.
 *
 * <p>Segments written before the header CRC existed hold records {@code "TFR1" | crc u32 | length u32
 * | points u32 | seq u64 | appendedMs u64 | payload}, one CRC32C over everything after it; they are
 * still read (and a damaged one's point count is estimated, see {@link #estimatePoints}).
 */
final class RecordFormat {
    static final byte[] FILE_MAGIC = "TFSPOOL1".getBytes(StandardCharsets.US_ASCII);
    static final int FILE_HEADER = FILE_MAGIC.length;
    static final int MAGIC = 0x54465232; // "TFR2"
    static final int HEADER = 36;
    /** The earlier record format, read but no longer written. */
    static final int MAGIC_V1 = 0x54465231; // "TFR1"
    static final int HEADER_V1 = 32;
    /** A bound on one record, so that a corrupt length never makes a reader allocate gigabytes. */
    static final int MAX_PAYLOAD = 256 << 20;
    static final int ACK_ENTRY = 12;

    private RecordFormat() {
    }

    /**
     * A record read back, or why none could be read at that offset ({@code problem}). A bad record
     * whose header is intact ({@code headerOk}: its own CRC matched) still has its seq, points and
     * size; otherwise they are 0.
     */
    record Parsed(long seq, int points, long appendedMs, byte[] payload, int size, String problem, boolean headerOk) {
        boolean ok() {
            return problem == null;
        }

        static Parsed bad(String problem) {
            return new Parsed(0, 0, 0, null, 0, problem, false);
        }

        /** A damaged record whose header vouches for its seq, points and size. */
        static Parsed badPayload(String problem, long seq, int points, long appendedMs, int size) {
            return new Parsed(seq, points, appendedMs, null, size, problem, true);
        }
    }

    static ByteBuffer encode(long seq, int points, long appendedMs, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        CRC32C pcrc = new CRC32C();
        pcrc.update(payload);
        b.putInt(MAGIC).putInt(0).putInt(payload.length).putInt(points).putLong(seq).putLong(appendedMs)
                .putInt((int) pcrc.getValue()).put(payload);
        CRC32C hcrc = new CRC32C();
        hcrc.update(b.array(), 8, HEADER - 8);
        b.putInt(4, (int) hcrc.getValue());
        return b.flip();
    }

    /**
     * Reads the record at {@code off}; {@code limit} is where readable data ends. Without
     * {@code verify}, only the header is read (the payload is neither read nor checked).
     */
    static Parsed parse(FileChannel ch, long off, long limit, boolean verify) throws IOException {
        if (off + 4 > limit) {
            return Parsed.bad("incomplete header: " + (limit - off) + " of " + HEADER + " bytes");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.limit((int) Math.min(HEADER, limit - off));
        readFully(ch, h, off);
        int magic = h.getInt(0);
        int hsize = magic == MAGIC ? HEADER : magic == MAGIC_V1 ? HEADER_V1 : -1;
        if (hsize < 0) {
            return Parsed.bad("bad record magic");
        }
        if (off + hsize > limit) {
            return Parsed.bad("incomplete header: " + (limit - off) + " of " + hsize + " bytes");
        }
        int crc = h.getInt(4);
        int len = h.getInt(8);
        int points = h.getInt(12);
        long seq = h.getLong(16);
        long appendedMs = h.getLong(24);
        boolean v2 = magic == MAGIC;
        if (v2) {
            CRC32C c = new CRC32C();
            c.update(h.array(), 8, HEADER - 8);
            if ((int) c.getValue() != crc) {
                return Parsed.bad("header CRC mismatch");
            }
        }
        if (len < 1 || len > MAX_PAYLOAD) {
            return Parsed.bad("implausible length " + len);
        }
        if (v2 && points < 1) {
            return Parsed.bad("record holds " + points + " points");
        }
        if (off + hsize + len > limit) {
            String problem = "length " + len + " runs past the end of the data (" + (limit - off - hsize) + " bytes left)";
            return v2 ? Parsed.badPayload(problem, seq, points, appendedMs, hsize + len) : Parsed.bad(problem);
        }
        if (!verify) {
            return new Parsed(seq, points, appendedMs, null, hsize + len, null, v2);
        }
        ByteBuffer p = ByteBuffer.allocate(len);
        readFully(ch, p, off + hsize);
        CRC32C c = new CRC32C();
        if (v2) {
            c.update(p.array(), 0, len);
            if ((int) c.getValue() != h.getInt(32)) {
                return Parsed.badPayload("CRC mismatch", seq, points, appendedMs, hsize + len);
            }
        } else {
            c.update(h.array(), 8, HEADER_V1 - 8);
            c.update(p.array(), 0, len);
            if ((int) c.getValue() != crc) {
                return Parsed.bad("CRC mismatch");
            }
            if (points < 1) {
                return Parsed.bad("record holds " + points + " points");
            }
        }
        return new Parsed(seq, points, appendedMs, p.array(), hsize + len, null, v2);
    }

    /**
     * An estimate of the points in the damaged bytes {@code [from, to)} whose record header cannot
     * be trusted (its CRC failed, or a record of the earlier format): every point is one line of
     * line protocol, so the line feeds are counted. Records at {@code ackedOffsets} were written
     * already and are left out where their header still tells their size. Exact unless the damage
     * itself added or removed line feeds (or a stray one sits in a binary header).
     */
    static long estimatePoints(FileChannel ch, long from, long to, long[] ackedOffsets) throws IOException {
        long n = 0;
        long pos = from;
        for (long a : ackedOffsets) {
            if (a < pos || a >= to) {
                continue;
            }
            Parsed r = parse(ch, a, to, false);
            if (r.ok()) {
                n += countLineFeeds(ch, pos, a);
                pos = a + r.size();
            }
        }
        return n + countLineFeeds(ch, pos, to);
    }

    private static long countLineFeeds(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long n = 0;
        for (long pos = from; pos < to; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), to - pos));
            readFully(ch, buf, pos);
            int got = buf.position();
            if (got == 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < got; i++) {
                if (a[i] == '\n') {
                    n++;
                }
            }
            pos += got;
        }
        return n;
    }

    /** The offset of the next intact record (or record with an intact header) after {@code from}, or -1. */
    static long resync(FileChannel ch, long from, long limit) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos + HEADER <= limit) {
            buf.clear();
            int want = (int) Math.min(buf.capacity(), limit - pos);
            buf.limit(want);
            readFully(ch, buf, pos);
            int n = buf.position();
            for (int i = 0; i + 4 <= n; i++) {
                int m = buf.getInt(i);
                if (m == MAGIC || m == MAGIC_V1) {
                    // an intact record, or one whose own header CRC vouches for it (its payload damaged)
                    Parsed r = parse(ch, pos + i, limit, true);
                    if (r.ok() || r.headerOk()) {
                        return pos + i;
                    }
                }
            }
            pos += Math.max(1, n - 3); // a magic may straddle two reads
        }
        return -1;
    }

    static ByteBuffer ackEntry(long offset) {
        ByteBuffer b = ByteBuffer.allocate(ACK_ENTRY);
        b.putLong(offset);
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, 8);
        b.putInt((int) c.getValue());
        return b.flip();
    }

    /** The offset in the ack entry at {@code at} of {@code b} (a heap buffer), or -1 when the entry is damaged. */
    static long ackOffset(ByteBuffer b, int at) {
        long off = b.getLong(at);
        CRC32C c = new CRC32C();
        c.update(b.array(), at, 8);
        return (int) c.getValue() == b.getInt(at + 8) ? off : -1;
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }
}
