package io.teleflux.point;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line buffer as it was before the encoder got its fast path (commit fa9f820), kept unchanged
 * as half of the oracle that {@link LineProtocolOracleTest} compares the encoder with.
 */
final class OracleBuffer {
    private byte[] buf;
    private int len;
    private int lines;

    public OracleBuffer() {
        this(4096);
    }

    public OracleBuffer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public int length() {
        return len;
    }

    /** Number of complete lines (points) appended since the last reset. */
    public int lines() {
        return lines;
    }

    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    public void reset() {
        len = 0;
        lines = 0;
    }

    /** Cuts the buffer back to {@code length} bytes and {@code lineCount} lines (undoes a partial append). */
    public void truncate(int length, int lineCount) {
        len = length;
        lines = lineCount;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    void byteRaw(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void endLine() {
        byteRaw('\n');
        lines++;
    }

    void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private static int digits(long v) {
        long p = 10;
        for (int i = 1; i < 19; i++) {
            if (v < p) {
                return i;
            }
            p *= 10;
        }
        return 19;
    }

    void decimal(long v) {
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int end = len + digits(v);
        int p = end;
        // two digits per division: counters are long, and this runs for nearly every field written
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            buf[--p] = DIGIT_ONES[r];
            buf[--p] = DIGIT_TENS[r];
            v = q;
        }
        if (v >= 10) {
            buf[--p] = DIGIT_ONES[(int) v];
            buf[--p] = DIGIT_TENS[(int) v];
        } else {
            buf[--p] = (byte) ('0' + v);
        }
        len = end;
    }

    /** Escape tables, indexed by ASCII code: true where a backslash must precede the character. */
    static boolean[] specials(String chars) {
        boolean[] t = new boolean[128];
        for (char c : chars.toCharArray()) {
            t[c] = true;
        }
        return t;
    }

    void escaped(String s, boolean[] specials) {
        int n = s.length();
        ensure(n * 3 + 2); // worst case per char: 3 UTF-8 bytes (4 for a pair of 2 chars), or 2 for an escape
        byte[] b = buf;
        int l = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '\n' || c == '\r') {
                    c = ' ';
                }
                if (specials[c]) {
                    b[l++] = '\\';
                }
                b[l++] = (byte) c;
            } else if (c < 0x800) {
                b[l++] = (byte) (0xC0 | (c >> 6));
                b[l++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[l++] = (byte) (0xF0 | (cp >> 18));
                b[l++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[l++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[l++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[l++] = '?'; // an unpaired surrogate has no UTF-8 form
            } else {
                b[l++] = (byte) (0xE0 | (c >> 12));
                b[l++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[l++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        len = l;
    }
}
