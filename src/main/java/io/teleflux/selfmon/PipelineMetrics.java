package io.teleflux.selfmon;

/**
 * Self-metrics that several packages count into: what the inputs produce and what is dropped on
 * the way. Each is described once, here, so that /metrics shows one help text whoever counts first.
 */
public final class PipelineMetrics {
    public static final String POINTS_RECEIVED = "teleflux_points_received_total";
    public static final String POINTS_DROPPED = "teleflux_points_dropped_total";
    public static final String FIELDS_DROPPED = "teleflux_fields_dropped_total";

    private PipelineMetrics() {
    }

    /** Declares the shared families; every component that counts into one calls this first. */
    public static void describe(Metrics m) {
        m.describe(POINTS_RECEIVED, Metrics.Type.COUNTER, "Points produced by the inputs, by source")
                .describe(POINTS_DROPPED, Metrics.Type.COUNTER,
                        "Points dropped, by reason: the writer's (no_fields, too_large, http_<status>, shutdown, "
                                + "spool_full, spool_corrupt) and the dial-out limits' (measurement_limit).")
                .describe(FIELDS_DROPPED, Metrics.Type.COUNTER,
                        "Values left out of otherwise decoded points, by reason (uint64_overflow, field_limit, ...)");
    }
}
