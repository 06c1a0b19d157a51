package io.teleflux.selfmon;

/** The names of the HTTP endpoint's own self-metrics. */
public final class HttpMetrics {
    public static final String HTTP_UNAUTHORIZED_TOTAL = "teleflux_http_unauthorized_total";

    private HttpMetrics() {
    }
}
