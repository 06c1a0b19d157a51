package io.teleflux.sim.gnmi;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.SubscribeRequest;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.Update;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Subscribe call: takes one {@code SubscriptionList}, sends a first complete round and
 * {@code sync_response}, then (STREAM) one round per group on every boundary of its period, at
 * instants that are multiples of the period, with the model's values at exactly those instants.
 *
 * <p>Rounds run on the simulator's scheduler, never on a gRPC thread. A round is only built when
 * the call is ready for more ({@link ServerCallStreamObserver#isReady()}); at a boundary where a
 * slow collector has not taken the previous round yet, that round is skipped and counted, so a slow
 * reader costs the simulator at most one round of buffer per stream. The first round is always sent.
 */
final class SubscribeStream implements StreamObserver<SubscribeRequest> {
    private static final Path[] RELATIVE = new Path[OcLeaf.values().length];
    private static final SubscribeResponse SYNC = SubscribeResponse.newBuilder().setSyncResponse(true).build();

    static {
        for (OcLeaf l : OcLeaf.values()) {
            RELATIVE[l.ordinal()] = OcPaths.relative(l);
        }
    }

    private final GnmiSimulator sim;
    private final ServerCallStreamObserver<SubscribeResponse> out;
    private SubscriptionPlan plan;
    private Path[] prefixes;
    private ScheduledFuture<?>[] next;
    private boolean ended;

    SubscribeStream(GnmiSimulator sim, ServerCallStreamObserver<SubscribeResponse> out) {
        this.sim = sim;
        this.out = out;
        out.setOnCancelHandler(this::end);
    }

    @Override
    public void onNext(SubscribeRequest req) {
        synchronized (this) {
            if (ended) {
                return;
            }
            switch (req.getRequestCase()) {
                case SUBSCRIBE -> {
                    if (plan != null) {
                        reject(Status.INVALID_ARGUMENT.withDescription("a Subscribe stream carries one SubscriptionList;"
                                + " open another stream for another"));
                        return;
                    }
                    try {
                        plan = SubscriptionPlan.of(req.getSubscribe(), sim.served());
                    } catch (StatusException e) {
                        reject(e.getStatus());
                        return;
                    }
                    begin();
                }
                case POLL -> reject(plan == null
                        ? Status.INVALID_ARGUMENT.withDescription("a Poll before any SubscriptionList")
                        : Status.INVALID_ARGUMENT.withDescription("a Poll on a " + (plan.once ? "ONCE" : "STREAM")
                                + " subscription; POLL mode is not served"));
                case ALIASES -> reject(Status.UNIMPLEMENTED.withDescription("aliases are not served"));
                default -> reject(Status.INVALID_ARGUMENT.withDescription("a SubscribeRequest with no request set"));
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        end();
    }

    /** The collector half-closed: a STREAM subscription goes on; without one there is nothing to send. */
    @Override
    public void onCompleted() {
        synchronized (this) {
            if (plan == null && !ended) {
                end();
                try {
                    out.onCompleted();
                } catch (RuntimeException e) {
                    // the call is gone already
                }
            }
        }
    }

    private void begin() {
        prefixes = new Path[plan.entryNames.size()];
        next = new ScheduledFuture<?>[plan.groups.size()];
        sim.opened(this, plan);
        try {
            sim.scheduler().execute(this::firstRound);
        } catch (RejectedExecutionException e) {
            reject(Status.UNAVAILABLE.withDescription("the simulator is stopping"));
        }
    }

    private synchronized void firstRound() {
        if (ended) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            long[] instants = new long[plan.groups.size()];
            for (int g = 0; g < instants.length; g++) {
                long period = plan.groups.get(g).cadence.periodMs();
                instants[g] = now - Math.floorMod(now, period);
                round(plan.groups.get(g), instants[g], true);
            }
            out.onNext(SYNC);
            if (plan.once) {
                end();
                out.onCompleted();
                return;
            }
            for (int g = 0; g < instants.length; g++) {
                schedule(g, instants[g]);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private synchronized void tick(int g, long instant) {
        if (ended) {
            return;
        }
        try {
            if (out.isReady()) {
                round(plan.groups.get(g), instant, false);
            } else {
                sim.skipped.increment();
            }
            schedule(g, instant);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Schedules group {@code g}'s round at the boundary after {@code instant}, skipping (and counting) those already past. */
    private void schedule(int g, long instant) {
        long period = plan.groups.get(g).cadence.periodMs();
        long at = instant + period;
        long now = System.currentTimeMillis();
        if (now - at >= period) {
            long late = (now - at) / period;
            sim.skipped.add(late);
            at += late * period;
        }
        long when = at;
        try {
            next[g] = sim.scheduler().schedule(() -> tick(g, when), Math.max(0, when - now), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            end(); // the simulator is closing
        }
    }

    /** Sends the group's leaves at {@code instant}: one notification per list entry that has something to send. */
    private void round(SubscriptionPlan.Group g, long instant, boolean first) {
        Reading r = new Reading(sim.model(), plan.device, instant);
        long timestampNs = instant * 1_000_000L;
        SubscriptionPlan.Cadence c = g.cadence;
        for (int k = 0; k < g.entries.length; k++) {
            int entry = g.entries[k];
            if (entry < plan.interfaces()) {
                r.at(entry);
            }
            Notification.Builder n = null;
            for (long bits = g.leaves[k]; bits != 0; bits &= bits - 1) {
                int ord = Long.numberOfTrailingZeros(bits);
                OcLeaf leaf = OcLeaf.values()[ord];
                Object v = r.value(leaf);
                if (v == null) {
                    continue;
                }
                boolean send = first || !c.changesOnly() || !v.equals(g.last[k][ord])
                        || (c.heartbeatMs() > 0 && instant - g.lastSentMs[k][ord] >= c.heartbeatMs());
                g.last[k][ord] = v;
                if (!send || (first && plan.updatesOnly)) {
                    continue;
                }
                g.lastSentMs[k][ord] = instant;
                if (n == null) {
                    n = Notification.newBuilder().setTimestamp(timestampNs).setPrefix(prefix(entry));
                }
                n.addUpdate(Update.newBuilder().setPath(RELATIVE[ord])
                        .setVal(ValueEncoder.encode(leaf.type, v, plan.encoding)));
            }
            if (n != null) {
                int updates = n.getUpdateCount();
                out.onNext(SubscribeResponse.newBuilder().setUpdate(n).build());
                sim.notifications.increment();
                sim.updates.add(updates);
            }
        }
    }

    private Path prefix(int entry) {
        Path p = prefixes[entry];
        if (p == null) {
            p = OcPaths.prefix(plan.target, plan.origin, plan.container(entry), plan.entryNames.get(entry));
            prefixes[entry] = p;
        }
        return p;
    }

    private void reject(Status status) {
        sim.rejected(status);
        end();
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            // the call is gone already
        }
    }

    private void failed(RuntimeException e) {
        // most often the collector went away between the readiness check and the send
        end();
        sim.streamFailed(plan, e);
    }

    /** Ends this stream with {@code status} (the simulator is stopping). */
    synchronized void shutdown(Status status) {
        if (ended) {
            return;
        }
        end();
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            // the call is gone already
        }
    }

    /** Stops every scheduled round; idempotent. */
    private synchronized void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (next != null) {
            for (ScheduledFuture<?> f : next) {
                if (f != null) {
                    f.cancel(false);
                }
            }
        }
        if (plan != null) {
            sim.closed(this);
        }
    }
}
