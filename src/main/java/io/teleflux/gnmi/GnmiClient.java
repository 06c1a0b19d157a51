package io.teleflux.gnmi;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.teleflux.component.Component;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The gNMI input as a component: one {@link TargetSession} per target. gRPC's callbacks run on
 * virtual threads (never on the event loop), and only queue what arrives; each session maps and
 * hands on its own target's notifications on its own virtual thread.
 */
final class GnmiClient implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(GnmiClient.class);

    private final GnmiConfig cfg;
    private final PointSink sink;
    private final GnmiMetrics metrics;
    private final LongSupplier clock;
    private final List<TargetSession> sessions = new ArrayList<>();
    private ExecutorService executor;
    private boolean started;
    private boolean closed;

    GnmiClient(GnmiConfig cfg, PointSink sink, Metrics metrics, LongSupplier clock) {
        this.cfg = cfg;
        this.sink = sink;
        this.metrics = new GnmiMetrics(metrics);
        this.clock = clock;
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
        List<SslContext> contexts = new ArrayList<>();
        for (GnmiTarget t : cfg.targets()) {
            contexts.add(t.tls().enabled() ? sslContext(t.key(), t.tls()) : null);
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gnmi-grpc-", 0).factory());
        for (int i = 0; i < cfg.targets().size(); i++) {
            GnmiTarget t = cfg.targets().get(i);
            if (!t.tls().enabled() && !t.password().isEmpty()) {
                LOG.warn("gNMI {}: tls.enabled = false: its password travels in clear text ({})", t.name(), t.key());
            }
            sessions.add(new TargetSession(t, cfg, contexts.get(i), executor, sink, metrics.target(t.name()), clock));
        }
        for (TargetSession s : sessions) {
            s.start();
        }
        LOG.info("gNMI: subscribing to {} target(s)", sessions.size());
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
            all = List.copyOf(sessions);
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
            all = List.copyOf(sessions);
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
