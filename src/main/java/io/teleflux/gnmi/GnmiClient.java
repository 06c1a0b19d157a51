package io.teleflux.gnmi;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.teleflux.component.Component;
import io.teleflux.input.Ownership;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The gNMI input as a component: one {@link TargetSession} per target. gRPC's callbacks run on
 * virtual threads (never on the event loop), and only queue what arrives; each session maps and
 * hands on its own target's notifications on its own virtual thread.
 *
 * <p>When collectors share their targets ({@link Ownership}), a session exists only while its
 * target is this collector's: opened when the target becomes owned, stopped when it is taken away.
 */
final class GnmiClient implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(GnmiClient.class);

    private final GnmiConfig cfg;
    private final PointSink sink;
    private final GnmiMetrics metrics;
    private final LongSupplier clock;
    private final Ownership ownership;
    /** The running sessions by target name; guarded by this. */
    private final Map<String, TargetSession> sessions = new LinkedHashMap<>();
    private final Map<String, SslContext> contexts = new LinkedHashMap<>();
    private final Map<String, GnmiMetrics.Target> targetMetrics = new LinkedHashMap<>();
    private volatile int owned;
    private ExecutorService executor;
    private boolean started;
    private boolean closed;

    GnmiClient(GnmiConfig cfg, PointSink sink, Metrics metrics, LongSupplier clock) {
        this(cfg, sink, metrics, clock, Ownership.ALL);
    }

    GnmiClient(GnmiConfig cfg, PointSink sink, Metrics metrics, LongSupplier clock, Ownership ownership) {
        this.cfg = cfg;
        this.sink = sink;
        this.metrics = new GnmiMetrics(metrics);
        this.clock = clock;
        this.ownership = ownership;
        metrics.describe(GnmiMetrics.TARGETS_OWNED, Metrics.Type.GAUGE,
                "gNMI targets this collector subscribes to: all of them, or its share when collectors share them (teleflux.share)");
        metrics.gauge(GnmiMetrics.TARGETS_OWNED, () -> owned);
    }

    @Override
    public String name() {
        return "gnmi";
    }

    @Override
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        // every target's TLS files are loaded now, owned or not: a bad file fails the start, not a later move
        for (GnmiTarget t : cfg.targets()) {
            contexts.put(t.name(), t.tls().enabled() ? sslContext(t.key(), t.tls()) : null);
            targetMetrics.put(t.name(), metrics.target(t.name()));
            if (!t.tls().enabled() && !t.password().isEmpty()) {
                LOG.warn("gNMI {}: tls.enabled = false: its password travels in clear text ({})", t.name(), t.key());
            }
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gnmi-grpc-", 0).factory());
        ownership.onChange(this::follow);
        follow();
        LOG.info("gNMI: subscribing to {} of {} target(s)", owned, cfg.targets().size());
    }

    /**
     * Opens a session for each owned target that has none, and stops the session of each target
     * no longer owned (its stream is cancelled before this returns; the thread ends on its own).
     * A target's key among collectors is its name.
     */
    private synchronized void follow() {
        if (!started || closed) {
            return;
        }
        int n = 0;
        for (GnmiTarget t : cfg.targets()) {
            boolean mine = ownership.owns(t.name());
            TargetSession s = sessions.get(t.name());
            if (mine) {
                n++;
                if (s == null) {
                    s = new TargetSession(t, cfg, contexts.get(t.name()), executor, sink, targetMetrics.get(t.name()), clock);
                    sessions.put(t.name(), s);
                    s.start();
                    if (ownership != Ownership.ALL) {
                        LOG.info("gNMI {}: now this collector's target; subscribing", t.name());
                    }
                }
            } else if (s != null) {
                sessions.remove(t.name());
                s.stop();
                LOG.info("gNMI {}: no longer this collector's target; subscription cancelled", t.name());
            }
        }
        owned = n;
    }

    /** The client TLS context of the target at {@code key}; a file that cannot be loaded is an error naming the key. */
    static SslContext sslContext(String key, GnmiTls tls) throws IOException {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient().protocols("TLSv1.3", "TLSv1.2");
            if (tls.caFile() != null) {
                b.trustManager(tls.caFile().toFile());
            }
            if (tls.certFile() != null) {
                b.keyManager(tls.certFile().toFile(), tls.keyFile().toFile());
            }
            return b.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(key + ".tls: cannot load " + tls + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close(Duration timeout) throws InterruptedException {
        List<TargetSession> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(sessions.values());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TargetSession s : all) {
            s.stop();
        }
        for (TargetSession s : all) {
            if (!s.join((deadline - System.nanoTime()) / 1_000_000)) {
                LOG.warn("gNMI {}: its session did not end within the shutdown timeout; left behind", s.name());
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Why a restart would help, or null (see {@link TargetSession#problem}). */
    String problem(long stallMs, boolean holdingBack) {
        List<TargetSession> all;
        synchronized (this) {
            if (!started || closed) {
                return null;
            }
            all = List.copyOf(sessions.values());
        }
        for (TargetSession s : all) {
            String p = s.problem(stallMs, holdingBack);
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
