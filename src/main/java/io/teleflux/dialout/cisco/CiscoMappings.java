package io.teleflux.dialout.cisco;

import io.teleflux.point.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoding path → {@code interface}: which key names the interface and which content leaves become
 * the data model's fields. A path with no entry is stored generically as {@code cisco_<path>}.
 * Supporting another interface path is one more entry in {@link #TABLE} (plus a golden case).
 *
 * <p>Paths are compared without a leading {@code /} and without regard to case.
 */
final class CiscoMappings {
    /** How a content leaf becomes a field. */
    enum Kind {
        /** An integer as sent (a counter, an index); a uint64 ≥ 2^63 is dropped and counted. */
        INTEGER,
        /** An integer in kbit/s, written in bit/s. */
        KBPS,
        /** IOS XR {@code im-state-*} of the line protocol → IF-MIB ifOperStatus. */
        OPER_STATE,
        /** IOS XR {@code im-state-*} of the interface → IF-MIB ifAdminStatus. */
        ADMIN_STATE,
        STRING
    }

    record Spec(String field, Kind kind) {
    }

    /** {@code target} = the sum of {@code parts}, written only when the device did not send {@code target} itself. */
    record Sum(String target, List<String> parts) {
    }

    /** An entry: the key leaf holding the interface name, leaf path → spec, and sums. */
    record Mapping(String path, String interfaceKey, Map<String, Spec> specs, List<Sum> sums) {
    }

    private static final String XR_GENERIC_COUNTERS =
            "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters";
    private static final String XR_INTERFACE = "Cisco-IOS-XR-pfi-im-cmd-oper:interfaces/interface-xr/interface";
    private static final String OC_COUNTERS = "openconfig-interfaces:interfaces/interface/state/counters";

    /** IOS XR's generic counters; the same leaves are under interface-xr's {@code interface-statistics/full-interface-stats}. */
    private static Object[] xrCounters(String prefix) {
        return new Object[]{
                prefix + "bytes-received", spec(Schema.IN_OCTETS), prefix + "bytes-sent", spec(Schema.OUT_OCTETS),
                // packets-received counts unicast, multicast and broadcast: the model's in_pkts
                prefix + "packets-received", spec(Schema.IN_PKTS), prefix + "packets-sent", spec(Schema.OUT_PKTS),
                prefix + "input-errors", spec(Schema.IN_ERRORS), prefix + "output-errors", spec(Schema.OUT_ERRORS),
                prefix + "input-drops", spec(Schema.IN_DISCARDS), prefix + "output-drops", spec(Schema.OUT_DISCARDS),
                prefix + "unknown-protocol-packets-received", spec(Schema.IN_UNKNOWN_PROTOS)};
    }

    static final List<Mapping> TABLE = List.of(
            mapping(XR_GENERIC_COUNTERS, "interface-name", List.of(), xrCounters("")),
            mapping(XR_INTERFACE, "interface-name", List.of(), concat(xrCounters("interface-statistics/full-interface-stats/"),
                    "if-index", spec(Schema.IFINDEX),
                    "speed", new Spec(Schema.SPEED_BPS, Kind.KBPS),
                    "line-state", new Spec(Schema.OPER_STATUS, Kind.OPER_STATE),
                    "state", new Spec(Schema.ADMIN_STATUS, Kind.ADMIN_STATE),
                    "description", new Spec(Schema.DESCRIPTION, Kind.STRING))),
            mapping(OC_COUNTERS, "name",
                    // in-pkts and out-pkts came with openconfig-interfaces 2.x; before, only their parts
                    List.of(new Sum(Schema.IN_PKTS, List.of("in-unicast-pkts", "in-multicast-pkts", "in-broadcast-pkts")),
                            new Sum(Schema.OUT_PKTS, List.of("out-unicast-pkts", "out-multicast-pkts", "out-broadcast-pkts"))),
                    new Object[]{
                            "in-octets", spec(Schema.IN_OCTETS), "out-octets", spec(Schema.OUT_OCTETS),
                            "in-pkts", spec(Schema.IN_PKTS), "out-pkts", spec(Schema.OUT_PKTS),
                            "in-unicast-pkts", spec(Schema.IN_UCAST_PKTS), "out-unicast-pkts", spec(Schema.OUT_UCAST_PKTS),
                            "in-errors", spec(Schema.IN_ERRORS), "out-errors", spec(Schema.OUT_ERRORS),
                            "in-discards", spec(Schema.IN_DISCARDS), "out-discards", spec(Schema.OUT_DISCARDS),
                            "in-unknown-protos", spec(Schema.IN_UNKNOWN_PROTOS)}));

    /** IOS XE spells the OpenConfig module by its prefix. */
    private static final Map<String, String> ALIASES = Map.of("oc-if:interfaces/interface/state/counters", OC_COUNTERS);

    private static final Map<String, Mapping> BY_PATH = new LinkedHashMap<>();

    static {
        for (Mapping m : TABLE) {
            BY_PATH.put(CiscoNames.normalizedPath(m.path()), m);
        }
        ALIASES.forEach((alias, path) -> BY_PATH.put(alias, BY_PATH.get(CiscoNames.normalizedPath(path))));
    }

    private CiscoMappings() {
    }

    /** The entry of {@code encodingPath}, or null for a generic path. */
    static Mapping forPath(String encodingPath) {
        return BY_PATH.get(CiscoNames.normalizedPath(encodingPath));
    }

    private static Spec spec(String field) {
        return new Spec(field, Kind.INTEGER);
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] r = new Object[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static Mapping mapping(String path, String key, List<Sum> sums, Object[] pairs) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            specs.put((String) pairs[i], (Spec) pairs[i + 1]);
        }
        return new Mapping(path, key, Map.copyOf(specs), sums);
    }

    /**
     * IOS XR's {@code im-state-*} as IF-MIB ifOperStatus: up (and operational) 1, unknown 4, every
     * other state (down, admin-down, not-ready, shutdown, err-disable, ...) 2; 0 when not an im-state.
     */
    static int operStatus(String state) {
        if (!state.startsWith("im-state-")) {
            return 0;
        }
        return switch (state) {
            case "im-state-up", "im-state-operational" -> 1;
            case "im-state-unknown" -> 4;
            default -> 2;
        };
    }

    /** IOS XR's interface {@code im-state-*} as IF-MIB ifAdminStatus: 2 when shut down by configuration, else 1; 0 when not an im-state. */
    static int adminStatus(String state) {
        if (!state.startsWith("im-state-")) {
            return 0;
        }
        return state.contains("admin") ? 2 : 1;
    }
}
