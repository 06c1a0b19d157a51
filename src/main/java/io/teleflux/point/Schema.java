package io.teleflux.point;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data model's names that more than one package uses: the measurements every input writes
 * into, their tags, and their fields. An input that maps a vendor's counters into
 * {@code interface} uses these names, so that the rate stage, the dashboards and the overlay work
 * for it unchanged. Names only one input uses (its generic measurements) stay with that input.
 */
public final class Schema {
    private Schema() {
    }

    // ---- measurements ----
    public static final String INTERFACE = "interface";
    public static final String DEVICE = "device";

    // ---- tags ----
    public static final String TAG_DEVICE = "device";
    public static final String TAG_INTERFACE = "interface";
    /** Which kind of input a series comes from: {@link #SOURCE_TELEMETRY} or {@link #SOURCE_SNMP}. */
    public static final String TAG_SOURCE = "source";
    public static final String SOURCE_TELEMETRY = "telemetry";
    public static final String SOURCE_SNMP = "snmp";

    // ---- interface fields: counters (as the device counts them) ----
    public static final String IN_OCTETS = "in_octets";
    public static final String OUT_OCTETS = "out_octets";
    /** Unicast + multicast + broadcast, as IF-MIB's ifInUcastPkts + ifInNUcastPkts would sum. */
    public static final String IN_PKTS = "in_pkts";
    public static final String OUT_PKTS = "out_pkts";
    public static final String IN_UCAST_PKTS = "in_ucast_pkts";
    public static final String OUT_UCAST_PKTS = "out_ucast_pkts";
    public static final String IN_NUCAST_PKTS = "in_nucast_pkts";
    public static final String OUT_NUCAST_PKTS = "out_nucast_pkts";
    public static final String IN_ERRORS = "in_errors";
    public static final String OUT_ERRORS = "out_errors";
    public static final String IN_DISCARDS = "in_discards";
    public static final String OUT_DISCARDS = "out_discards";
    public static final String IN_UNKNOWN_PROTOS = "in_unknown_protos";

    // ---- interface fields: state ----
    public static final String IFINDEX = "ifindex";
    /** IF-MIB ifOperStatus numbers: 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown. */
    public static final String OPER_STATUS = "oper_status";
    /** IF-MIB ifAdminStatus numbers: 1 up, 2 down, 3 testing. */
    public static final String ADMIN_STATUS = "admin_status";
    public static final String SPEED_BPS = "speed_bps";
    public static final String DESCRIPTION = "description";

    // ---- interface fields the rate stage computes ----
    public static final String IN_BPS = "in_bps";
    public static final String OUT_BPS = "out_bps";
    public static final String IN_PPS = "in_pps";
    public static final String OUT_PPS = "out_pps";
    public static final String IN_UTIL_PCT = "in_util_pct";
    public static final String OUT_UTIL_PCT = "out_util_pct";

    /**
     * The counters the rate stage turns into rates, each with its rate field and the factor from
     * counter units per second to rate units (octets to bits: 8).
     */
    public record Rate(String counter, String rate, double scale) {
    }

    public static final List<Rate> RATES = List.of(
            new Rate(IN_OCTETS, IN_BPS, 8.0), new Rate(OUT_OCTETS, OUT_BPS, 8.0),
            new Rate(IN_PKTS, IN_PPS, 1.0), new Rate(OUT_PKTS, OUT_PPS, 1.0));

    // ---- device fields ----
    public static final String CPU_PCT = "cpu_pct";
    public static final String MEM_USED_PCT = "mem_used_pct";
    public static final String MEM_TOTAL = "mem_total";
    public static final String MEM_USED = "mem_used";
    public static final String MEM_FREE = "mem_free";
    public static final String UPTIME_S = "uptime_s";
    public static final String MODEL = "model";
    public static final String VENDOR = "vendor";
    public static final String DEVICE_IP = "device_ip";

    /**
     * Fields that other stages compute (rates, utilisation) or that the data model gives a fixed
     * meaning: an input's extra, vendor-specific column must never take these names.
     */
    public static final Map<String, Set<String>> RESERVED = Map.of(
            INTERFACE, Set.of(IN_BPS, OUT_BPS, IN_PPS, OUT_PPS, IN_UTIL_PCT, OUT_UTIL_PCT,
                    SPEED_BPS, OPER_STATUS, ADMIN_STATUS, IFINDEX),
            DEVICE, Set.of(CPU_PCT, MEM_USED_PCT, UPTIME_S, MODEL, VENDOR, DEVICE_IP));
}
