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

    /** IOS XR's generic counters. */
    private static Object[] xrCounters() {
        return new Object[]{
                "bytes-received", spec(Schema.IN_OCTETS), "bytes-sent", spec(Schema.OUT_OCTETS),
                // packets-received counts unicast, multicast and broadcast: the model's in_pkts
                "packets-received", spec(Schema.IN_PKTS), "packets-sent", spec(Schema.OUT_PKTS),
                "input-errors", spec(Schema.IN_ERRORS), "output-errors", spec(Schema.OUT_ERRORS),
                "input-drops", spec(Schema.IN_DISCARDS), "output-drops", spec(Schema.OUT_DISCARDS),
                "unknown-protocol-packets-received", spec(Schema.IN_UNKNOWN_PROTOS)};
    }

    static final List<Mapping> TABLE = List.of(
            mapping(XR_GENERIC_COUNTERS, "interface-name", List.of(), xrCounters()),
            // State, speed and identity only. Its interface-statistics/full-interface-stats repeat the
            // generic counters, sampled at another moment: as in_octets & co they would give each series
            // two samples per interval (rates over a few ms, alternately near 0 and doubled) for everyone
            // who subscribes to both paths, as Cisco's examples do. They are kept under their own names.
            mapping(XR_INTERFACE, "interface-name", List.of(), new Object[]{
                    "if-index", spec(Schema.IFINDEX),
                    "speed", new Spec(Schema.SPEED_BPS, Kind.KBPS),
                    "line-state", new Spec(Schema.OPER_STATUS, Kind.OPER_STATE),
                    "state", new Spec(Schema.ADMIN_STATUS, Kind.ADMIN_STATE),
                    "description", new Spec(Schema.DESCRIPTION, Kind.STRING)}),
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
