package io.teleflux.sim.dialout;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated device's dial-out: a single call carrying every sensor path (client-streaming for
 * H3C classic, bidirectional for H3C v3, Cisco MDT and Huawei VRP: see {@link DialectEncoder}), redialled with
 * backoff whenever it fails, as Comware and IOS XR do. Responses are never waited for.
 *
 * <p>Payloads are built outside the lock; the lock only serialises the stream observer (which is
 * not thread-safe) and the state. Nothing here ever waits for the network: when the stream is not
 * ready, messages wait in a small backlog, and beyond it they are dropped and counted.
 */
final class SimDevice {
    enum State { NEW, DIALING, CONNECTED, BACKOFF, STOPPING, STOPPED }

    private record Outgoing(DialectEncoder.Payload payload, Ticket ticket, SensorPath path, long timeMs) {
    }

    private final int index;
    private final String name;
    private final DialectEncoder encoder;
    private final Fleet fleet;
    private final ManagedChannel channel;
    private final MethodDescriptor<MessageLite, Object> method;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    // guarded by this
    private final ArrayDeque<Outgoing> backlog = new ArrayDeque<>();
    private State state = State.NEW;
    private Stream stream;
    private long backoffMs;
    private boolean everConnected;
    /** Streams established so far: the number of the current one, which the sent-log records. */
    private int connections;
    private ScheduledFuture<?> redial;
    private long samples;
    private boolean stateDue = true;
    private long sent;
    private long dropped;

    /** Clock-mode task; written and cancelled by the simulator only. */
    volatile ScheduledFuture<?> clockTask;

    @SuppressWarnings("unchecked")
    SimDevice(int index, String name, DialectEncoder encoder, Fleet fleet, ManagedChannel channel) {
        this.index = index;
        this.name = name;
        this.encoder = encoder;
        this.fleet = fleet;
        this.channel = channel;
        // every request type is a protobuf message, which its marshaller serializes as MessageLite
        this.method = (MethodDescriptor<MessageLite, Object>) encoder.method();
        this.backoffMs = fleet.settings.redialInitial().toMillis();
    }

    int index() {
        return index;
    }

    ManagedChannel channel() {
        return channel;
    }

    CompletableFuture<Void> stopped() {
        return stopped;
    }

    synchronized void dial() {
        if (state == State.STOPPING || state == State.STOPPED) {
            return;
        }
        redial = null;
        if (state == State.BACKOFF) {
            // the channel's own backoff grows to minutes; ours must decide when to retry
            channel.resetConnectBackoff();
        }
        Stream s = new Stream();
        stream = s;
        state = State.DIALING;
        ClientCall<MessageLite, Object> call = channel.newCall(method, CallOptions.DEFAULT);
        if (encoder.bidi()) {
            ClientCalls.asyncBidiStreamingCall(call, s);
        } else {
            ClientCalls.asyncClientStreamingCall(call, s);
        }
    }

    /** One wall-clock sample: counters every time, state tables every n-th sample and after each (re)connect. */
    void clockSample(long timeMs) {
        boolean withState;
        synchronized (this) {
            withState = stateDue || samples % fleet.settings.stateEvery() == 0;
            stateDue = false;
            samples++;
        }
        Set<SensorPath> configured = fleet.settings.paths();
        List<SensorPath> due = new ArrayList<>(configured.size());
        for (SensorPath p : configured) {
            if (withState || p.everySample()) {
                due.add(p);
            }
        }
        sample(timeMs, due, null);
    }

    void sample(long timeMs, Iterable<SensorPath> paths, Ticket ticket) {
        List<Outgoing> out = new ArrayList<>();
        StringBuilder sb = fleet.buffer();
        for (SensorPath p : paths) {
            out.add(new Outgoing(encoder.encode(p, timeMs, sb), ticket, p, timeMs));
        }
        synchronized (this) {
            for (Outgoing o : out) {
                offer(o);
            }
        }
    }

    /** Half-closes the stream after flushing the backlog, so the collector sees a clean end. */
    synchronized void stop() {
        if (state == State.STOPPING || state == State.STOPPED) {
            return;
        }
        if (redial != null) {
            redial.cancel(false);
            redial = null;
        }
        boolean open = stream != null && (state == State.CONNECTED || state == State.DIALING);
        if (state == State.CONNECTED) {
            fleet.counters.connected.decrementAndGet();
        }
        state = State.STOPPING;
        if (!open) {
            finishStop();
            return;
        }
        // gRPC buffers beyond isReady(); at the end, delivering the backlog beats dropping it
        while (!backlog.isEmpty()) {
            send(backlog.poll());
        }
        stream.request.onCompleted();
    }

    synchronized DeviceStats stats() {
        return new DeviceStats(name, state == State.CONNECTED, sent, dropped, backlog.size(), connections);
    }

    synchronized State state() {
        return state;
    }

    // --- guarded by this ---

    private void offer(Outgoing o) {
        boolean live = stream != null && (state == State.CONNECTED || state == State.DIALING);
        if (!live) {
            drop(o);
        } else if (state == State.CONNECTED && backlog.isEmpty() && stream.request.isReady()) {
            send(o);
        } else if (backlog.size() < fleet.settings.backlogMessages()) {
            if (o.ticket != null) {
                o.ticket.queued();
            }
            backlog.add(new Outgoing(o.payload, null, o.path, o.timeMs));
        } else {
            drop(o);
        }
    }

    /** The pieces of a chunked message go together: gRPC buffers beyond isReady(), and a partial message is lost. */
    private void send(Outgoing o) {
        for (MessageLite m : o.payload.parts()) {
            stream.request.onNext(m);
        }
        sent++;
        fleet.counters.messagesSent.increment();
        fleet.counters.pointsSent.add(o.payload.rows());
        fleet.counters.bytesSent.add(o.payload.serializedSize());
        if (o.ticket != null) {
            o.ticket.sent();
        }
        SentLog log = fleet.sentLog;
        if (log != null && o.path == SensorPath.IFMGR_STATISTICS) {
            log.statistics(index, o.timeMs, connections);
        }
    }

    private void drop(Outgoing o) {
        dropped++;
        fleet.counters.messagesDropped.increment();
        if (o.ticket != null) {
            o.ticket.dropped();
        }
    }

    private void drain() {
        while (!backlog.isEmpty() && stream.request.isReady()) {
            send(backlog.poll());
        }
    }

    private synchronized void onReady(Stream s) {
        if (s != stream) {
            return;
        }
        if (state == State.DIALING) {
            state = State.CONNECTED;
            fleet.counters.connected.incrementAndGet();
            if (everConnected) {
                fleet.counters.reconnects.increment();
            }
            everConnected = true;
            connections++;
            stateDue = true;
            backoffMs = fleet.settings.redialInitial().toMillis();
        }
        if (state == State.CONNECTED) {
            drain();
        }
    }

    private synchronized void onClosed(Stream s, Throwable error) {
        if (s != stream) {
            return;
        }
        stream = null;
        if (state == State.CONNECTED) {
            fleet.counters.connected.decrementAndGet();
        }
        while (!backlog.isEmpty()) {
            drop(backlog.poll());
        }
        if (state == State.STOPPING) {
            finishStop();
            return;
        }
        fleet.counters.streamFailures.increment();
        Status status = error == null ? Status.OK.withDescription("collector ended the stream")
                : Status.fromThrowable(error);
        fleet.log.warn("stream-closed", "{}: dial-out stream to {} closed ({} {}); redialling in {} ms",
                name, fleet.settings.target(), status.getCode(), status.getDescription(), backoffMs);
        state = State.BACKOFF;
        redial = fleet.scheduler.schedule(this::dial, backoffMs, TimeUnit.MILLISECONDS);
        backoffMs = Math.min(backoffMs * 2, fleet.settings.redialMax().toMillis());
    }

    private void finishStop() {
        state = State.STOPPED;
        stopped.complete(null);
    }

    /** The observer of one call; callbacks of a superseded call are ignored. */
    private final class Stream implements ClientResponseObserver<MessageLite, Object> {
        private ClientCallStreamObserver<MessageLite> request;

        @Override
        public void beforeStart(ClientCallStreamObserver<MessageLite> requestStream) {
            this.request = requestStream;
            requestStream.setOnReadyHandler(() -> onReady(this));
        }

        @Override
        public void onNext(Object value) {
            // devices ignore whatever the collector answers (and it answers nothing on the bidi streams)
        }

        @Override
        public void onError(Throwable t) {
            onClosed(this, t);
        }

        @Override
        public void onCompleted() {
            onClosed(this, null);
        }
    }
}
