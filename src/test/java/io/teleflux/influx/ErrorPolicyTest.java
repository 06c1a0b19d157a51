package io.teleflux.influx;

import io.teleflux.influx.ErrorPolicy.Drop;
import io.teleflux.influx.ErrorPolicy.Retry;
import io.teleflux.influx.ErrorPolicy.Split;
import io.teleflux.influx.ErrorPolicy.Written;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorPolicyTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final ErrorPolicy policy = new ErrorPolicy(new Backoff(100, 10_000, 2.0, 0.0, () -> 0.0), clock);

    @ParameterizedTest
    @ValueSource(ints = {200, 204})
    void successIsWritten(int status) {
        assertThat(policy.decide(WriteResult.http(status, null, ""), 7, 0)).isEqualTo(new Written(7));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void throttlingAndServerErrorsAreRetriedWithGrowingBackoff(int status) {
        WriteResult r = WriteResult.http(status, null, "{\"error\":\"busy\"}");
        assertThat(policy.decide(r, 7, 0)).isEqualTo(new Retry(100));
        assertThat(policy.decide(r, 7, 1)).isEqualTo(new Retry(200));
        assertThat(policy.decide(r, 7, 20)).isEqualTo(new Retry(10_000));
    }

    @Test
    void networkErrorsAreRetried() {
        assertThat(policy.decide(WriteResult.network(new ConnectException("Connection refused")), 3, 2))
                .isEqualTo(new Retry(400));
        assertThat(policy.decide(WriteResult.network(new IOException()), 3, 0)).isEqualTo(new Retry(100));
    }

    @Test
    void retryAfterSecondsAndDateAreHonoured() {
        assertThat(policy.decide(WriteResult.http(503, "3", ""), 1, 0)).isEqualTo(new Retry(3_000));
        assertThat(policy.decide(WriteResult.http(429, "Sun, 01 Mar 2026 12:00:07 GMT", ""), 1, 0))
                .isEqualTo(new Retry(7_000));
        assertThat(policy.decide(WriteResult.http(429, "garbage", ""), 1, 0)).isEqualTo(new Retry(100));
    }

    @Test
    void tooLargeSplitsUntilASingleLineIsLeft() {
        WriteResult r = WriteResult.http(413, null, "{\"error\":\"Request Entity Too Large\"}");
        assertThat(policy.decide(r, 2, 0)).isEqualTo(new Split());
        assertThat(policy.decide(r, 1, 0)).isEqualTo(new Drop("too_large", 1, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 422, 301})
    void otherStatusesDropTheWholeBatch(int status) {
        assertThat(policy.decide(WriteResult.http(status, "1", "{\"error\":\"nope\"}"), 9, 0))
                .isEqualTo(new Drop("http_" + status, 9, 0));
    }

    @Test
    void influx1PartialWriteDropsOnlyWhatItReports() {
        String conflict = "{\"error\":\"partial write: field type conflict: input field \\\"f\\\" on measurement \\\"m\\\" "
                + "is type string, already exists as type integer dropped=2\"}";
        assertThat(policy.decide(WriteResult.http(400, null, conflict), 10, 0)).isEqualTo(new Drop("http_400", 2, 8));
        // unparsable lines are reported as dropped=0 with one "unable to parse" each
        String unparsable = "{\"error\":\"partial write: unable to parse 'bad line': invalid field format\\n"
                + "unable to parse 'x y': invalid field format dropped=0\"}";
        assertThat(policy.decide(WriteResult.http(400, null, unparsable), 10, 0)).isEqualTo(new Drop("http_400", 2, 8));
        // never more than the batch held
        assertThat(policy.decide(WriteResult.http(400, null, "partial write: x dropped=50"), 10, 0))
                .isEqualTo(new Drop("http_400", 10, 0));
    }

    @Test
    void a400WithoutPartialWriteDropsEverything() {
        assertThat(policy.decide(WriteResult.http(400, null, "{\"error\":\"unable to parse 'x': bad\"}"), 4, 0))
                .isEqualTo(new Drop("http_400", 4, 0));
    }
}
