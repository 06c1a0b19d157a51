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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    static final String RECEIVE_BUFFER_FULL = "too many bytes of unfinished messages on all dial-out streams"
            + " (teleflux.dialout.limits.receive-buffer)";
    static final String TOO_MANY_FROM_PEER = "too many dial-out streams from this address"
            + " (teleflux.dialout.limits.max-streams-per-peer)";

    /**
     * {@code teleflux.dialout.max-streams} and {@code limits.max-streams-per-peer}, shared by every
     * protocol of one server: the per-peer share keeps one host from taking every slot.
     */
    static final class StreamLimit {
        private final int max;
        private final int maxPerPeer;
        private final AtomicInteger open = new AtomicInteger();
        private final ConcurrentHashMap<String, AtomicInteger> byPeer = new ConcurrentHashMap<>();
        private final Metrics.Counter refused;
        private final Metrics.Counter refusedPeer;

        StreamLimit(int max, int maxPerPeer, Metrics.Counter refused, Metrics.Counter refusedPeer) {
            this.max = max;
            this.maxPerPeer = maxPerPeer;
            this.refused = refused;
            this.refusedPeer = refusedPeer;
        }

        /** Null when a slot was taken, else why not. */
        String acquire(String peer) {
            AtomicInteger mine = byPeer.compute(peer, (k, v) -> {
                AtomicInteger n = v == null ? new AtomicInteger() : v;
                n.incrementAndGet();
                return n;
            });
            if (mine.get() > maxPerPeer) {
                releasePeer(peer);
                refusedPeer.inc();
                return TOO_MANY_FROM_PEER;
            }
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                releasePeer(peer);
                refused.inc();
                return TOO_MANY_STREAMS;
            }
            return null;
        }

        void release(String peer) {
            open.decrementAndGet();
            releasePeer(peer);
        }

        private void releasePeer(String peer) {
            byPeer.computeIfPresent(peer, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        }

        int max() {
            return max;
        }
    }

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final Metrics.Counter idleClosed;
    private final Metrics.Counter receiveAborted;

    FlowControlledHandler(DialoutProtocol<Q, R> protocol, DecodePool pool, Metrics metrics, StreamLimit limit) {
        this.protocol = protocol;
        this.pool = pool;
        this.limit = limit;
        this.idleClosed = metrics.counter(DialoutServer.IDLE_CLOSED);
        this.receiveAborted = metrics.counter(DialoutServer.REJECTED, "reason", "receive_buffer");
        this.internalErrors = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "internal_error");
        this.streamsOpened = metrics.counter(DialoutMetrics.DIALOUT_STREAMS_TOTAL);
    }

    @Override
    public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
        Peer peer = Peer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        String refused = limit.acquire(peer.address());
        if (refused != null) {
            // refused before anything is allocated for it: the device redials later, as after any failure
            RL.warn("refused:" + refused + ":" + peer.address(), "dial-out stream from {} refused: {} ({} open in all)",
                    peer, refused, limit.open.get());
            call.close(Status.RESOURCE_EXHAUSTED.withDescription(refused), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        streamsOpened.inc();
        Stream s = new Stream(call, protocol.open(peer), peer);
        open.add(s);
        ReceiveBudget.Slot slot = ReceiveBudget.SLOT.get();
        if (slot != null) {
            slot.onAbort(s::abortForBudget);
        }
        call.request(1);
        return s;
    }

    /**
     * Closes every stream that has received no message for {@code idleNanos} and has nothing in
     * flight (the dial-out timer calls it): a silent stream holds a slot of max-streams and its
     * per-peer share, and real devices that redial must find one free.
     */
    void closeIdle(long nowNanos, long idleNanos) {
        for (Stream s : open) {
            s.closeIfIdle(nowNanos, idleNanos);
        }
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
        /** Ended by the receive budget while a message was being decoded: resources go back once it is done. */
        private boolean abortPending;
        /** {@link #finished} ran: the processor is closed and the slot given back. */
        private boolean released;
        private volatile long lastMessageNanos = System.nanoTime();

        Stream(ServerCall<Q, R> call, StreamProcessor<Q, R> processor, Peer peer) {
            this.call = call;
            this.processor = processor;
            this.peer = peer;
        }

        void closeIfIdle(long nowNanos, long idleNanos) {
            if (nowNanos - lastMessageNanos < idleNanos) {
                return;
            }
            synchronized (this) {
                if (done || running || parked != null || !queue.isEmpty()) {
                    return; // busy with what it sent, or waiting on us: not idle
                }
                done = true;
                try {
                    call.close(Status.UNAVAILABLE.withDescription("no message for "
                            + idleNanos / 1_000_000_000L + " s (teleflux.dialout.limits.idle-timeout)"), new Metadata());
                } catch (RuntimeException e) {
                    LOG.debug("closing the idle call from {} failed: {}", peer, e.toString());
                } finally {
                    finished();
                }
            }
            idleClosed.inc();
            RL.warn("idle:" + peer.address(), "dial-out stream from {} closed: no message for {} s"
                    + " (teleflux.dialout.limits.idle-timeout)", peer, idleNanos / 1_000_000_000L);
        }

        /** Ends the call because the receive budget chose it (see {@link ReceiveBudget}); from a transport thread. */
        void abortForBudget() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                try {
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription(RECEIVE_BUFFER_FULL), new Metadata());
                } catch (RuntimeException e) {
                    LOG.debug("ending the call from {} failed: {}", peer, e.toString());
                }
                if (running || parked != null || !queue.isEmpty()) {
                    abortPending = true;
                } else {
                    finished();
                }
            }
            receiveAborted.inc();
            RL.warn("receive:" + peer.address(), "dial-out stream from {} ended: the messages arriving on all streams"
                    + " passed teleflux.dialout.limits.receive-buffer and this stream held the largest unfinished one", peer);
        }

        /** Under the lock, once: the stream's resources go back. */
        private void finished() {
            released = true;
            open.remove(this);
            processor.closed();
            limit.release(peer.address());
        }

        @Override
        public void onMessage(Q message) {
            lastMessageNanos = System.nanoTime();
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
                if (released) {
                    // the collector ended this call and gave its resources back: a message still in
                    // gRPC's hands when that happened must not reach a closed processor
                    pool.release(parkedSize);
                    parked = null;
                    parkedSize = 0;
                    return;
                }
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
                } catch (RuntimeException | LinkageError | AssertionError e) {
                    // a bug triggered by one message must not leave the stream marked running for ever;
                    // VirtualMachineErrors go on to the fatal-error handler, which ends the process
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
            if (done && abortPending && !running && parked == null && queue.isEmpty()) {
                abortPending = false; // the worker is done with what the stream delivered before it was ended
                finished();
                return;
            }
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
                finished();
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
