package io.teleflux.influx;

/**
 * A self-contained unit of work between the batcher and the senders: uncompressed line protocol
 * (every line ends with a newline) and its line count. It holds no reference to points or buffers,
 * so it can be written to disk and read back as is (the spool stores exactly this).
 *
 * <p>The batcher hands its body over in chunks of at most {@link BatchBuffer#CHUNK} bytes: a 5,000-point
 * batch is 2-3 MB, which as one array is a G1 "humongous" object (more than half a heap region)
 * that forces early collections. The senders read the chunks; {@link #body()} joins them only for
 * the rare paths that need one array (the spool, a split, the v2 client).
 */
public final class Batch {
    private final long seq;
    private final byte[][] chunks;
    private final int length;
    private final int lines;

    /**
     * @param seq   order in which the batcher cut it; halves of a split batch keep their parent's seq
     * @param body  UTF-8 line protocol, never compressed here (each API compresses as it needs)
     * @param lines number of lines (= points) in {@code body}
     */
    Batch(long seq, byte[] body, int lines) {
        this(seq, new byte[][] {body}, lines);
    }

    /** A batch whose body is the concatenation of {@code chunks} (none of them empty). */
    Batch(long seq, byte[][] chunks, int lines) {
        int len = 0;
        for (byte[] c : chunks) {
            if (c.length == 0 && chunks.length > 1) {
                throw new IllegalArgumentException("empty chunk");
            }
            len += c.length;
        }
        byte[] last = chunks.length == 0 ? null : chunks[chunks.length - 1];
        if (lines < 1 || len == 0 || last[last.length - 1] != '\n') {
            throw new IllegalArgumentException("a batch holds at least one complete line");
        }
        this.seq = seq;
        this.chunks = chunks;
        this.length = len;
        this.lines = lines;
    }

    public long seq() {
        return seq;
    }

    public int lines() {
        return lines;
    }

    /** Bytes of line protocol. */
    public int length() {
        return length;
    }

    /** The body in order, as the batcher cut it; the arrays must not be changed. */
    public byte[][] chunks() {
        return chunks;
    }

    /** The body as one array: the only chunk, or a new array joining them. */
    public byte[] body() {
        if (chunks.length == 1) {
            return chunks[0];
        }
        byte[] body = new byte[length];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, body, at, c.length);
            at += c.length;
        }
        return body;
    }

    @Override
    public String toString() {
        return "Batch[seq=" + seq + ", lines=" + lines + ", bytes=" + length + "]";
    }

    /**
     * Two batches whose concatenation is this one, cut at the line boundary nearest to the middle.
     * Only lines are ever cut apart, never a line itself.
     */
    Batch[] split() {
        byte[] body = body();
        if (lines < 2) {
            throw new IllegalStateException("a single line cannot be split");
        }
        int mid = body.length / 2;
        int cut = -1; // index just after a '\n' that is not the final one
        for (int back = mid, fwd = mid; back >= 0 || fwd < body.length - 1; back--, fwd++) {
            if (back >= 0 && body[back] == '\n' && back < body.length - 1) {
                cut = back + 1;
                break;
            }
            if (fwd < body.length - 1 && body[fwd] == '\n') {
                cut = fwd + 1;
                break;
            }
        }
        if (cut < 0) {
            throw new IllegalStateException("batch claims " + lines + " lines but has no inner line break");
        }
        byte[] left = java.util.Arrays.copyOfRange(body, 0, cut);
        byte[] right = java.util.Arrays.copyOfRange(body, cut, body.length);
        int leftLines = countLines(left);
        return new Batch[] {new Batch(seq, left, leftLines), new Batch(seq, right, lines - leftLines)};
    }

    /** One batch holding {@code parts} in order, under the first one's seq (the parts of one split batch). */
    static Batch concat(java.util.List<Batch> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = 0;
        int lines = 0;
        for (Batch b : parts) {
            n += b.chunks.length;
            lines += b.lines;
        }
        byte[][] chunks = new byte[n][];
        int at = 0;
        for (Batch b : parts) {
            System.arraycopy(b.chunks, 0, chunks, at, b.chunks.length);
            at += b.chunks.length;
        }
        return new Batch(parts.get(0).seq, chunks, lines);
    }

    private static int countLines(byte[] b) {
        int n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }
}
