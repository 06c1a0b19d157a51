package io.teleflux.influx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * gzip at a chosen deflate level, for both APIs. The level matters: line protocol of counters and
 * rates is high-entropy (digits), so it shrinks only ~3.6x at level 1 and ~4.5x at level 6, while
 * level 6 costs about three times the CPU, and deflate is the writer's largest CPU cost.
 */
final class Gzip {
    private Gzip() {
    }

    static byte[] compress(byte[] data, int level) {
        return compress(new byte[][] {data}, level);
    }

    /** The gzip of the concatenation of {@code chunks}. */
    static byte[] compress(byte[][] chunks, int level) {
        long n = 0;
        for (byte[] c : chunks) {
            n += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(64, Math.min(n / 3, BatchBuffer.CHUNK)));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(level);
            }
        }) {
            for (byte[] c : chunks) {
                gz.write(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen writing to memory
        }
        return out.toByteArray();
    }
}
