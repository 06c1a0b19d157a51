package io.teleflux.influx;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body that hands the HTTP client slices of the array itself. The JDK's
 * {@code BodyPublishers.ofByteArray} copies the whole body into fresh buffers first (it cannot know
 * that the caller will not change the array); a batch body never changes, and copying it was a
 * tenth of the collector's allocations.
 */
final class ByteArrayBody implements Flow.Publisher<ByteBuffer> {
    private static final int SLICE = 64 * 1024;

    private final byte[] body;

    private ByteArrayBody(byte[] body) {
        this.body = body;
    }

    /** A publisher of {@code body}, which must not change while the request may still be sent. */
    static HttpRequest.BodyPublisher of(byte[] body) {
        return HttpRequest.BodyPublishers.fromPublisher(new ByteArrayBody(body), body.length);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        // every subscription starts from the beginning: the client subscribes again to resend
        subscriber.onSubscribe(new Slices(subscriber, body));
    }

    private static final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final byte[] body;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger(); // serialises emission when request() re-enters
        private volatile boolean done;
        private int offset;

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber, byte[] body) {
            this.subscriber = subscriber;
            this.body = body;
        }

        @Override
        public void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                done = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return; // the thread already emitting picks up the new demand
            }
            do {
                while (!done && offset < body.length && demand.get() > 0) {
                    int len = Math.min(SLICE, body.length - offset);
                    ByteBuffer slice = ByteBuffer.wrap(body, offset, len).slice();
                    offset += len;
                    demand.decrementAndGet();
                    subscriber.onNext(slice);
                }
                if (!done && offset == body.length) {
                    done = true;
                    subscriber.onComplete();
                }
            } while (wip.decrementAndGet() != 0);
        }

        @Override
        public void cancel() {
            done = true;
        }
    }
}
