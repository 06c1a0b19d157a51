package io.teleflux.influx;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void growsByTheMultiplierUntilTheCap() {
        Backoff b = new Backoff(500, 30_000, 2.0, 0.2, () -> 0.0);
        assertThat(b.baseMs(0)).isEqualTo(500);
        assertThat(b.baseMs(1)).isEqualTo(1_000);
        assertThat(b.baseMs(2)).isEqualTo(2_000);
        assertThat(b.baseMs(5)).isEqualTo(16_000);
        assertThat(b.baseMs(6)).isEqualTo(30_000);
        assertThat(b.baseMs(7)).isEqualTo(30_000);
        assertThat(b.baseMs(10_000)).isEqualTo(30_000); // no overflow after a very long outage
    }

    @Test
    void jitterOnlyShortensAndStaysWithinItsFraction() {
        assertThat(new Backoff(1_000, 30_000, 2.0, 0.2, () -> 0.0).delayMs(0)).isEqualTo(1_000);
        assertThat(new Backoff(1_000, 30_000, 2.0, 0.2, () -> 0.999999).delayMs(0)).isBetween(800L, 801L);
        Random r = new Random(42);
        Backoff b = new Backoff(500, 30_000, 2.0, 0.2, r::nextDouble);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int attempt = 0; attempt < 12; attempt++) {
            long base = b.baseMs(attempt);
            for (int i = 0; i < 500; i++) {
                long d = b.delayMs(attempt);
                assertThat(d).isBetween((long) (base * 0.8), base);
                if (attempt == 11) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
            }
        }
        assertThat(max).isLessThanOrEqualTo(30_000);
        assertThat(max - min).as("the delay is actually randomised").isGreaterThan(1_000);
    }

    @Test
    void noJitterMeansExactDelays() {
        Backoff b = new Backoff(100, 1_000, 3.0, 0.0, () -> 0.7);
        assertThat(b.delayMs(0)).isEqualTo(100);
        assertThat(b.delayMs(1)).isEqualTo(300);
        assertThat(b.delayMs(2)).isEqualTo(900);
        assertThat(b.delayMs(3)).isEqualTo(1_000);
    }

    @Test
    void retryAfterIsALowerBoundAndCapped() {
        Backoff b = new Backoff(100, 1_000, 2.0, 0.0, () -> 0.0);
        assertThat(b.delayMs(0, -1)).isEqualTo(100);
        assertThat(b.delayMs(0, 5_000)).isEqualTo(5_000);
        assertThat(b.delayMs(3, 50)).isEqualTo(800); // our own backoff is longer: keep it
        assertThat(b.delayMs(0, 24 * 3_600_000L)).isEqualTo(Backoff.RETRY_AFTER_CEILING_MS);
    }
}
