package io.teleflux.influx;

/**
 * A self-contained unit of work between the batcher and the senders: uncompressed line protocol
 * (every line ends with a newline) and its line count. It holds no reference to points or buffers,
 * so it can be written to disk and read back as is (the spool stores exactly this).
 *
 * @param seq   order in which the batcher cut it; halves of a split batch keep their parent's seq
 * @param body  UTF-8 line protocol, never compressed here (each API compresses as it needs)
 * @param lines number of lines (= points) in {@code body}
 */
record Batch(long seq, byte[] body, int lines) {

    Batch {
        if (lines < 1 || body.length == 0 || body[body.length - 1] != '\n') {
            throw new IllegalArgumentException("a batch holds at least one complete line");
        }
    }

    /**
     * Two batches whose concatenation is this one, cut at the line boundary nearest to the middle.
     * Only lines are ever cut apart, never a line itself.
     */
    Batch[] split() {
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
        int len = 0;
        int lines = 0;
        for (Batch b : parts) {
            len += b.body.length;
            lines += b.lines;
        }
        byte[] body = new byte[len];
        int at = 0;
        for (Batch b : parts) {
            System.arraycopy(b.body, 0, body, at, b.body.length);
            at += b.body.length;
        }
        return new Batch(parts.get(0).seq, body, lines);
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
