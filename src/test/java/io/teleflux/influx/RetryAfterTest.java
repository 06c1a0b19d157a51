package io.teleflux.influx;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void delaySeconds() {
        assertThat(RetryAfter.millis("1", clock)).isEqualTo(1_000);
        assertThat(RetryAfter.millis(" 120 ", clock)).isEqualTo(120_000);
        assertThat(RetryAfter.millis("0", clock)).isZero();
        assertThat(RetryAfter.millis("99999999999999", clock)).isEqualTo(Backoff.RETRY_AFTER_CEILING_MS);
    }

    @Test
    void httpDate() {
        assertThat(RetryAfter.millis("Sun, 01 Mar 2026 12:00:30 GMT", clock)).isEqualTo(30_000);
        assertThat(RetryAfter.millis("Sun, 01 Mar 2026 11:00:00 GMT", clock)).as("in the past").isZero();
    }

    @Test
    void absentOrGarbage() {
        assertThat(RetryAfter.millis(null, clock)).isEqualTo(-1);
        assertThat(RetryAfter.millis("", clock)).isEqualTo(-1);
        assertThat(RetryAfter.millis("-5", clock)).isEqualTo(-1);
        assertThat(RetryAfter.millis("soon", clock)).isEqualTo(-1);
        assertThat(RetryAfter.millis("1.5", clock)).isEqualTo(-1);
    }
}
