package io.teleflux.gnmi;

import io.teleflux.selfmon.Metrics;

/**
 * The gNMI input's counters and gauges, one set per target, labelled {@code device} = the
 * target's name (from the configuration: the label set is bounded by it). The names are a
 * contract with the dashboards and alerts: in the {@code teleflux} measurement each is a field
 * named without the {@code teleflux_} prefix ({@code gnmi_updates_total}, ...).
 */
final class GnmiMetrics {
    static final String CONNECTED = "teleflux_gnmi_connected";
    static final String TARGETS_OWNED = "teleflux_gnmi_targets_owned";
    static final String NOTIFICATIONS = "teleflux_gnmi_notifications_total";
    static final String UPDATES = "teleflux_gnmi_updates_total";
    static final String DELETES = "teleflux_gnmi_deletes_total";
    static final String SYNC = "teleflux_gnmi_sync_responses_total";
    static final String POINTS = "teleflux_gnmi_points_total";
    static final String ERRORS = "teleflux_gnmi_errors_total";
    static final String RECONNECTS = "teleflux_gnmi_reconnects_total";
    static final String LAST_UPDATE = "teleflux_gnmi_last_update_ms";

    private final Metrics m;

    GnmiMetrics(Metrics m) {
        this.m = m;
        m.describe(CONNECTED, Metrics.Type.GAUGE,
                "1 while the target's Subscribe stream is up (it has answered), else 0")
                .describe(NOTIFICATIONS, Metrics.Type.COUNTER, "gNMI notifications received from the target")
                .describe(UPDATES, Metrics.Type.COUNTER,
                        "gNMI updates (path and value pairs) received from the target; the silent-device alert reads it")
                .describe(DELETES, Metrics.Type.COUNTER,
                        "gNMI delete paths received from the target (counted and logged; nothing is written)")
                .describe(SYNC, Metrics.Type.COUNTER,
                        "sync_response messages received: the target has sent the initial state of every subscription")
                .describe(POINTS, Metrics.Type.COUNTER, "Points made from the target's notifications")
                .describe(ERRORS, Metrics.Type.COUNTER, "Problems with a target, by reason: the connection's "
                        + "(unreachable, tls, auth, timeout, capabilities, rejected, stream_closed, stream_error, idle) "
                        + "and its notifications' (malformed_json, missing_value, missing_path, bad_path, bad_value, "
                        + "bad_timestamp, unsupported_type, uint64_overflow, target_error, name_truncated, field_limit, "
                        + "measurement_limit)")
                .describe(RECONNECTS, Metrics.Type.COUNTER,
                        "Times the target was dialled again after a failed attempt or a lost stream")
                .describe(LAST_UPDATE, Metrics.Type.GAUGE,
                        "When the last notification from the target arrived, in ms since the epoch (0 = none yet)");
    }

    /** The series of target {@code device}, created at 0 so that dashboards and alerts see them from the start. */
    Target target(String device) {
        return new Target(device);
    }

    final class Target {
        private final String device;
        final Metrics.Counter connected;
        final Metrics.Counter notifications;
        final Metrics.Counter updates;
        final Metrics.Counter deletes;
        final Metrics.Counter sync;
        final Metrics.Counter points;
        final Metrics.Counter reconnects;
        final Metrics.Counter lastUpdateMs;

        private Target(String device) {
            this.device = device;
            connected = m.settableGauge(CONNECTED, "device", device);
            connected.set(0);
            notifications = m.counter(NOTIFICATIONS, "device", device);
            updates = m.counter(UPDATES, "device", device);
            deletes = m.counter(DELETES, "device", device);
            sync = m.counter(SYNC, "device", device);
            points = m.counter(POINTS, "device", device);
            reconnects = m.counter(RECONNECTS, "device", device);
            lastUpdateMs = m.settableGauge(LAST_UPDATE, "device", device);
            lastUpdateMs.set(0);
        }

        void error(String reason) {
            m.counter(ERRORS, "device", device, "reason", reason).inc();
        }

        long errors(String reason) {
            return (long) m.value(ERRORS, "device", device, "reason", reason);
        }
    }
}
