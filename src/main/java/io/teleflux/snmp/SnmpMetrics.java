package io.teleflux.snmp;

/**
 * The names of this package's self-metrics, in one place: the dashboards, alerts and docs name
 * them too, so a name changes here or nowhere. Metrics several packages share (points received,
 * points and fields dropped) are in {@link io.teleflux.selfmon.PipelineMetrics}.
 */
public final class SnmpMetrics {
    public static final String SNMP_INTERFACES = "teleflux_snmp_interfaces";
    public static final String SNMP_LAST_SUCCESS_MS = "teleflux_snmp_last_success_ms";
    public static final String SNMP_POLL_SECONDS = "teleflux_snmp_poll_seconds";
    public static final String SNMP_POLLS_RUNNING = "teleflux_snmp_polls_running";
    public static final String SNMP_POLLS_SKIPPED_TOTAL = "teleflux_snmp_polls_skipped_total";
    public static final String SNMP_POLLS_TOTAL = "teleflux_snmp_polls_total";
    public static final String SNMP_TARGETS = "teleflux_snmp_targets";
    public static final String SNMP_TARGETS_OWNED = "teleflux_snmp_targets_owned";
    public static final String SNMP_WARNINGS_TOTAL = "teleflux_snmp_warnings_total";

    private SnmpMetrics() {
    }
}
