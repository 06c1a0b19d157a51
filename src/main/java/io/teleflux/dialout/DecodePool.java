package io.teleflux.dialout;

import io.teleflux.selfmon.Metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Decode workers behind a queue bounded in bytes.
 *
 * <p>A stream whose next message does not fit waits in line, holding that message, and is not
 * asked for another one; gRPC flow control then stops reading its socket. When a worker frees
 * space, waiting streams are admitted in arrival order. A message is always admitted into an empty
 * queue, so one message larger than the budget still makes progress.
 */
final class DecodePool implements AutoCloseable {
    /** A stream waiting for queue space. */
    interface Waiter {
        long waitingBytes();

        /** Called (outside the pool's lock) once the waiting bytes were reserved. */
        void admitted();
    }

    /** Read by the collector's /health (see {@link #stalledSeconds()}). */
    static final String STALLED = DialoutMetrics.DIALOUT_DECODE_STALLED_SECONDS;

    private final long maxBytes;
    private final ExecutorService workers;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long bytes;
    /** When a message last finished decoding, or bytes last became non-zero (System.nanoTime). */
    private long lastProgressNanos = System.nanoTime();
    private final Metrics.Counter paused;

    DecodePool(int threads, long maxBytes, Metrics metrics) {
        this.maxBytes = maxBytes;
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("dialout-decode-", 1).daemon().factory());
        metrics.describe(DialoutMetrics.DIALOUT_QUEUE_BYTES, Metrics.Type.GAUGE,
                "Bytes of dial-out messages received and waiting for a decode worker");
        metrics.describe(DialoutMetrics.DIALOUT_FLOW_PAUSED_TOTAL, Metrics.Type.COUNTER,
                "Times a stream was paused because the decode queue was full");
        metrics.gauge(DialoutMetrics.DIALOUT_QUEUE_BYTES, this::queuedBytes);
        metrics.describe(DialoutMetrics.DIALOUT_STREAMS_WAITING, Metrics.Type.GAUGE, "Streams paused for decode queue space");
        metrics.gauge(DialoutMetrics.DIALOUT_STREAMS_WAITING, this::waiting);
        this.paused = metrics.counter(DialoutMetrics.DIALOUT_FLOW_PAUSED_TOTAL);
        metrics.describe(STALLED, Metrics.Type.GAUGE,
                "Seconds since a decode worker last finished a message while messages wait (0 when none wait); "
                        + "/health reports the decoders stuck when it exceeds teleflux.health.stall-timeout");
        metrics.gauge(STALLED, this::stalledSeconds);
    }

    /** Reserves {@code size} bytes now, or queues {@code w} to be admitted later and returns false. */
    boolean reserveOrWait(long size, Waiter w) {
        synchronized (this) {
            if (waiters.isEmpty() && (bytes == 0 || bytes + size <= maxBytes)) {
                if (bytes == 0) {
                    lastProgressNanos = System.nanoTime(); // an idle queue is not a stalled one
                }
                bytes += size;
                return true;
            }
            waiters.addLast(w);
        }
        paused.inc();
        return false;
    }

    void release(long size) {
        List<Waiter> admit = null;
        synchronized (this) {
            bytes -= size;
            lastProgressNanos = System.nanoTime(); // release() is called once a message is decoded
            while (!waiters.isEmpty()) {
                long need = waiters.peekFirst().waitingBytes();
                if (bytes != 0 && bytes + need > maxBytes) {
                    break;
                }
                bytes += need;
                if (admit == null) {
                    admit = new ArrayList<>(4);
                }
                admit.add(waiters.pollFirst());
            }
        }
        if (admit != null) {
            for (Waiter w : admit) {
                w.admitted();
            }
        }
    }

    /** Forgets a waiter whose stream went away; returns true when it was still waiting. */
    synchronized boolean cancelWait(Waiter w) {
        return waiters.remove(w);
    }

    void execute(Runnable r) {
        workers.execute(r);
    }

    synchronized long queuedBytes() {
        return bytes;
    }

    /** Seconds since a message last finished decoding, while messages wait; 0 when none wait. */
    synchronized double stalledSeconds() {
        return bytes == 0 ? 0 : (System.nanoTime() - lastProgressNanos) / 1e9;
    }

    synchronized int waiting() {
        return waiters.size();
    }

    @Override
    public void close() {
        workers.shutdown();
    }

    boolean awaitTermination(long millis) throws InterruptedException {
        return workers.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
