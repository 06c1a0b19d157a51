package io.teleflux.dialout;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one streaming method: asks gRPC for one message at a time, hands each to the decode
 * pool, and asks for the next only once the pool accepted it. Messages of one stream are
 * processed serially and in order (rates need consecutive samples in order); different streams
 * run in parallel.
 */
final class FlowControlledHandler<Q, R> implements ServerCallHandler<Q, R> {
    private static final Logger LOG = LoggerFactory.getLogger(FlowControlledHandler.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);

    private final DialoutProtocol<Q, R> protocol;
    private final DecodePool pool;
    private final Metrics.Counter internalErrors;
    private final Metrics.Counter streamsOpened;
    private final StreamLimit limit;

    static final String TOO_MANY_STREAMS = "too many dial-out streams (teleflux.dialout.max-streams)";

    /** {@code teleflux.dialout.max-streams}, shared by every protocol of one server. */
    static final class StreamLimit {
        private final int max;
        private final AtomicInteger open = new AtomicInteger();
        private final Metrics.Counter refused;

        StreamLimit(int max, Metrics.Counter refused) {
            this.max = max;
            this.refused = refused;
        }

        boolean acquire() {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                refused.inc();
                return false;
            }
            return true;
        }

        void release() {
            open.decrementAndGet();
        }

        int max() {
            return max;
        }
    }

    FlowControlledHandler(DialoutProtocol<Q, R> protocol, DecodePool pool, Metrics metrics, StreamLimit limit) {
        this.protocol = protocol;
        this.pool = pool;
        this.limit = limit;
        this.internalErrors = metrics.counter("teleflux_decode_errors_total", "reason", "internal_error");
        this.streamsOpened = metrics.counter("teleflux_dialout_streams_total");
    }

    @Override
    public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
        Peer peer = Peer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (!limit.acquire()) {
            // refused before anything is allocated for it: the device redials later, as after any failure
            RL.warn("max_streams", "dial-out stream from {} refused: {} streams are open (teleflux.dialout.max-streams)",
                    peer, limit.max());
            call.close(Status.RESOURCE_EXHAUSTED.withDescription(TOO_MANY_STREAMS), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        streamsOpened.inc();
        Stream s = new Stream(call, protocol.open(peer), peer);
        call.request(1);
        return s;
    }

    private final class Stream extends ServerCall.Listener<Q> implements Runnable, DecodePool.Waiter {
        private final ServerCall<Q, R> call;
        private final StreamProcessor<Q, R> processor;
        private final Peer peer;
        private final ArrayDeque<Q> queue = new ArrayDeque<>();
        private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
        private Q parked;
        private int parkedSize;
        private boolean running;
        private boolean halfClosed;
        private boolean cancelled;
        private boolean done;

        Stream(ServerCall<Q, R> call, StreamProcessor<Q, R> processor, Peer peer) {
            this.call = call;
            this.processor = processor;
            this.peer = peer;
        }

        @Override
        public void onMessage(Q message) {
            int size = protocol.sizeOf(message);
            synchronized (this) {
                parked = message;
                parkedSize = size;
            }
            if (pool.reserveOrWait(size, this)) {
                admitted();
            }
        }

        @Override
        public synchronized long waitingBytes() {
            return parkedSize;
        }

        @Override
        public void admitted() {
            boolean wantMore;
            synchronized (this) {
                queue.addLast(parked);
                sizes.addLast(parkedSize);
                parked = null;
                parkedSize = 0;
                wantMore = !halfClosed && !cancelled;
                schedule();
            }
            if (wantMore) {
                call.request(1); // request() is the one ServerCall method that may be called from any thread
            }
        }

        private void schedule() {
            if (!running) {
                running = true;
                pool.execute(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                Q msg;
                int size;
                synchronized (this) {
                    msg = queue.pollFirst();
                    if (msg == null) {
                        running = false;
                        maybeFinish();
                        return;
                    }
                    size = sizes.pollFirst();
                }
                try {
                    processor.process(msg);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    internalErrors.inc();
                    RL.warn("internal:" + e.getClass().getName(), "unexpected error decoding a message from {}: {}",
                            peer, e.toString(), e);
                } finally {
                    pool.release(size);
                }
                if (Thread.currentThread().isInterrupted()) {
                    synchronized (this) {
                        running = false; // shutting down
                    }
                    return;
                }
            }
        }

        /** Under the lock: ends the call once the device half-closed and nothing is left to process. */
        private void maybeFinish() {
            if (done || running || parked != null || !queue.isEmpty() || !(halfClosed || cancelled)) {
                return;
            }
            done = true;
            try {
                if (!cancelled) {
                    R response = processor.finish();
                    call.sendHeaders(new Metadata());
                    if (response != null) {
                        call.sendMessage(response);
                    }
                    call.close(Status.OK, new Metadata());
                }
            } catch (RuntimeException e) {
                LOG.debug("closing the call from {} failed: {}", peer, e.toString());
            } finally {
                processor.closed();
                limit.release();
            }
        }

        @Override
        public void onHalfClose() {
            synchronized (this) {
                halfClosed = true;
                maybeFinish();
            }
        }

        @Override
        public void onCancel() {
            // the stream is gone, but what it already delivered is still decoded: data received is data
            synchronized (this) {
                cancelled = true;
                maybeFinish();
            }
        }
    }
}
