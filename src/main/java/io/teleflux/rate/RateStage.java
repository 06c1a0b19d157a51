package io.teleflux.rate;

import io.teleflux.component.Component;
import io.teleflux.point.Decimals;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.point.Schema;
import io.teleflux.selfmon.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Adds {@code in_bps}, {@code out_bps}, {@code in_pps}, {@code out_pps} and, when the speed is
 * known, {@code in_util_pct}/{@code out_util_pct} to {@code interface} points, then passes every
 * point on unchanged otherwise. Rates and utilisations are rounded to {@link Decimals#RATE_DIGITS}
 * significant digits (see there why).
 *
 * <p>A series is (device, interface, source). Each counter is judged on its own against its
 * previous sample: no rate on the first sample, after a gap longer than the source's max gap, on a
 * non-increasing timestamp, or on a decrease (a reset: the series re-baselines). Only counters
 * flagged {@link Point#HINT_COUNTER32} may be read as a 32-bit wrap, and only when the implied
 * rate fits the interface speed. The speed comes from the point itself or from the last point of
 * the series that carried it (H3C sends it on {@code Ifmgr/Interfaces}, not with the counters).
 *
 * <p>Thread-safe: inputs call it from many workers; a series is only ever fed by one stream or
 * poll at a time, and its state is updated under its own lock.
 */
public final class RateStage implements PointSink, Component {
    public static final String MEASUREMENT = Schema.INTERFACE;
    private static final double TWO_POW_32 = 4294967296.0;
    /** Smallest Ethernet frame on the wire (64 B + preamble + gap) bounds the plausible packet rate. */
    private static final double MIN_WIRE_BITS_PER_PACKET = 84 * 8;
    /** Headroom over the nominal speed before a wrapped 32-bit rate is judged implausible. */
    private static final double SPEED_HEADROOM = 1.1;

    private static final String[] COUNTERS = Schema.RATES.stream().map(Schema.Rate::counter).toArray(String[]::new);
    private static final String[] RATES = Schema.RATES.stream().map(Schema.Rate::rate).toArray(String[]::new);
    private static final double[] SCALE = Schema.RATES.stream().mapToDouble(Schema.Rate::scale).toArray();

    private final PointSink downstream;
    private final LongSupplier clock;
    private final ToLongFunction<String> maxGapMsBySource;
    private final long idleExpiryMs;
    private final int maxSeries;
    private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepMs = new AtomicLong();
    private final Metrics.Counter resets;
    private final Metrics.Counter wraps;
    private final Metrics.Counter gaps;
    private final Metrics.Counter outOfOrder;
    private final Metrics.Counter evicted;

    /**
     * @param maxGapMsBySource the longest gap (ms) across which a rate is still computed, per {@code source} tag
     */
    public RateStage(PointSink downstream, ToLongFunction<String> maxGapMsBySource, long idleExpiryMs, int maxSeries,
                     Metrics metrics) {
        this(downstream, maxGapMsBySource, idleExpiryMs, maxSeries, metrics, System::currentTimeMillis);
    }

    /**
     * @param clock epoch ms, for when a series was last seen (idle expiry); rates themselves come
     *              from the points' own timestamps
     */
    public RateStage(PointSink downstream, ToLongFunction<String> maxGapMsBySource, long idleExpiryMs, int maxSeries,
                     Metrics metrics, LongSupplier clock) {
        this.clock = clock;
        this.downstream = downstream;
        this.maxGapMsBySource = maxGapMsBySource;
        this.idleExpiryMs = idleExpiryMs;
        this.maxSeries = maxSeries;
        metrics.describe(RateMetrics.RATE_SKIPPED_TOTAL, Metrics.Type.COUNTER,
                "Counter samples that produced no rate, by reason (reset, gap, out_of_order); wraps were Counter32 wraps handled");
        metrics.describe(RateMetrics.RATE_SERIES, Metrics.Type.GAUGE, "Series whose last sample is remembered for rates");
        this.resets = metrics.counter(RateMetrics.RATE_SKIPPED_TOTAL, "reason", "reset");
        this.gaps = metrics.counter(RateMetrics.RATE_SKIPPED_TOTAL, "reason", "gap");
        this.outOfOrder = metrics.counter(RateMetrics.RATE_SKIPPED_TOTAL, "reason", "out_of_order");
        this.wraps = metrics.counter(RateMetrics.RATE_COUNTER32_WRAPS_TOTAL);
        this.evicted = metrics.counter(RateMetrics.RATE_SERIES_EVICTED_TOTAL);
        metrics.gauge(RateMetrics.RATE_SERIES, series::size);
    }

    @Override
    public void accept(List<Point> points) throws InterruptedException {
        List<Point> out = null;
        // a batch comes from one stream or poll: its points share a source, so the max gap (which the
        // collector derives per call from the declared interval, allocating) is looked up once
        String gapSource = null;
        long maxGap = 0;
        Shape shape = shapes.get();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (!MEASUREMENT.equals(p.measurement())) {
                continue;
            }
            String source = p.tag(Schema.TAG_SOURCE);
            source = source == null ? "" : source;
            if (!source.equals(gapSource)) {
                gapSource = source;
                maxGap = maxGapMsBySource.applyAsLong(source);
            }
            Point withRates = apply(p, source, maxGap, shape);
            if (withRates != p) {
                if (out == null) {
                    out = new ArrayList<>(points);
                }
                out.set(i, withRates);
            }
        }
        maybeSweep(clock.getAsLong());
        downstream.accept(out == null ? points : out);
    }

    /** Returns the point with rate fields added, or the same instance when there is nothing to add. */
    private Point apply(Point p, String source, long maxGap, Shape shape) {
        String device = p.tag(Schema.TAG_DEVICE);
        String iface = p.tag(Schema.TAG_INTERFACE);
        if (device == null || iface == null) {
            return p;
        }
        SeriesKey key = new SeriesKey(device, iface, source);
        Series s = series.get(key); // get first: computeIfAbsent locks the bin even when the series exists
        if (s == null) {
            // seen now, from its creation: a sweep on another thread between creating and updating it
            // would otherwise find it idle since the epoch, drop it, and the series' next rate with it
            long created = clock.getAsLong();
            s = series.computeIfAbsent(key, k -> new Series(created));
        }
        boolean counter32 = p.hasHint(Point.HINT_COUNTER32);
        boolean reset = p.hasHint(Point.HINT_RESET);
        double[] rates = shape.rates;
        boolean any = false;
        double speed;
        synchronized (s) {
            s.lastSeenMs = clock.getAsLong();
            int[] idx = shape.indices(p);
            int si = idx[COUNTERS.length];
            if (si >= 0 && p.fieldType(si) == Point.LONG && p.longValue(si) > 0) {
                s.speedBps = p.longValue(si);
            }
            speed = s.speedBps;
            for (int c = 0; c < COUNTERS.length; c++) {
                int fi = idx[c];
                if (fi < 0 || p.fieldType(fi) != Point.LONG) {
                    rates[c] = Double.NaN;
                    continue;
                }
                double r = s.update(c, p.longValue(fi), p.timeMs(), maxGap, counter32, reset, speed);
                rates[c] = r * SCALE[c]; // NaN stays NaN
                any |= !Double.isNaN(r);
            }
        }
        if (!any) {
            return p;
        }
        String[] keys = shape.keys;
        double[] values = shape.values;
        int n = 0;
        for (int c = 0; c < RATES.length; c++) {
            if (!Double.isNaN(rates[c])) {
                keys[n] = RATES[c];
                values[n++] = Decimals.round(rates[c], Decimals.RATE_DIGITS);
            }
        }
        if (speed > 0) {
            if (!Double.isNaN(rates[0])) {
                keys[n] = Schema.IN_UTIL_PCT;
                values[n++] = Decimals.round(rates[0] / speed * 100.0, Decimals.RATE_DIGITS);
            }
            if (!Double.isNaN(rates[1])) {
                keys[n] = Schema.OUT_UTIL_PCT;
                values[n++] = Decimals.round(rates[1] / speed * 100.0, Decimals.RATE_DIGITS);
            }
        }
        Point out = p.withDoubleFields(keys, values, n, shape.lastOut, shape.scratch);
        shape.lastOut = out;
        return out;
    }

    private void maybeSweep(long nowMs) {
        long last = lastSweepMs.get();
        boolean overfull = series.size() > maxSeries;
        if (!overfull && nowMs - last < 60_000) {
            return;
        }
        if (!lastSweepMs.compareAndSet(last, nowMs)) {
            return;
        }
        series.entrySet().removeIf(e -> nowMs - e.getValue().lastSeenMs > idleExpiryMs);
        int excess = series.size() - maxSeries;
        if (excess > 0) {
            List<Map.Entry<SeriesKey, Series>> all = new ArrayList<>(series.entrySet());
            all.sort(Comparator.comparingLong(e -> e.getValue().lastSeenMs));
            for (int i = 0; i < excess && i < all.size(); i++) {
                series.remove(all.get(i).getKey());
                evicted.inc();
            }
        }
    }

    /** The number of series currently remembered. */
    public int seriesCount() {
        return series.size();
    }

    /** Per thread, so that what a batch learnt about its points' layout serves the next batches too. */
    private final ThreadLocal<Shape> shapes = ThreadLocal.withInitial(Shape::new);

    /**
     * What one batch's points share: the interface points of one message come from one builder and
     * share their field-key array, so the counters' and the speed's field indices are found once
     * per run of them, and their points with rates share one key array in turn (see
     * {@link Point#withDoubleFields(String[], double[], int, Point)}).
     */
    private static final class Shape {
        private Point keysOf;
        private final int[] indices = new int[COUNTERS.length + 1];
        Point lastOut;
        final Point.Scratch scratch = new Point.Scratch();
        /** Per point, reused: a batch's points are handled one after the other by one thread. */
        final double[] rates = new double[COUNTERS.length];
        final String[] keys = new String[RATES.length + 2];
        final double[] values = new double[RATES.length + 2];

        /** Field index of each counter, then of {@code speed_bps}; -1 where absent. */
        int[] indices(Point p) {
            if (!p.sameFieldKeys(keysOf)) {
                for (int c = 0; c < COUNTERS.length; c++) {
                    indices[c] = p.fieldIndex(COUNTERS[c]);
                }
                indices[COUNTERS.length] = p.fieldIndex(Schema.SPEED_BPS);
                keysOf = p;
            }
            return indices;
        }
    }

    /**
     * Built for every interface point: a record spares concatenating (copying) the three tag values.
     * Its equals and hashCode are written out: the generated ones go through a chain of method
     * handles that the profile showed at 2% of the decode threads' samples.
     */
    private record SeriesKey(String device, String iface, String source) {
        @Override
        public int hashCode() {
            return (device.hashCode() * 31 + iface.hashCode()) * 31 + source.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesKey k && device.equals(k.device) && iface.equals(k.iface) && source.equals(k.source);
        }
    }

    private final class Series {
        final long[] value = new long[COUNTERS.length];
        final long[] time = new long[COUNTERS.length];
        final boolean[] known = new boolean[COUNTERS.length];
        long speedBps;
        volatile long lastSeenMs;

        Series(long createdMs) {
            this.lastSeenMs = createdMs;
        }

        /** Per-second rate of counter {@code c}, or NaN when none can be given; updates the baseline. */
        double update(int c, long v, long t, long maxGapMs, boolean counter32, boolean reset, double speed) {
            if (!known[c] || reset) {
                baseline(c, v, t);
                return Double.NaN;
            }
            long dt = t - time[c];
            if (dt <= 0) {
                // a repeated or older sample: keep the newer baseline, the rate is already known
                outOfOrder.inc();
                return Double.NaN;
            }
            if (dt > maxGapMs) {
                gaps.inc();
                baseline(c, v, t);
                return Double.NaN;
            }
            double dv = (double) v - (double) value[c];
            if (v < value[c]) {
                double wrapped = dv + TWO_POW_32;
                if (counter32 && value[c] < TWO_POW_32 && wrapped > 0 && plausible(c, wrapped * 1000.0 / dt, speed)) {
                    wraps.inc();
                    dv = wrapped;
                } else {
                    resets.inc();
                    baseline(c, v, t);
                    return Double.NaN;
                }
            }
            baseline(c, v, t);
            return dv * 1000.0 / dt;
        }

        private boolean plausible(int c, double perSecond, double speedBps) {
            if (speedBps <= 0) {
                return false; // without a speed a wrap cannot be told from a reset: choose no rate over a wrong one
            }
            double max = c < 2 ? speedBps / 8.0 : speedBps / MIN_WIRE_BITS_PER_PACKET;
            return perSecond <= max * SPEED_HEADROOM;
        }

        private void baseline(int c, long v, long t) {
            value[c] = v;
            time[c] = t;
            known[c] = true;
        }
    }

    @Override
    public String name() {
        return "rates";
    }

    /** Nothing to start: the stage works on the threads that hand it points. */
    @Override
    public void start() {
    }

    /** Nothing to release: what it remembers is only of use while points arrive. */
    @Override
    public void close(Duration timeout) {
    }
}
