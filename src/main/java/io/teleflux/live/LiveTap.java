package io.teleflux.live;

import io.teleflux.component.Component;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Between the rate stage and the writer: notes each {@code interface} point's rates for the live
 * view, then passes the batch on unchanged (the same list, the same points). It never blocks on a
 * browser: streams are fed through bounded queues and dropped when they fall behind.
 */
public final class LiveTap implements PointSink, Component {
    private static final Logger LOG = LoggerFactory.getLogger(LiveTap.class);
    private static final int SWEEP_EVERY_TICKS = 10;

    private final PointSink downstream;
    private final LiveHub hub;
    private ScheduledExecutorService ticker;
    private long ticks;
    private boolean closed;

    LiveTap(PointSink downstream, LiveHub hub) {
        this.downstream = downstream;
        this.hub = hub;
    }

    /**
     * The sink the rate stage should hand to: a tap in front of {@code downstream} registered
     * with {@code add} and serving /live on {@code http}, or {@code downstream} itself when the live
     * view is disabled or there is no HTTP endpoint.
     *
     * @param idleExpiryMs       series silent this long are forgotten (the rate stage's idle expiry)
     * @param declaredIntervalMs per source, the interval the inputs declared (or a default)
     * @param maxSeries          the rate stage's bound on series, which the live view keeps too
     */
    public static PointSink wire(LiveConfig cfg, HttpEndpoint http, PointSink downstream, Metrics metrics, LongSupplier clock,
                                 long idleExpiryMs, ToLongFunction<String> declaredIntervalMs, int maxSeries,
                                 java.util.function.Consumer<Component> add) {
        if (http == null || !cfg.enabled()) {
            return downstream;
        }
        LiveHub hub = new LiveHub(cfg, metrics, clock, idleExpiryMs, declaredIntervalMs, maxSeries);
        LiveTap tap = new LiveTap(downstream, hub);
        new LiveHttp(hub, cfg).register(http);
        add.accept(tap);
        return tap;
    }

    @Override
    public void accept(List<Point> points) throws InterruptedException {
        LiveHub.Layout layout = new LiveHub.Layout();
        for (int i = 0; i < points.size(); i++) {
            hub.record(points.get(i), layout);
        }
        downstream.accept(points);
    }

    @Override
    public String name() {
        return "live";
    }

    @Override
    public synchronized void start() {
        if (ticker != null || closed) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("live-ticker").daemon().factory());
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            hub.tick();
            if (++ticks % SWEEP_EVERY_TICKS == 0) {
                hub.sweep();
            }
        } catch (RuntimeException e) {
            LOG.warn("live view tick failed: {}", e.toString(), e); // the next tick tries again
        }
    }

    @Override
    public synchronized void close(Duration timeout) throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
            ticker.awaitTermination(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        }
        hub.closeAll();
    }

    LiveHub hub() {
        return hub;
    }
}
