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

    private final byte[][] chunks;

    private ByteArrayBody(byte[][] chunks) {
        this.chunks = chunks;
    }

    /** A publisher of {@code body}, which must not change while the request may still be sent. */
    static HttpRequest.BodyPublisher of(byte[] body) {
        return of(new byte[][] {body});
    }

    /** A publisher of the concatenation of {@code chunks}, which must not change while the request may still be sent. */
    static HttpRequest.BodyPublisher of(byte[][] chunks) {
        long length = 0;
        for (byte[] c : chunks) {
            length += c.length;
        }
        return HttpRequest.BodyPublishers.fromPublisher(new ByteArrayBody(chunks), length);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        // every subscription starts from the beginning: the client subscribes again to resend
        subscriber.onSubscribe(new Slices(subscriber, chunks));
    }

    private static final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final byte[][] chunks;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger(); // serialises emission when request() re-enters
        private volatile boolean done;
        private int chunk;
        private int offset; // in chunks[chunk]

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber, byte[][] chunks) {
            this.subscriber = subscriber;
            this.chunks = chunks;
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
                while (!done && chunk < chunks.length && demand.get() > 0) {
                    byte[] c = chunks[chunk];
                    int len = Math.min(SLICE, c.length - offset);
                    ByteBuffer slice = ByteBuffer.wrap(c, offset, len).slice();
                    offset += len;
                    if (offset == c.length) {
                        chunk++;
                        offset = 0;
                    }
                    if (len == 0) {
                        continue; // an empty chunk: nothing to send
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(slice);
                }
                if (!done && chunk == chunks.length) {
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
