package io.teleflux.point;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer that line protocol is encoded into directly, so that a batch is
 * built without an intermediate String per point.
 */
public final class LineBuffer {
    // package-private: LineProtocol writes a line through local copies of these (one capacity check per part)
    byte[] buf;
    int len;
    private int lines;

    public LineBuffer() {
        this(4096);
    }

    public LineBuffer(int initialCapacity) {
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

    /** "00" to "99": two digits per table look-up. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    void decimal(long v) {
        ensure(20);
        len = putLong(buf, len, v);
    }

    /** Writes v in decimal at {@code b[l]} and returns the end; the caller has made room for 20 bytes. */
    static int putLong(byte[] b, int l, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                for (int i = 0; i < MIN_VALUE.length; i++) {
                    b[l + i] = MIN_VALUE[i];
                }
                return l + MIN_VALUE.length;
            }
            b[l++] = '-';
            v = -v;
        }
        // a long has up to 19 digits: split into 8-digit groups so that the digit work is int arithmetic
        if (v < 100_000_000L) {
            return putUpTo8(b, l, (int) v);
        }
        long high = v / 100_000_000L;
        int low = (int) (v - high * 100_000_000L);
        if (high < 100_000_000L) {
            l = putUpTo8(b, l, (int) high);
        } else {
            long top = high / 100_000_000L; // at most 92
            l = putUpTo8(b, l, (int) top);
            l = put8(b, l, (int) (high - top * 100_000_000L));
        }
        return put8(b, l, low);
    }

    private static final byte[] MIN_VALUE = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    /** Exactly 8 digits, leading zeros included. */
    private static int put8(byte[] b, int l, int v) {
        int high = v / 10_000;
        put4(b, l, high);
        put4(b, l + 4, v - high * 10_000);
        return l + 8;
    }

    private static void put4(byte[] b, int l, int v) {
        int q = v / 100;
        int r = v - q * 100;
        b[l] = PAIRS[2 * q];
        b[l + 1] = PAIRS[2 * q + 1];
        b[l + 2] = PAIRS[2 * r];
        b[l + 3] = PAIRS[2 * r + 1];
    }

    /** 0 <= v < 10^8, without leading zeros. */
    private static int putUpTo8(byte[] b, int l, int v) {
        int n = v < 10_000
                ? (v < 100 ? (v < 10 ? 1 : 2) : (v < 1_000 ? 3 : 4))
                : (v < 1_000_000 ? (v < 100_000 ? 5 : 6) : (v < 10_000_000 ? 7 : 8));
        int p = l + n;
        while (v >= 100) {
            int q = v / 100;
            int r = v - q * 100;
            b[--p] = PAIRS[2 * r + 1];
            b[--p] = PAIRS[2 * r];
            v = q;
        }
        if (v >= 10) {
            b[--p] = PAIRS[2 * v + 1];
            b[--p] = PAIRS[2 * v];
        } else {
            b[--p] = (byte) ('0' + v);
        }
        return l + n;
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
