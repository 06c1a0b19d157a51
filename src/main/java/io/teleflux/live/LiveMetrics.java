package io.teleflux.live;

/** The names of the live view's self-metrics. */
public final class LiveMetrics {
    public static final String LIVE_CLIENTS = "teleflux_live_clients";
    public static final String LIVE_CLIENTS_DROPPED_TOTAL = "teleflux_live_clients_dropped_total";
    public static final String LIVE_CLIENTS_REFUSED_TOTAL = "teleflux_live_clients_refused_total";
    public static final String LIVE_EVENTS_SENT_TOTAL = "teleflux_live_events_sent_total";
    public static final String LIVE_SERIES = "teleflux_live_series";
    public static final String LIVE_SERIES_REFUSED_TOTAL = "teleflux_live_series_refused_total";

    private LiveMetrics() {
    }
}
