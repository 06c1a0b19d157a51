package io.teleflux.dialout.h3c;

/**
 * Reads a number out of a JSON string value without allocating: {@code "12345"}, {@code " 61% "},
 * {@code "-1.5e3"}. Devices send counters as strings often enough that going through
 * {@code Long.parseLong} (which throws on garbage) or a regex would dominate the decode time.
 *
 * <p>One instance per thread: the parsed value is left in {@link #longValue} or {@link #doubleValue}.
 */
final class NumberText {
    static final int NONE = 0;
    static final int LONG = 1;
    static final int DOUBLE = 2;
    /** Digits only, but too large for a signed 64-bit integer (an unsigned counter ≥ 2^63). */
    static final int OVERFLOW = 3;

    long longValue;
    double doubleValue;

    /** Classifies {@code b[off, off+len)}: NONE, LONG, DOUBLE or OVERFLOW. A trailing '%' is ignored. */
    int parse(char[] b, int off, int len) {
        int s = off;
        int e = off + len;
        while (s < e && b[s] <= ' ') {
            s++;
        }
        while (e > s && b[e - 1] <= ' ') {
            e--;
        }
        if (e > s && b[e - 1] == '%') {
            e--;
            while (e > s && b[e - 1] <= ' ') {
                e--;
            }
        }
        if (s == e) {
            return NONE;
        }
        int i = s;
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        int digitsStart = i;
        long v = 0;
        boolean overflow = false;
        while (i < e && b[i] >= '0' && b[i] <= '9') {
            int d = b[i] - '0';
            if (!overflow) {
                if (v > (Long.MAX_VALUE - d) / 10) {
                    overflow = true;
                } else {
                    v = v * 10 + d;
                }
            }
            i++;
        }
        int intDigits = i - digitsStart;
        if (i == e) {
            if (intDigits == 0) {
                return NONE;
            }
            if (overflow) {
                return OVERFLOW;
            }
            longValue = negative ? -v : v;
            return LONG;
        }
        int fracDigits = 0;
        if (b[i] == '.') {
            i++;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return NONE;
        }
        if (i < e && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int expStart = i;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == expStart) {
                return NONE;
            }
        }
        if (i != e) {
            return NONE;
        }
        double d = Double.parseDouble(new String(b, s, e - s));
        if (!Double.isFinite(d)) {
            return OVERFLOW;
        }
        doubleValue = d;
        return DOUBLE;
    }

    /** True when the text starts (after blanks) with '[' or '{': a string that holds JSON. */
    static boolean holdsJson(char[] b, int off, int len) {
        for (int i = off, e = off + len; i < e; i++) {
            char c = b[i];
            if (c > ' ') {
                return c == '[' || c == '{';
            }
        }
        return false;
    }
}
