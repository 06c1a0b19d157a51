package io.teleflux.point;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer that line protocol is encoded into directly, so that a batch is
 * built without an intermediate String per point.
 */
public final class LineBuffer {
    private byte[] buf;
    private int len;
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
        if (v < 10) {
            buf[len++] = (byte) ('0' + v);
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int p = end - 1; p >= len; p--) {
            buf[p] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len = end;
    }

    /**
     * Appends {@code s} as UTF-8, putting a backslash before every character in {@code specials}
     * and writing CR and LF as a space (line protocol has no escape for a line break).
     */
    void escaped(String s, String specials) {
        int n = s.length();
        ensure(n + 8);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '\n' || c == '\r') {
                    c = ' ';
                }
                if (specials.indexOf(c) >= 0) {
                    ensure(2);
                    buf[len++] = '\\';
                } else {
                    ensure(1);
                }
                buf[len++] = (byte) c;
            } else {
                ensure(4);
                if (c < 0x800) {
                    buf[len++] = (byte) (0xC0 | (c >> 6));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    buf[len++] = '?'; // an unpaired surrogate has no UTF-8 form
                } else {
                    buf[len++] = (byte) (0xE0 | (c >> 12));
                    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }
    }
}
