package io.teleflux.influx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What an InfluxDB 1.x error body says about a partial write, read from the whole body, however
 * long: InfluxDB answers 400 {@code "partial write: <reasons> dropped=N"} when it stored all but
 * some lines, and lists every unparsable line in full ({@code "unable to parse '<line>': ..."},
 * not included in N). With many such lines the body runs to megabytes, and N comes at its very end.
 *
 * @param reported   the body says {@code partial write}
 * @param dropped    the last {@code dropped=N} in the body, or -1 when there is none
 * @param unparsable how many {@code unable to parse '} the body holds
 */
record PartialWrite(boolean reported, long dropped, long unparsable) {
    static final PartialWrite NONE = new PartialWrite(false, -1, 0);

    /**
     * Lines InfluxDB says it dropped, at most {@code lines}; -1 when the body is not a partial-write
     * report (then the whole batch counts as dropped).
     */
    int droppedLines(int lines) {
        if (!reported || dropped < 0) {
            return -1;
        }
        long n = dropped + unparsable;
        return (int) Math.min(Math.max(n, 0), lines);
    }

    static PartialWrite of(String body) {
        if (body == null || body.isEmpty()) {
            return NONE;
        }
        Scanner s = new Scanner();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        s.feed(b, 0, b.length);
        return s.result();
    }

    /** The head of a body (what is kept, for the log) and what the whole of it says. */
    record Read(String head, PartialWrite partial) {
    }

    /**
     * Reads {@code in} to its end, or to {@code maxBytes}: keeps the first {@code headBytes} as text
     * and scans every byte for the partial-write report, so memory stays at the head plus one buffer
     * whatever the body's length. A body longer than {@code maxBytes} is not read further (its end,
     * and so {@code dropped=N}, stays unknown: the whole batch then counts as dropped).
     */
    static Read read(InputStream in, int headBytes, long maxBytes) throws IOException {
        byte[] head = in.readNBytes(headBytes);
        Scanner s = new Scanner();
        s.feed(head, 0, head.length);
        long total = head.length;
        if (head.length == headBytes) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while (total < maxBytes && (n = in.read(buf, 0, (int) Math.min(buf.length, maxBytes - total))) >= 0) {
                s.feed(buf, 0, n);
                total += n;
            }
        }
        return new Read(new String(head, StandardCharsets.UTF_8), s.result());
    }

    /**
     * Finds the three markers in a byte stream fed in pieces of any size. None of them has a proper
     * prefix that is also its suffix, so a mismatch only restarts the match (at the current byte).
     */
    static final class Scanner {
        private static final byte[] PARTIAL = bytes("partial write");
        private static final byte[] UNPARSABLE = bytes("unable to parse '");
        private static final byte[] DROPPED = bytes("dropped=");

        private int inPartial;
        private int inUnparsable;
        private int inDropped;
        /** The number after the last "dropped=" so far; -1 while not reading one. */
        private long digits = -1;
        private boolean anyDigit;
        private boolean reported;
        private long dropped = -1;
        private long unparsable;

        void feed(byte[] b, int off, int len) {
            for (int i = off, e = off + len; i < e; i++) {
                byte c = b[i];
                if (digits >= 0) {
                    if (c >= '0' && c <= '9') {
                        // saturates: a count beyond the batch is cut to the batch anyway
                        digits = digits > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : digits * 10 + (c - '0');
                        anyDigit = true;
                    } else {
                        if (anyDigit) {
                            dropped = digits;
                        }
                        digits = -1;
                    }
                }
                inPartial = step(PARTIAL, inPartial, c);
                if (inPartial == PARTIAL.length) {
                    reported = true;
                    inPartial = 0;
                }
                inUnparsable = step(UNPARSABLE, inUnparsable, c);
                if (inUnparsable == UNPARSABLE.length) {
                    unparsable++;
                    inUnparsable = 0;
                }
                inDropped = step(DROPPED, inDropped, c);
                if (inDropped == DROPPED.length) {
                    digits = 0;
                    anyDigit = false;
                    inDropped = 0;
                }
            }
        }

        /** What the bytes fed so far say (a body may end right after its count). */
        PartialWrite result() {
            return new PartialWrite(reported, digits >= 0 && anyDigit ? digits : dropped, unparsable);
        }

        private static int step(byte[] pattern, int matched, byte c) {
            if (pattern[matched] == c) {
                return matched + 1;
            }
            return pattern[0] == c ? 1 : 0;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
