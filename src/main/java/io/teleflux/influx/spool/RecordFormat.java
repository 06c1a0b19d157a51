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
 * record        = magic u32 "TFR1" | crc u32 | length u32 | points u32 | seq u64 | appendedMs u64 | payload
 * crc           = CRC32C of everything after the crc field (length .. end of payload)
 * ack file      = (offset u64 | CRC32C(offset) u32)*   one entry per acknowledged record
 * </pre>
 *
 * The length and the CRC find a torn or corrupt record; the per-record magic lets a reader find the
 * next intact record after a corrupt one.
 */
final class RecordFormat {
    static final byte[] FILE_MAGIC = "TFSPOOL1".getBytes(StandardCharsets.US_ASCII);
    static final int FILE_HEADER = FILE_MAGIC.length;
    static final int MAGIC = 0x54465231; // "TFR1"
    static final int HEADER = 32;
    /** A bound on one record, so that a corrupt length never makes a reader allocate gigabytes. */
    static final int MAX_PAYLOAD = 256 << 20;
    static final int ACK_ENTRY = 12;

    private RecordFormat() {
    }

    /** A record read back, or why none could be read at that offset. */
    record Parsed(long seq, int points, long appendedMs, byte[] payload, int size, String problem) {
        boolean ok() {
            return problem == null;
        }

        static Parsed bad(String problem) {
            return new Parsed(0, 0, 0, null, 0, problem);
        }
    }

    static ByteBuffer encode(long seq, int points, long appendedMs, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.putInt(MAGIC).putInt(0).putInt(payload.length).putInt(points).putLong(seq).putLong(appendedMs).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 8, b.capacity() - 8);
        b.putInt(4, (int) crc.getValue());
        return b.flip();
    }

    /**
     * Reads the record at {@code off}; {@code limit} is where readable data ends. Without
     * {@code verify}, only the header is read (the payload is neither read nor checked).
     */
    static Parsed parse(FileChannel ch, long off, long limit, boolean verify) throws IOException {
        if (off + HEADER > limit) {
            return Parsed.bad("incomplete header: " + (limit - off) + " of " + HEADER + " bytes");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(ch, h, off);
        h.flip();
        int magic = h.getInt();
        int crc = h.getInt();
        int len = h.getInt();
        int points = h.getInt();
        long seq = h.getLong();
        long appendedMs = h.getLong();
        if (magic != MAGIC) {
            return Parsed.bad("bad record magic");
        }
        if (len < 1 || len > MAX_PAYLOAD) {
            return Parsed.bad("implausible length " + len);
        }
        if (off + HEADER + len > limit) {
            return Parsed.bad("length " + len + " runs past the end of the data (" + (limit - off - HEADER)
                    + " bytes left)");
        }
        if (!verify) {
            return new Parsed(seq, points, appendedMs, null, HEADER + len, null);
        }
        ByteBuffer p = ByteBuffer.allocate(len);
        readFully(ch, p, off + HEADER);
        CRC32C c = new CRC32C();
        c.update(h.array(), 8, HEADER - 8);
        c.update(p.array(), 0, len);
        if ((int) c.getValue() != crc) {
            return Parsed.bad("CRC mismatch");
        }
        if (points < 1) {
            return Parsed.bad("record holds " + points + " points");
        }
        return new Parsed(seq, points, appendedMs, p.array(), HEADER + len, null);
    }

    /** The offset of the next intact record after {@code from}, or -1. */
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
                if (buf.getInt(i) == MAGIC && parse(ch, pos + i, limit, true).ok()) {
                    return pos + i;
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
