package io.teleflux.influx;

import io.teleflux.point.LineBuffer;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;

import java.util.List;

/**
 * Line protocol for one {@code accept} chunk, encoded on the caller's thread before the writer
 * takes its batch lock, so that decode workers encode in parallel and only copy bytes under it.
 * It remembers where each line ends, so that the batcher can still cut at exactly
 * {@code batch-size} lines. One per thread, reused.
 */
final class EncodedLines {
    /** Scratch grown past this by an unusually large chunk is not kept (it would be held per thread). */
    private static final int KEEP_MAX_BYTES = 1 << 20;

    private LineBuffer buf = new LineBuffer(32 * 1024);
    private int[] ends = new int[64];
    private int count;
    private int skipped;
    private String skippedMeasurement;

    /** Encodes {@code points[from, to)}; a point without a line is skipped and counted in {@link #skipped()}. */
    void encode(List<Point> points, int from, int to) {
        if (buf.array().length > KEEP_MAX_BYTES) {
            buf = new LineBuffer(32 * 1024);
        }
        buf.reset();
        count = 0;
        skipped = 0;
        skippedMeasurement = null;
        if (ends.length < to - from) {
            ends = new int[Math.max(to - from, ends.length * 2)];
        }
        for (int i = from; i < to; i++) {
            Point p = points.get(i);
            if (LineProtocol.append(p, buf)) {
                ends[count++] = buf.length();
            } else {
                if (skipped++ == 0) {
                    skippedMeasurement = p.measurement();
                }
            }
        }
    }

    /** Lines encoded. */
    int count() {
        return count;
    }

    /** Points that had no line (no fields). */
    int skipped() {
        return skipped;
    }

    /** The measurement of the first skipped point, for the log line; null if none. */
    String skippedMeasurement() {
        return skippedMeasurement;
    }

    byte[] bytes() {
        return buf.array();
    }

    /** Byte offset just after line {@code i} (its newline included). */
    int end(int i) {
        return ends[i];
    }
}
