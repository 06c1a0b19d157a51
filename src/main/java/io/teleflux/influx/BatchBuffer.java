package io.teleflux.influx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The batch being filled: whole lines of line protocol copied in under the writer's lock, into
 * chunks of {@link #CHUNK} bytes. A cut hands the full chunks over as they are (no copy) and
 * copies only the last, partly filled one; no array is ever large enough to be a G1 humongous
 * object (half a region; regions are at least 1 MB).
 */
final class BatchBuffer {
    static final int CHUNK = 256 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] cur = new byte[CHUNK];
    private int curLen;
    private int lines;

    int lines() {
        return lines;
    }

    /** Appends {@code n} complete lines: {@code src[off, off + length)}. */
    void append(byte[] src, int off, int length, int n) {
        while (length > 0) {
            if (curLen == CHUNK) {
                full.add(cur);
                cur = new byte[CHUNK];
                curLen = 0;
            }
            int k = Math.min(length, CHUNK - curLen);
            System.arraycopy(src, off, cur, curLen, k);
            curLen += k;
            off += k;
            length -= k;
        }
        lines += n;
    }

    /** The batch's bytes in chunks (none empty); empties the buffer. */
    byte[][] take() {
        byte[][] chunks = full.toArray(new byte[full.size() + (curLen > 0 ? 1 : 0)][]);
        if (curLen > 0) {
            chunks[chunks.length - 1] = Arrays.copyOf(cur, curLen);
        }
        full.clear();
        curLen = 0;
        lines = 0;
        return chunks;
    }
}
