package io.teleflux.influx;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import static org.assertj.core.api.Assertions.assertThat;

/** The zero-copy request body follows the Flow contract the HTTP client relies on. */
class ByteArrayBodyTest {

    /** Requests {@code step} items at a time, from inside onNext (re-entrant), and records everything. */
    private static final class Recorder implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();
        final long step;
        final int cancelAfter;
        Flow.Subscription sub;
        int completions;
        Throwable error;

        Recorder(long step, int cancelAfter) {
            this.step = step;
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            sub = s;
            s.request(step);
        }

        @Override
        public void onNext(ByteBuffer b) {
            sizes.add(b.remaining());
            byte[] a = new byte[b.remaining()];
            b.get(a);
            bytes.writeBytes(a);
            if (sizes.size() == cancelAfter) {
                sub.cancel();
            } else if (step == 1) {
                sub.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            completions++;
        }
    }

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 7);
        }
        return b;
    }

    @Test
    void emitsTheWholeArrayInOrderOnceEvenWhenRequestReEnters() {
        byte[] body = body(200_000);
        HttpRequest.BodyPublisher p = ByteArrayBody.of(body);
        assertThat(p.contentLength()).isEqualTo(200_000);
        for (long step : new long[] {1, Long.MAX_VALUE}) {
            Recorder r = new Recorder(step, -1);
            p.subscribe(r); // a second subscription (the client resending) starts over
            assertThat(r.bytes.toByteArray()).isEqualTo(body);
            assertThat(r.sizes).hasSize(4).allMatch(s -> s <= 64 * 1024);
            assertThat(r.completions).isEqualTo(1);
            assertThat(r.error).isNull();
        }
    }

    @Test
    void stopsAtCancelAndRejectsNonPositiveDemand() {
        Recorder cancelled = new Recorder(1, 2);
        ByteArrayBody.of(body(300_000)).subscribe(cancelled);
        assertThat(cancelled.sizes).hasSize(2);
        assertThat(cancelled.completions).isZero();

        Recorder bad = new Recorder(0, -1);
        ByteArrayBody.of(body(10)).subscribe(bad);
        assertThat(bad.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(bad.sizes).isEmpty();
        assertThat(bad.completions).isZero();
    }

    @Test
    void chunksArriveAsOneBodyWithEmptyChunksSkipped() {
        byte[] a = body(100_000);
        byte[] b = body(70_000);
        HttpRequest.BodyPublisher p = ByteArrayBody.of(new byte[][] {a, new byte[0], b});
        assertThat(p.contentLength()).isEqualTo(170_000);
        Recorder r = new Recorder(1, -1);
        p.subscribe(r);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(a);
        whole.writeBytes(b);
        assertThat(r.bytes.toByteArray()).isEqualTo(whole.toByteArray());
        assertThat(r.sizes).containsExactly(65_536, 34_464, 65_536, 4_464);
        assertThat(r.completions).isEqualTo(1);
    }
}
