package io.teleflux.live;

/**
 * One (device, interface, source): the latest rates exactly as the rate stage wrote them, and a
 * ring of recent (time, in_bps, out_bps) for the chart. The ring holds primitives (an int offset
 * in ms from {@code baseMs} and two floats, 12 bytes a sample), grows by doubling up to
 * {@code maxSamples} and forgets samples older than the history window, so a series at a 5 s
 * interval with a 5 min window holds 64 slots. Guarded by its own monitor.
 */
final class Series {
    private static final int INITIAL = 8;
    private static final long REBASE_AFTER_MS = 1L << 30; // an int offset holds about 24 days; rebase well before

    final String device;
    final String iface;
    final String source;

    /** Epoch ms of the latest sample's own timestamp; {@link Long#MIN_VALUE} before the first rate. */
    long t = Long.MIN_VALUE;
    double inBps = Double.NaN;
    double outBps = Double.NaN;
    double inPps = Double.NaN;
    double outPps = Double.NaN;
    double inUtil = Double.NaN;
    double outUtil = Double.NaN;
    /** 0 when unknown. */
    long speedBps;
    /** Observed from the last two sample timestamps; 0 until there are two. */
    long intervalMs;
    /** Collector clock when the latest point arrived (staleness, idle expiry). */
    long arrivedMs;

    private long baseMs;
    private int[] dt = new int[0];
    private float[] in = new float[0];
    private float[] out = new float[0];
    private int head; // oldest
    private int size;

    Series(String device, String iface, String source, long nowMs) {
        this.device = device;
        this.iface = iface;
        this.source = source;
        this.arrivedMs = nowMs;
    }

    boolean hasSample() {
        return t != Long.MIN_VALUE;
    }

    /**
     * Records a rate sample; {@code NaN} for a rate the point did not carry. Samples whose
     * timestamp does not move forward update the latest values but not the history.
     */
    void add(long timeMs, double inBps, double outBps, double inPps, double outPps, double inUtil, double outUtil,
             long historyMs, int maxSamples) {
        if (hasSample() && timeMs > t) {
            intervalMs = timeMs - t;
        }
        boolean forward = !hasSample() || timeMs > t;
        this.t = Math.max(timeMs, hasSample() ? t : timeMs);
        this.inBps = inBps;
        this.outBps = outBps;
        this.inPps = inPps;
        this.outPps = outPps;
        this.inUtil = inUtil;
        this.outUtil = outUtil;
        if (forward) {
            append(timeMs, (float) inBps, (float) outBps, historyMs, maxSamples);
        }
    }

    private void append(long timeMs, float i, float o, long historyMs, int maxSamples) {
        if (size == 0) {
            baseMs = timeMs;
        } else if (timeMs - baseMs >= REBASE_AFTER_MS) {
            rebase(timeMs);
        }
        while (size > 0 && timeMs - (baseMs + dt[head]) > historyMs) {
            head = (head + 1) % dt.length;
            size--;
        }
        if (size == dt.length) {
            if (dt.length < maxSamples) {
                grow(Math.min(maxSamples, Math.max(INITIAL, dt.length * 2)));
            } else {
                head = (head + 1) % dt.length; // full at the cap: the oldest goes
                size--;
            }
        }
        int at = (head + size) % dt.length;
        dt[at] = (int) (timeMs - baseMs);
        in[at] = i;
        out[at] = o;
        size++;
    }

    private void grow(int cap) {
        int[] ndt = new int[cap];
        float[] nin = new float[cap];
        float[] nout = new float[cap];
        for (int k = 0; k < size; k++) {
            int from = (head + k) % dt.length;
            ndt[k] = dt[from];
            nin[k] = in[from];
            nout[k] = out[from];
        }
        dt = ndt;
        in = nin;
        out = nout;
        head = 0;
    }

    private void rebase(long newBase) {
        for (int k = 0; k < size; k++) {
            int at = (head + k) % dt.length;
            long abs = baseMs + dt[at];
            dt[at] = (int) Math.max(Integer.MIN_VALUE, abs - newBase);
        }
        baseMs = newBase;
    }

    /** Samples in the ring. */
    int historySize() {
        return size;
    }

    /** Slots allocated (for the memory figure). */
    int capacity() {
        return dt.length;
    }

    /** The history, oldest first: times (epoch ms) and the two rates. */
    void history(long[] times, float[] ins, float[] outs) {
        for (int k = 0; k < size; k++) {
            int at = (head + k) % dt.length;
            times[k] = baseMs + dt[at];
            ins[k] = in[at];
            outs[k] = out[at];
        }
    }

    /** max(in, out) utilisation, NaN when neither is known. */
    double util() {
        return maxKnown(inUtil, outUtil);
    }

    /** max(in_bps, out_bps), NaN when neither is known. */
    double bps() {
        return maxKnown(inBps, outBps);
    }

    static double maxKnown(double a, double b) {
        if (Double.isNaN(a)) {
            return b;
        }
        return Double.isNaN(b) ? a : Math.max(a, b);
    }

    /** The interval staleness is judged by: observed, else declared by the input, else {@code fallbackMs}. */
    long interval(long declaredMs) {
        return intervalMs > 0 ? intervalMs : declaredMs;
    }

    /** Stale when nothing arrived for max(2.5 x interval, interval + 2 s). */
    static long staleAfterMs(long intervalMs) {
        return Math.max(intervalMs * 5 / 2, intervalMs + 2_000);
    }

    @Override
    public String toString() {
        return device + " " + iface + " (" + source + ")";
    }
}
