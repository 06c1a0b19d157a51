package io.teleflux.live;

import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * What the live view knows and who watches it: the series by device, the open event streams, and
 * the once-a-second work (fleet ranking, staleness, idle expiry) that {@link LiveTap} drives.
 *
 * <p>Recording a sample costs two map lookups and a few stores into the series' ring; JSON is
 * rendered only when a stream watches that device, once per sample whoever many watch it.
 */
final class LiveHub {
    static final Comparator<JsonRow> BY_VALUE_DESC = Comparator.comparingDouble(JsonRow::value).reversed()
            .thenComparing(JsonRow::device).thenComparing(JsonRow::iface).thenComparing(JsonRow::source);

    /** A ranked series with the value it was ranked by. */
    record JsonRow(double value, String device, String iface, String source, LiveJson.TopRow row) {
    }

    /** The fleet ranking: rows in order, and how many fresh series were left out for an unknown speed. */
    record Ranking(List<LiveJson.TopRow> rows, int unknownSpeed) {
    }

    private final LiveConfig cfg;
    private final LongSupplier clock;
    private final long idleExpiryMs;
    private final ToLongFunction<String> declaredIntervalMs;
    private final int maxSamples;
    private final Map<String, DeviceState> devices = new ConcurrentHashMap<>();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final Metrics metrics;
    private final Metrics.Counter refused;
    private final Metrics.Counter sent;
    private final Metrics.Counter seriesRefused;
    private final int maxSeries;
    private final RateLimitedLog warn = new RateLimitedLog(LoggerFactory.getLogger(LiveHub.class), 60_000);

    /**
     * @param idleExpiryMs       a series silent this long is forgotten (the rate stage's idle expiry)
     * @param declaredIntervalMs the interval an input declared for a source, for a series with one sample so far
     * @param maxSeries          series held at most (the rate stage's bound): a peer inventing interface names
     *                           must not grow the live view beyond what the rate stage itself keeps
     */
    LiveHub(LiveConfig cfg, Metrics metrics, LongSupplier clock, long idleExpiryMs, ToLongFunction<String> declaredIntervalMs,
            int maxSeries) {
        this.cfg = cfg;
        this.maxSeries = maxSeries;
        this.clock = clock;
        this.idleExpiryMs = idleExpiryMs;
        this.declaredIntervalMs = declaredIntervalMs;
        // one slot a second at most: a faster series keeps a shorter window rather than more memory
        this.maxSamples = (int) Math.max(8, cfg.history().toSeconds() + 1);
        this.metrics = metrics;
        metrics.describe(LiveMetrics.LIVE_CLIENTS, Metrics.Type.GAUGE, "Live view event streams open")
                .describe(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, Metrics.Type.COUNTER,
                        "Live view streams the collector closed, by reason (slow: its queue of teleflux.live.client-buffer events was full)")
                .describe(LiveMetrics.LIVE_CLIENTS_REFUSED_TOTAL, Metrics.Type.COUNTER,
                        "Live view streams refused (503) because teleflux.live.max-clients were open")
                .describe(LiveMetrics.LIVE_EVENTS_SENT_TOTAL, Metrics.Type.COUNTER, "Server-sent events written to live view streams")
                .describe(LiveMetrics.LIVE_SERIES, Metrics.Type.GAUGE, "Series the live view holds latest values and history for")
                .describe(LiveMetrics.LIVE_SERIES_REFUSED_TOTAL, Metrics.Type.COUNTER,
                        "Samples of new series the live view did not take because it held teleflux.rate.max-series (still written)");
        metrics.gauge(LiveMetrics.LIVE_CLIENTS, clients::size);
        metrics.gauge(LiveMetrics.LIVE_SERIES, seriesCount::get);
        this.refused = metrics.counter(LiveMetrics.LIVE_CLIENTS_REFUSED_TOTAL);
        this.sent = metrics.counter(LiveMetrics.LIVE_EVENTS_SENT_TOTAL);
        this.seriesRefused = metrics.counter(LiveMetrics.LIVE_SERIES_REFUSED_TOTAL);
        metrics.counter(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", "slow"); // shown as 0 from the start
    }

    // ---- the pipeline side ----

    /**
     * Where the fields the live view reads sit in a run of points with one key array (a batch's
     * interface points share it): looked up once per run, not seven searches per point.
     */
    static final class Layout {
        private Point keysOf;
        private int in, out, inP, outP, speed, inUtil, outUtil;
        /** The last point's device and its series by interface for the last source: a batch is one device's. */
        private String device;
        private DeviceState state;
        private String source;
        private Map<String, Series> ofSource;

        private Layout of(Point p) {
            if (!p.sameFieldKeys(keysOf)) {
                in = p.fieldIndex(Schema.IN_BPS);
                out = p.fieldIndex(Schema.OUT_BPS);
                inP = p.fieldIndex(Schema.IN_PPS);
                outP = p.fieldIndex(Schema.OUT_PPS);
                speed = p.fieldIndex(Schema.SPEED_BPS);
                inUtil = p.fieldIndex(Schema.IN_UTIL_PCT);
                outUtil = p.fieldIndex(Schema.OUT_UTIL_PCT);
                keysOf = p;
            }
            return this;
        }
    }

    /** Records an {@code interface} point's rates (and speed); anything else is ignored. */
    void record(Point p) {
        record(p, new Layout());
    }

    /** As {@link #record(Point)}, with the field positions of a run of points kept in {@code layout}. */
    void record(Point p, Layout layout) {
        if (!Schema.INTERFACE.equals(p.measurement())) {
            return;
        }
        Layout l = layout.of(p);
        int iIn = l.in;
        int iOut = l.out;
        int iInP = l.inP;
        int iOutP = l.outP;
        int iSpeed = l.speed;
        boolean rates = iIn >= 0 || iOut >= 0 || iInP >= 0 || iOutP >= 0;
        long speed = iSpeed >= 0 && p.fieldType(iSpeed) == Point.LONG ? p.longValue(iSpeed) : 0;
        if (!rates && speed <= 0) {
            return;
        }
        String device = p.tag(Schema.TAG_DEVICE);
        String iface = p.tag(Schema.TAG_INTERFACE);
        if (device == null || iface == null) {
            return;
        }
        String source = p.tag(Schema.TAG_SOURCE);
        if (source == null) {
            source = "";
        }
        long now = clock.getAsLong();
        DeviceState d;
        if (device.equals(l.device)) {
            // the sweep may remove a device with no series left while a batch of it is recorded, as
            // between the lookup and the update of one point: the next batch looks it up again
            d = l.state;
        } else {
            d = devices.get(device);
            if (d == null) {
                d = devices.computeIfAbsent(device, DeviceState::new);
            }
            l.device = device;
            l.state = d;
            l.source = null;
            l.ofSource = null;
        }
        Map<String, Series> bySource;
        if (l.ofSource != null && source.equals(l.source)) {
            bySource = l.ofSource; // a device's per-source maps stay: only series leave them
        } else {
            bySource = d.ofSource(source);
            l.source = source;
            l.ofSource = bySource;
        }
        Series s = bySource == null ? null : bySource.get(iface);
        if (s == null) {
            boolean[] created = {false};
            // checked before creating: concurrent inputs may overshoot by a few, never without bound
            if (seriesCount.get() >= maxSeries) {
                seriesRefused.inc();
                warn.warn("series-cap", "live view holds teleflux.rate.max-series = {} series: new series are not shown "
                        + "(still written) until idle ones expire; counted in {}", maxSeries, LiveMetrics.LIVE_SERIES_REFUSED_TOTAL);
                return;
            }
            s = d.getOrCreate(source, iface, now, created);
            if (created[0]) {
                seriesCount.incrementAndGet();
            }
        }
        String json = null;
        Client[] watching = d.watchers;
        synchronized (s) {
            s.arrivedMs = now;
            if (speed > 0) {
                s.speedBps = speed;
            }
            if (rates) {
                s.add(p.timeMs(), value(p, iIn), value(p, iOut), value(p, iInP), value(p, iOutP),
                        value(p, l.inUtil), value(p, l.outUtil),
                        cfg.history().toMillis(), maxSamples);
                if (watching.length > 0) {
                    json = LiveJson.sample(s);
                }
            }
        }
        if (json != null) {
            for (Client c : watching) {
                publish(c, json);
            }
        }
    }

    private static double value(Point p, int i) {
        return i >= 0 && p.fieldType(i) == Point.DOUBLE ? p.doubleValue(i) : Double.NaN;
    }

    private void publish(Client c, Object event) {
        if (!c.offer(event) && !c.isClosed()) {
            drop(c, "slow");
        }
    }

    // ---- streams ----

    /**
     * Opens a stream, or returns null (counted) when {@code teleflux.live.max-clients} are open.
     * The snapshot is queued as a placeholder before the stream starts watching the device and is
     * rendered only when the writer reaches it, so that no sample falls between the two; a
     * sample may show in both, and the page ignores one that is not newer than what it has.
     *
     * @param open sends the response headers and gives the body; called only when admitted
     */
    Client open(String device, int top, Client.Rank rank, java.util.function.Supplier<OutputStream> open, Runnable onEnd) {
        Client c;
        synchronized (clients) {
            if (clients.size() >= cfg.maxClients()) {
                refused.inc();
                warn.warn("refused", "live view: a stream was refused, {} are open (teleflux.live.max-clients);"
                        + " counted in {}", clients.size(), LiveMetrics.LIVE_CLIENTS_REFUSED_TOTAL);
                return null;
            }
            c = new Client(device, top, rank, cfg.clientBuffer(), open.get(), onEnd);
            clients.add(c);
        }
        if (device != null) {
            c.offer(Client.SNAPSHOT);
            devices.compute(device, (k, d) -> {
                DeviceState ds = d == null ? new DeviceState(k) : d;
                ds.watch(c);
                return ds;
            });
        }
        c.start(this);
        return c;
    }

    /** Closes a stream the collector gave up on, counted by {@code reason}; the pipeline never waits for it. */
    void drop(Client c, String reason) {
        if (c.markClosed()) {
            metrics.counter(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", reason).inc();
            warn.warn("dropped-" + reason, "live view: a stream was dropped ({}: its {} queued events were not read"
                    + " in time); counted in {}", reason, cfg.clientBuffer(), LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL);
            unwatch(c);
            c.stop();
        }
    }

    /** Called by the writer when it ends, whatever the reason. */
    void ended(Client c) {
        c.markClosed();
        unwatch(c);
        clients.remove(c);
    }

    private void unwatch(Client c) {
        if (c.device != null) {
            DeviceState d = devices.get(c.device);
            if (d != null) {
                d.unwatch(c);
            }
        }
    }

    void sent() {
        sent.inc();
    }

    int clientCount() {
        return clients.size();
    }

    /** Ends every stream (shutdown); not counted as drops. */
    void closeAll() {
        for (Client c : clients) {
            c.markClosed();
            unwatch(c);
            c.stop();
        }
    }

    /** {@code event: snapshot} of a device as it is now (an unknown device has no series). */
    byte[] snapshotEvent(String device) {
        DeviceState d = devices.get(device);
        List<Series> all = d == null ? List.of() : sorted(d.series());
        String json = LiveJson.object(g -> {
            g.writeStringField("device", device);
            g.writeNumberField("server_ms", clock.getAsLong());
            g.writeArrayFieldStart("series");
            for (Series s : all) {
                synchronized (s) {
                    if (s.hasSample()) {
                        LiveJson.snapshotSeries(g, s);
                    }
                }
            }
            g.writeEndArray();
        });
        return LiveJson.event("snapshot", json).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Series> sorted(List<Series> series) {
        series.sort(Comparator.comparing((Series s) -> s.iface).thenComparing(s -> s.source));
        return series;
    }

    // ---- once a second ----

    /** Sends the fleet tables and the devices' status to the streams that asked for them. */
    void tick() {
        long now = clock.getAsLong();
        Map<Client.Rank, Integer> widest = new HashMap<>();
        for (Client c : clients) {
            if (c.top > 0) {
                widest.merge(c.rank, c.top, Math::max);
            }
        }
        Map<Client.Rank, Ranking> rankings = new HashMap<>();
        widest.forEach((rank, n) -> rankings.put(rank, top(rank, n, now)));
        Map<String, String> topJson = new HashMap<>();
        Map<String, String> statusJson = new HashMap<>();
        for (Client c : clients) {
            if (c.isClosed()) {
                continue;
            }
            if (c.top > 0) {
                String key = c.rank + "/" + c.top;
                String json = topJson.computeIfAbsent(key, k -> {
                    Ranking r = rankings.get(c.rank);
                    return LiveJson.top(now, c.rank, r.unknownSpeed(), r.rows().subList(0, Math.min(c.top, r.rows().size())));
                });
                publish(c, json);
            }
            if (c.device != null) {
                publish(c, statusJson.computeIfAbsent(c.device, dev -> status(dev, now)));
            }
        }
    }

    /** {@code event: status} of a device: stale series and whether all of them are. */
    String status(String device, long now) {
        DeviceState d = devices.get(device);
        List<LiveJson.Stale> stale = new ArrayList<>();
        boolean any = false;
        if (d != null) {
            for (Series s : sorted(d.series())) {
                synchronized (s) {
                    if (!s.hasSample()) {
                        continue;
                    }
                    any = true;
                    if (stale(s, now)) {
                        stale.add(new LiveJson.Stale(s.iface, s.source));
                    }
                }
            }
        }
        boolean deviceStale = !any || stale.size() == countWithSamples(d);
        return LiveJson.status(now, deviceStale, stale);
    }

    private static int countWithSamples(DeviceState d) {
        int[] n = {0};
        d.forEach(s -> {
            synchronized (s) {
                if (s.hasSample()) {
                    n[0]++;
                }
            }
        });
        return n[0];
    }

    /** Nothing arrived for max(2.5 x interval, interval + 2 s); caller holds the series' lock. */
    boolean stale(Series s, long now) {
        long interval = s.interval(declaredIntervalMs.applyAsLong(s.source));
        return now - s.arrivedMs > Series.staleAfterMs(interval);
    }

    /**
     * The {@code n} busiest fresh series. By utilisation: max(in, out) utilisation, series without
     * a known speed left out and counted; by bps: max(in_bps, out_bps) of every series. Ties by
     * device, interface, source. Stale series are left out: their last rate is no longer the traffic.
     */
    Ranking top(Client.Rank rank, int n, long now) {
        PriorityQueue<JsonRow> heap = new PriorityQueue<>(n + 1, BY_VALUE_DESC.reversed());
        int[] unknown = {0};
        for (DeviceState d : devices.values()) {
            d.forEach(s -> {
                double v;
                LiveJson.TopRow row;
                synchronized (s) {
                    if (!s.hasSample() || stale(s, now)) {
                        return;
                    }
                    double util = s.util();
                    if (rank == Client.Rank.UTIL) {
                        if (Double.isNaN(util)) {
                            unknown[0]++;
                            return;
                        }
                        v = util;
                    } else {
                        v = s.bps();
                        if (Double.isNaN(v)) {
                            return;
                        }
                    }
                    if (heap.size() == n && BY_VALUE_DESC.compare(heap.peek(), new JsonRow(v, s.device, s.iface, s.source, null)) <= 0) {
                        return; // not among the n busiest: no row built
                    }
                    row = new LiveJson.TopRow(s.device, s.iface, s.source, s.t, s.inBps, s.outBps, util);
                }
                heap.add(new JsonRow(v, s.device, s.iface, s.source, row));
                if (heap.size() > n) {
                    heap.poll();
                }
            });
        }
        List<JsonRow> rows = new ArrayList<>(heap);
        rows.sort(BY_VALUE_DESC);
        return new Ranking(rows.stream().map(JsonRow::row).toList(), unknown[0]);
    }

    /** Forgets series silent for longer than the idle expiry, and devices left with none and no watcher. */
    void sweep() {
        long now = clock.getAsLong();
        int count = 0;
        for (DeviceState d : devices.values()) {
            for (Series s : d.series()) {
                boolean idle;
                synchronized (s) {
                    idle = now - s.arrivedMs > idleExpiryMs;
                }
                if (idle) {
                    d.remove(s);
                } else {
                    count++;
                }
            }
            devices.computeIfPresent(d.name, (k, v) -> v.isEmpty() && v.watchers.length == 0 ? null : v);
        }
        seriesCount.set(count); // recounted: also corrects for a series created while its device was being removed
    }

    // ---- the device list ----

    /** Devices whose name contains {@code q} (case-insensitive), by name, at most {@code limit}. */
    String devicesJson(String q, int limit) {
        String needle = q == null ? "" : q.toLowerCase(Locale.ROOT);
        long now = clock.getAsLong();
        List<String> names = new ArrayList<>();
        for (DeviceState d : devices.values()) {
            if (d.name.toLowerCase(Locale.ROOT).contains(needle) && hasSamples(d)) {
                names.add(d.name);
            }
        }
        names.sort(Comparator.naturalOrder());
        List<LiveJson.DeviceRow> rows = new ArrayList<>();
        for (String name : names.subList(0, Math.min(limit, names.size()))) {
            DeviceState d = devices.get(name);
            if (d == null) {
                continue;
            }
            Set<String> ifaces = new TreeSet<>();
            Set<String> sources = new TreeSet<>();
            long last = 0;
            boolean allStale = true;
            for (Series s : d.series()) {
                synchronized (s) {
                    if (s.hasSample()) {
                        ifaces.add(s.iface);
                        sources.add(s.source);
                        last = Math.max(last, s.t);
                        allStale &= stale(s, now);
                    }
                }
            }
            rows.add(new LiveJson.DeviceRow(name, ifaces.size(), List.copyOf(sources), last, allStale));
        }
        return LiveJson.devices(names.size(), rows);
    }

    private static boolean hasSamples(DeviceState d) {
        boolean[] any = {false};
        d.forEach(s -> {
            if (!any[0]) {
                synchronized (s) {
                    any[0] = s.hasSample();
                }
            }
        });
        return any[0];
    }

    /** For tests and the memory figure. */
    Series series(String device, String source, String iface) {
        DeviceState d = devices.get(device);
        return d == null ? null : d.get(source, iface);
    }

    int seriesCount() {
        return seriesCount.get();
    }
}
