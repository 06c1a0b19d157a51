package io.teleflux.influx;

import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest {
    private final Metrics metrics = new Metrics();
    private final WriterMetrics wm = new WriterMetrics(metrics, () -> 0);
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Delivery delivery(InfluxApi api) {
        return new Delivery(api, new ErrorPolicy(new Backoff(1, 5, 2.0, 0.5, Math::random), Clock.systemUTC()), wm,
                stopping::get, Clock.systemUTC());
    }

    private static Batch batch(int n, int lineLength) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String line = "m,i=" + i + " f=" + i + "i";
            sb.append(line).append(" ".repeat(Math.max(0, lineLength - line.length()))).append('\n');
        }
        return new Batch(1, sb.toString().getBytes(StandardCharsets.UTF_8), n);
    }

    @Test
    void tooLargeIsSplitRecursivelyUntilEveryPieceFits() {
        List<String> stored = new ArrayList<>();
        ScriptedApi api = new ScriptedApi(body -> {
            if (body.length() > 100) {
                return WriteResult.http(413, null, "{\"error\":\"Request Entity Too Large\"}");
            }
            stored.add(body);
            return WriteResult.http(204, null, "");
        });
        Batch b = batch(40, 20);
        assertThat(delivery(api).deliver(b)).isEqualTo(Delivery.Outcome.SETTLED);
        assertThat(String.join("", stored)).as("every line once, in order").isEqualTo(new String(b.body(), StandardCharsets.UTF_8));
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(40);
        assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "413")).isEqualTo(api.requests.size() - stored.size());
        assertThat(metrics.value(WriterMetrics.REQUESTS)).isEqualTo(api.requests.size());
    }

    @Test
    void aSingleLineThatIsStillTooLargeIsDroppedAndTheRestWritten() {
        ScriptedApi api = new ScriptedApi(body -> body.contains("HUGE")
                ? WriteResult.http(413, null, "") : WriteResult.http(204, null, ""));
        String body = "m f=1i 1\nm f=2i 2\nm s=\"HUGE\" 3\nm f=4i 4\n";
        assertThat(delivery(api).deliver(new Batch(1, body.getBytes(StandardCharsets.UTF_8), 4)))
                .isEqualTo(Delivery.Outcome.SETTLED);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "too_large")).isEqualTo(1);
    }

    @Test
    void retriesUntilTheServerAnswers() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedApi api = new ScriptedApi(body -> switch (calls.incrementAndGet()) {
            case 1 -> WriteResult.network(new java.net.ConnectException("Connection refused"));
            case 2 -> WriteResult.http(503, null, "");
            case 3 -> WriteResult.http(429, "0", "");
            default -> WriteResult.http(204, null, "");
        });
        delivery(api).deliver(batch(5, 10));
        assertThat(calls.get()).isEqualTo(4);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(5);
        assertThat(metrics.value(WriterMetrics.RETRIES)).isEqualTo(3);
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "network")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "503")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "429")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.LAST_SUCCESS)).isPositive();
    }

    @Test
    void anUndocumentedClientExceptionIsRetriedNotLost() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedApi api = new ScriptedApi(body -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("client in a bad mood");
            }
            return WriteResult.http(204, null, "");
        });
        delivery(api).deliver(batch(3, 10));
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
        assertThat(metrics.value(WriterMetrics.ERRORS, "status", "network")).isEqualTo(1);
    }

    @Test
    void partialWriteCountsOnlyTheReportedLinesAsDropped() {
        ScriptedApi api = new ScriptedApi(body -> WriteResult.http(400, null,
                "{\"error\":\"partial write: field type conflict: ... dropped=1\"}"));
        delivery(api).deliver(batch(6, 10));
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_400")).isEqualTo(1);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(5);
        assertThat(api.requests).hasSize(1);
    }

    @Test
    void clientErrorsDropTheBatchWithoutRetry() {
        ScriptedApi api = new ScriptedApi(body -> WriteResult.http(404, null, "{\"error\":\"database not found\"}"));
        delivery(api).deliver(batch(6, 10));
        assertThat(api.requests).hasSize(1);
        assertThat(metrics.value(WriterMetrics.DROPPED, "reason", "http_404")).isEqualTo(6);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isZero();
        assertThat(metrics.value(WriterMetrics.LAST_SUCCESS)).isZero();
    }

    @Test
    void stoppingAbandonsWhatIsLeftAndReturnsItUncounted() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedApi api = new ScriptedApi(body -> {
            if (calls.incrementAndGet() == 1) {
                return WriteResult.http(413, null, ""); // split into two halves of 5
            }
            if (calls.get() == 2) {
                return WriteResult.http(204, null, ""); // first half written
            }
            stopping.set(true); // the shutdown deadline passes while the second half fails
            return WriteResult.http(503, null, "");
        });
        Batch b = batch(10, 10);
        Delivery.Outcome o = delivery(api).deliver(b);
        assertThat(o.kind()).isEqualTo(Delivery.Outcome.Kind.ABANDONED);
        assertThat(o.unwritten().lines()).isEqualTo(5);
        String body = new String(b.body(), StandardCharsets.UTF_8);
        assertThat(new String(o.unwritten().body(), StandardCharsets.UTF_8)).as("the second half, unchanged")
                .isEqualTo(body.substring(body.indexOf("m,i=5 ")));
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(5);
        assertThat(metrics.sum(WriterMetrics.DROPPED)).as("the caller counts or keeps what is abandoned").isZero();
    }

    @Test
    void aRetriableFailureIsOfferedForHandOverWithEverythingUnwritten() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedApi api = new ScriptedApi(body -> switch (calls.incrementAndGet()) {
            case 1 -> WriteResult.http(413, null, ""); // split into two halves of 4
            case 2 -> WriteResult.http(503, null, ""); // the first half fails
            default -> WriteResult.http(204, null, "");
        });
        List<Batch> offered = new ArrayList<>();
        Batch b = batch(8, 10);
        Delivery.Outcome o = delivery(api).deliver(b, unwritten -> offered.add(unwritten));
        assertThat(o).isEqualTo(Delivery.Outcome.HANDED_OVER);
        assertThat(offered).hasSize(1);
        assertThat(offered.get(0).lines()).isEqualTo(8);
        assertThat(offered.get(0).seq()).isEqualTo(b.seq());
        assertThat(offered.get(0).body()).isEqualTo(b.body());
        assertThat(calls.get()).as("no retry once handed over").isEqualTo(2);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isZero();
        assertThat(metrics.sum(WriterMetrics.DROPPED)).isZero();
    }

    @Test
    void aRefusedHandOverMeansRetryingInPlace() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedApi api = new ScriptedApi(body -> calls.incrementAndGet() < 3
                ? WriteResult.network(new java.net.ConnectException("refused")) : WriteResult.http(204, null, ""));
        AtomicInteger offers = new AtomicInteger();
        Delivery.Outcome o = delivery(api).deliver(batch(3, 10), unwritten -> {
            offers.incrementAndGet();
            return false;
        });
        assertThat(o).isEqualTo(Delivery.Outcome.SETTLED);
        assertThat(offers.get()).isEqualTo(2);
        assertThat(metrics.value(WriterMetrics.WRITTEN)).isEqualTo(3);
    }
}
