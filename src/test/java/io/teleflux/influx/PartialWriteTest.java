package io.teleflux.influx;

import io.teleflux.influx.ErrorPolicy.Drop;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The partial-write report is read from the whole body, however long, in bounded memory. */
class PartialWriteTest {
    /** An InfluxDB 1.x answer with {@code unparsable} echoed lines of about 300 bytes before "dropped=N". */
    private static String longBody(int unparsable, long dropped) {
        StringBuilder sb = new StringBuilder("{\"error\":\"partial write: ");
        for (int i = 0; i < unparsable; i++) {
            sb.append(i == 0 ? "" : "\\n").append("unable to parse 'm,s=").append("x".repeat(260)).append(i)
                    .append(" f=': missing field value");
        }
        return sb.append(" dropped=").append(dropped).append("\"}\n").toString();
    }

    /** Hands out the bytes in pieces of 1 to 37 bytes, so that every marker is split somewhere. */
    private static InputStream trickle(byte[] b) {
        Random rnd = new Random(7);
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] out, int off, int len) {
                return super.read(out, off, Math.min(len, 1 + rnd.nextInt(37)));
            }
        };
    }

    @Test
    void theCountAtTheEndOfAMegabyteBodyIsFoundAndOnlyTheHeadIsKept() throws IOException {
        String body = longBody(3500, 1); // about 1 MB: 3,500 unparsable lines plus 1 field-type conflict
        assertThat(body.length()).isGreaterThan(1_000_000);
        PartialWrite.Read r = PartialWrite.read(trickle(body.getBytes(StandardCharsets.UTF_8)),
                WriteResult.MAX_BODY_CHARS, V1Api.MAX_BODY_SCAN);
        assertThat(r.head()).hasSize(WriteResult.MAX_BODY_CHARS).isEqualTo(body.substring(0, WriteResult.MAX_BODY_CHARS));
        assertThat(r.partial()).isEqualTo(new PartialWrite(true, 1, 3500));
        assertThat(r.partial().droppedLines(5000)).isEqualTo(3501);
        assertThat(r.partial().droppedLines(3000)).as("never more than the batch").isEqualTo(3000);
    }

    @Test
    void aShortBodyIsKeptWholeAndReadTheSameWay() throws IOException {
        String body = "{\"error\":\"partial write: field type conflict: input field \\\"f\\\" dropped=2\"}";
        PartialWrite.Read r = PartialWrite.read(trickle(body.getBytes(StandardCharsets.UTF_8)),
                WriteResult.MAX_BODY_CHARS, V1Api.MAX_BODY_SCAN);
        assertThat(r.head()).isEqualTo(body);
        assertThat(r.partial()).isEqualTo(new PartialWrite(true, 2, 0)).isEqualTo(PartialWrite.of(body));
    }

    @Test
    void theLastCountWinsAndABodyEndingInItsDigitsIsRead() {
        assertThat(PartialWrite.of("partial write: 'dropped=7' in a line; dropped=3").dropped()).isEqualTo(3);
        assertThat(PartialWrite.of("partial write: x dropped=12").droppedLines(100)).isEqualTo(12);
        assertThat(PartialWrite.of("partial write: x dropped=").droppedLines(100)).as("no digits: not a count")
                .isEqualTo(-1);
        assertThat(PartialWrite.of("partial write: x dropped=99999999999999999999999").droppedLines(10))
                .isEqualTo(10);
        assertThat(PartialWrite.of("{\"error\":\"dropped=1 but no report\"}").droppedLines(10)).isEqualTo(-1);
    }

    @Test
    void aBodyLongerThanTheScanBoundLeavesTheCountUnknown() throws IOException {
        byte[] body = longBody(1000, 1).getBytes(StandardCharsets.UTF_8);
        PartialWrite.Read r = PartialWrite.read(new ByteArrayInputStream(body), 1024, body.length - 20);
        assertThat(r.partial().reported()).isTrue();
        assertThat(r.partial().droppedLines(2000)).isEqualTo(-1);
    }

    @Test
    void theErrorPolicyCountsFromTheWholeBodyNotFromWhatIsKeptForTheLog() {
        ErrorPolicy policy = new ErrorPolicy(new Backoff(100, 10_000, 2.0, 0.0, () -> 0.0), Clock.systemUTC());
        StringBuilder conflicts = new StringBuilder("{\"error\":\"partial write: ");
        while (conflicts.length() < 200_000) {
            conflicts.append("field type conflict: input field \\\"f\\\" on measurement \\\"m\\\" is type string, "
                    + "already exists as type integer; ");
        }
        WriteResult r = WriteResult.http(400, null, conflicts.append("dropped=1\"}").toString());
        assertThat(r.body()).hasSize(WriteResult.MAX_BODY_CHARS).doesNotContain("dropped=");
        assertThat(policy.decide(r, 290, 0)).isEqualTo(new Drop("http_400", 1, 289));
    }
}
