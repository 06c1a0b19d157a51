package io.teleflux.point;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DecimalsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(20261207);

    /** What putShort wrote, or null when it declined. */
    private static String putShort(double v) {
        byte[] b = new byte[40];
        int end = Decimals.putShort(b, 3, v);
        return end < 0 ? null : new String(b, 3, end - 3, StandardCharsets.US_ASCII);
    }

    private static int significantDigits(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().precision();
    }

    private static double randomMagnitude(double low, double high) {
        return Math.pow(10, Math.log10(low) + RANDOM.nextDouble() * (Math.log10(high) - Math.log10(low)));
    }

    @Test
    void writesWhatDoubleToStringWritesForUpTo15SignificantDigits() {
        int taken = 0;
        for (int i = 0; i < 300_000; i++) {
            int digits = 1 + RANDOM.nextInt(17);
            double v = new BigDecimal(randomMagnitude(1e-4, 1e8)).round(new MathContext(digits)).doubleValue();
            if (RANDOM.nextBoolean()) {
                v = -v;
            }
            String fast = putShort(v);
            double a = Math.abs(v);
            boolean handled = a >= 1e-3 && a < 1e7 && v != Math.rint(v) && significantDigits(v) <= 15;
            if (handled) {
                assertThat(fast).as("%s", Double.toString(v)).isEqualTo(Double.toString(v));
                taken++;
            } else {
                assertThat(fast).as("declines %s", Double.toString(v)).isNull();
            }
        }
        assertThat(taken).isGreaterThan(100_000);
    }

    @Test
    void declinesOrAgreesOnArbitraryDoubles() {
        for (int i = 0; i < 300_000; i++) {
            double v = i % 2 == 0 ? Double.longBitsToDouble(RANDOM.nextLong()) : randomMagnitude(1e-4, 1e8) * 1.0000000000001;
            String fast = putShort(v);
            if (fast != null) {
                assertThat(fast).isEqualTo(Double.toString(v));
            }
        }
        assertThat(putShort(0.1)).isEqualTo("0.1");
        assertThat(putShort(0.001)).isEqualTo("0.001");
        assertThat(putShort(9.999999E-4)).isNull(); // Double.toString writes 9.999999E-4
        assertThat(putShort(1234567.25)).isEqualTo("1234567.25");
        assertThat(putShort(9999999.5)).isEqualTo("9999999.5");
        assertThat(putShort(1.0E7 + 0.5)).isNull(); // 1.00000005E7
        assertThat(putShort(0.1 + 0.2)).isNull(); // 17 digits: the JDK's path
        assertThat(putShort(-0.015625)).isEqualTo("-0.015625");
        assertThat(putShort(Double.NaN)).isNull();
        assertThat(putShort(Double.POSITIVE_INFINITY)).isNull();
    }

    @Test
    void roundsToSignificantDigits() {
        for (int i = 0; i < 200_000; i++) {
            double v = randomMagnitude(1e-7, 1e15);
            int digits = 1 + RANDOM.nextInt(15);
            double r = Decimals.round(v, digits);
            BigDecimal exact = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
            // the double nearest the rounded decimal, give or take a last digit at a near-tie (a * 10^k is rounded)
            double ulpOfDigit = Math.pow(10, Math.floor(Math.log10(v)) - digits + 1);
            assertThat(Math.abs(r - exact.doubleValue())).as("%s to %d digits: %s", v, digits, r)
                    .isLessThanOrEqualTo(ulpOfDigit + 4 * Math.ulp(v));
            assertThat(Math.abs(r - v)).as("%s to %d digits: %s", v, digits, r).isLessThanOrEqualTo(ulpOfDigit / 2 + 4 * Math.ulp(v));
            assertThat(significantDigits(r)).as("%s to %d digits: %s", v, digits, r).isLessThanOrEqualTo(digits);
        }
        assertThat(Decimals.round(44.44444444444444, 7)).isEqualTo(44.44444);
        assertThat(Decimals.round(98765432.1, 7)).isEqualTo(98765430.0);
        assertThat(Decimals.round(-0.000123456789, 7)).isEqualTo(-0.0001234568);
        assertThat(Decimals.round(1e15, 7)).as("outside the range: as it is").isEqualTo(1e15);
        assertThat(Decimals.round(0.0, 7)).isZero();
        assertThat(Decimals.round(Double.NaN, 7)).isNaN();
        assertThat(Decimals.round(Double.POSITIVE_INFINITY, 7)).isInfinite();
    }

    @Test
    void aRoundedRateTakesTheShortPath() {
        for (int i = 0; i < 100_000; i++) {
            double r = Decimals.round(randomMagnitude(1e-3, 1e7), Decimals.RATE_DIGITS);
            if (r != Math.rint(r) && r < 1e7) {
                assertThat(putShort(r)).as("%s", r).isEqualTo(Double.toString(r));
            }
        }
    }
}
