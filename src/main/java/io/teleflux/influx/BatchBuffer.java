package io.teleflux.influx;

import java.util.Arrays;

/**
 * The batch being filled: whole lines of line protocol copied in under the writer's lock. It is
 * reused from batch to batch, so after the first few batches it has the size a full batch needs
 * and never grows again.
 */
final class BatchBuffer {
    private byte[] buf;
    private int len;
    private int lines;

    BatchBuffer(int initialCapacity) {
        buf = new byte[Math.max(1024, initialCapacity)];
    }

    int lines() {
        return lines;
    }

    /** Appends {@code n} complete lines: {@code src[off, off + length)}. */
    void append(byte[] src, int off, int length, int n) {
        if (len + length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + length));
        }
        System.arraycopy(src, off, buf, len, length);
        len += length;
        lines += n;
    }

    /** The batch's bytes (exactly its length); empties the buffer. */
    byte[] take() {
        byte[] body = Arrays.copyOf(buf, len);
        len = 0;
        lines = 0;
        return body;
    }
}
