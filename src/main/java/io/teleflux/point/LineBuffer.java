package io.teleflux.point;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    /**
     * The field names of the last line written, by the identity of its point's key array: points
     * built by one builder share it when their fields are the same (see Point.Builder.build).
     */
    String[] namedKeys;
    LineProtocol.Name[] fieldNames = new LineProtocol.Name[16];
    /**
     * Tag values written, by tag position, and where their bytes are: a value that is the same
     * instance as the one before at its position (the device name, {@code source}) is copied from
     * there instead of escaped again. Valid for the first {@code writtenTags} positions; a cut
     * (reset, truncate) forgets them, since the bytes may be gone.
     */
    final String[] writtenValues = new String[8];
    final int[] writtenAt = new int[8];
    final int[] writtenLength = new int[8];
    int writtenTags;
    /** Scratch for a double's shortest decimal form (see LineProtocol.putDouble). */
    final StringBuilder digits = new StringBuilder(32);
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
        writtenTags = 0;
    }

    /** Cuts the buffer back to {@code length} bytes and {@code lineCount} lines (undoes a partial append). */
    public void truncate(int length, int lineCount) {
        len = length;
        lines = lineCount;
        writtenTags = 0;
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
        ensure(20);
        len = putLong(buf, len, v);
    }

    /**
     * Writes v in decimal at {@code b[l]} and returns the end. The caller has made room for 20
     * bytes: digits are stored 8 at a time, so bytes after the end may be overwritten.
     */
    static int putLong(byte[] b, int l, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                System.arraycopy(MIN_VALUE, 0, b, l, MIN_VALUE.length);
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
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** 10^d, but 0 for d = 0, so that 0 has one digit (see {@link #putUpTo8}). */
    private static final int[] POW10 = {0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** Exactly 8 digits, leading zeros included. */
    private static int put8(byte[] b, int l, int v) {
        LONG_LE.set(b, l, digits8(v));
        return l + 8;
    }

    /** 0 <= v < 10^8, without leading zeros (8 bytes are stored). */
    private static int putUpTo8(byte[] b, int l, int v) {
        // digit count without a branch per digit: floor(bits * log10(2)), plus one unless v < 10^that
        int d = ((32 - Integer.numberOfLeadingZeros(v)) * 1233) >>> 12;
        int n = d + ((POW10[d] - v - 1) >>> 31);
        LONG_LE.set(b, l, digits8(v) >>> ((8 - n) << 3)); // drop the leading zeros
        return l + n;
    }

    /** The 4 ASCII digits of 0 to 9999, leading zeros included, the first in the lowest byte. */
    private static final int[] DIGITS4 = new int[10_000];

    static {
        for (int i = 0; i < DIGITS4.length; i++) {
            DIGITS4[i] = ('0' + i / 1000) | ('0' + i / 100 % 10) << 8 | ('0' + i / 10 % 10) << 16 | ('0' + i % 10) << 24;
        }
    }

    /**
     * The 8 ASCII digits of 0 <= v < 10^8, leading zeros included, the first digit in the lowest
     * byte: two look-ups of 4 digits (a 40 KB table; numbers are most of what a line holds).
     */
    private static long digits8(int v) {
        int high = v / 10_000;
        return (DIGITS4[high] & 0xFFFF_FFFFL) | (long) DIGITS4[v - high * 10_000] << 32;
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
        ensure(s.length() * 3 + 2);
        len = putEscaped(buf, len, s, specials);
    }

    /**
     * Writes s at {@code b[l]} as UTF-8, a backslash before each ASCII char marked in specials, line
     * breaks as spaces; returns the end. Room for 3 bytes per char must exist (the worst case: 3
     * UTF-8 bytes, 4 for a pair of 2 chars, or 2 for an escape).
     */
    static int putEscaped(byte[] b, int l, String s, boolean[] specials) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '\n' || c == '\r') {
                    c = ' ';
                }
                if (specials[c]) {
                    b[l++] = '\\';
                }
                b[l++] = (byte) c;
            } else {
                l = putUtf8(b, l, s, i);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        return l;
    }

    /** The UTF-8 bytes of the non-ASCII char at {@code s[i]} (with its low surrogate, if it starts a pair). */
    static int putUtf8(byte[] b, int l, String s, int i) {
        char c = s.charAt(i);
        if (c < 0x800) {
            b[l++] = (byte) (0xC0 | (c >> 6));
            b[l++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
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
        return l;
    }
}
