package io.teleflux.point;

/**
 * Doubles with few significant digits: rounding to them, and writing such a double's shortest
 * decimal form with integer arithmetic instead of the JDK's general shortest-decimal search.
 *
 * <p>Why rates are rounded: a rate is a counter delta over a device-timestamp delta that is only
 * known to the millisecond, so at one-second samples its third or fourth significant digit is
 * already uncertain; the 17 digits of an unrounded quotient were a tenth of an interface line's bytes and
 * their formatting a few per cent of a decode worker's time.
 */
public final class Decimals {
    /** Significant digits of the rates and utilisations the rate stage writes (error at most 5e-7 of the value). */
    public static final int RATE_DIGITS = 7;

    /** The fast path takes decimals of up to this many significant digits: any two differ by more than 2 ulps. */
    private static final int MAX_DIGITS = 15;
    private static final long MAX_SIGNIFICAND = 1_000_000_000_000_000L; // 10^15
    /** 10^0 to 10^22, each exact as a double. */
    private static final double[] POW10 = new double[23];
    /** The doubles nearest 10^-10 to 10^16, for {@link #exponent}. */
    private static final double[] TENS = new double[27];
    private static final int TENS_OFFSET = 10;

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10; // exact up to 10^22
        }
        for (int e = -TENS_OFFSET; e < TENS.length - TENS_OFFSET; e++) {
            TENS[e + TENS_OFFSET] = Double.parseDouble("1e" + e);
        }
    }

    private Decimals() {
    }

    /**
     * v rounded to {@code digits} (1 to 15) significant digits: the double nearest that decimal.
     * Zero, NaN, infinities, magnitudes outside [1e-10, 1e15) and those that would need more than 22
     * decimals are returned as they are.
     */
    public static double round(double v, int digits) {
        double a = Math.abs(v);
        if (!(a >= 1e-10 && a < 1e15)) {
            return v;
        }
        int k = digits - 1 - exponent(a); // decimals to keep; negative: round to a multiple of 10^-k
        if (k >= POW10.length) {
            return v;
        }
        double r;
        if (k >= 0) {
            double s = POW10[k];
            r = Math.round(a * s) / s; // both exact, so the quotient is the double nearest the decimal
        } else {
            double s = POW10[-k];
            r = Math.round(a / s) * s; // an integer below 10^15: exact
        }
        return Math.copySign(r, v);
    }

    /** floor(log10(a)) for 1e-10 <= a < 1e16, possibly one too low at an exact power of ten. */
    private static int exponent(double a) {
        // the binary exponent gives floor(log10(a)) or one less
        int e = (int) Math.floor(Math.getExponent(a) * 0.30102999566398120);
        return a >= TENS[e + 1 + TENS_OFFSET] ? e + 1 : e;
    }

    /**
     * Writes v as {@link Double#toString(double)} would and returns the end, or returns -1 without
     * a guaranteed write when v is not one this path handles: a non-integral magnitude in
     * [1e-3, 1e7) (where {@code Double.toString} writes plain digits) whose shortest decimal has at
     * most 15 significant digits. The caller has made room for 24 bytes.
     */
    static int putShort(byte[] b, int l, double v) {
        double a = Math.abs(v);
        if (!(a >= 1e-3 && a < 1e7)) {
            return -1;
        }
        int e = exponent(a);
        int k = RATE_DIGITS - 1 - e; // first as many decimals as a rounded rate has: most doubles written are those
        long m = Math.round(a * POW10[k]);
        // the decimal m / 10^k reads back as v exactly when the (correctly rounded) quotient is v; with at
        // most 15 digits no other decimal as short does, so it is the shortest and Double.toString's
        if (m / POW10[k] != a) {
            k = MAX_DIGITS - 1 - e; // at most 17
            m = Math.round(a * POW10[k]);
            if (m >= MAX_SIGNIFICAND || m / POW10[k] != a) {
                return -1;
            }
        }
        while (k > 0 && m % 10 == 0) {
            m /= 10;
            k--;
        }
        if (k == 0) {
            return -1; // integral: the caller's integer path
        }
        if (v < 0) {
            b[l++] = '-';
        }
        if (a >= 1) {
            int end = LineBuffer.putLong(b, l, m);
            System.arraycopy(b, end - k, b, end - k + 1, k);
            b[end - k] = '.';
            return end + 1;
        }
        b[l++] = '0';
        b[l++] = '.';
        int end = LineBuffer.putLong(b, l, m);
        int zeros = k - (end - l); // leading zeros of the fraction
        if (zeros > 0) {
            System.arraycopy(b, l, b, l + zeros, end - l);
            for (int i = 0; i < zeros; i++) {
                b[l + i] = '0';
            }
        }
        return end + zeros;
    }
}
