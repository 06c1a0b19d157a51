package io.teleflux.rate;

/**
 * The names of this package's self-metrics, in one place: the dashboards, alerts and docs name
 * them too, so a name changes here or nowhere. Metrics several packages share (points received,
 * points and fields dropped) are in {@link io.teleflux.selfmon.PipelineMetrics}.
 */
public final class RateMetrics {
    public static final String RATE_COUNTER32_WRAPS_TOTAL = "teleflux_rate_counter32_wraps_total";
    public static final String RATE_SERIES = "teleflux_rate_series";
    public static final String RATE_SERIES_EVICTED_TOTAL = "teleflux_rate_series_evicted_total";
    public static final String RATE_SKIPPED_TOTAL = "teleflux_rate_skipped_total";

    private RateMetrics() {
    }
}
