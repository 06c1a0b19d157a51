package io.teleflux.snmp;

/**
 * Things a device's answer lacked or got wrong that Teleflux worked around. Each is counted
 * ({@code teleflux_snmp_warnings_total{device,reason}}) and logged when it appears for a device,
 * not on every poll.
 */
enum Warning {
    NO_SYSUPTIME("no_sysuptime", "sysUpTime.0 is not available: agent restarts cannot be detected"),
    NO_SYSNAME("no_sysname", "sysName.0 is not available: the device tag is the target address"),
    NO_IFNAME("no_ifname", "some interfaces have no ifName: they are named by ifDescr, or by ifIndex"),
    UNDECODABLE_NAME("undecodable_name", "some interface names are neither UTF-8 nor Latin-1 text: written in hex"),
    COUNTER32_ONLY("counter32_only",
            "some interfaces have no 64-bit counters (ifXTable): their octets come from the 32-bit ifTable counters"),
    TABLE_HOLES("table_holes", "some interfaces lack columns that others have (holes in the table): those fields are left out"),
    DUPLICATE_NAME("duplicate_name", "several interfaces share one name: each of them gets the suffix #<ifIndex>"),
    OUT_OF_ORDER("out_of_order", "the agent returned OIDs out of order: the walk stopped early in the affected columns"),
    UINT64_OVERFLOW("uint64_overflow", "counters >= 2^63 were dropped from the points (InfluxDB 1.x cannot store them)"),
    AGENT_RESTART("agent_restart", "the agent restarted (sysUpTime went down): rates restart from this poll"),
    PARTIAL_WALK("partial_walk", "the interface table could not be walked within the poll's deadline: the interfaces"
            + " walked by then are written, the rest are not (raise teleflux.snmp.deadline or max-repetitions)");

    final String label;
    final String text;

    Warning(String label, String text) {
        this.label = label;
        this.text = text;
    }
}
