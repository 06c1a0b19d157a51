package io.teleflux.sim;

/** Device-level gauges at device time {@code timeMs}; memory in KB, as H3C reports it. */
public record DeviceSample(long timeMs, long bootMs, int cpuPct, long memTotalKb, long memUsedKb) {

    public long uptimeSec() {
        return (timeMs - bootMs) / 1000;
    }

    public long memFreeKb() {
        return memTotalKb - memUsedKb;
    }

    /** H3C {@code FreeRatio}, rounded to a whole percent. */
    public int memFreePct() {
        return (int) Math.round(100.0 * memFreeKb() / memTotalKb);
    }
}
