package io.teleflux.sim.gnmi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The OpenConfig leaves the simulator serves: where each lives (under
 * {@code /interfaces/interface[name=...]} or {@code /components/component[name=...]}), its YANG
 * type (which decides how it is encoded) and whether it is sampled or sent on change when a
 * subscription leaves the choice to the target (TARGET_DEFINED).
 */
enum OcLeaf {
    NAME(Container.INTERFACE, "state/name", Type.STRING, false, r -> r.profile().name()),
    DESCRIPTION(Container.INTERFACE, "state/description", Type.STRING, false,
            r -> r.profile().description() == null || r.profile().description().isEmpty() ? null
                    : r.profile().description()),
    IFINDEX(Container.INTERFACE, "state/ifindex", Type.UINT32, false, r -> (long) r.profile().ifIndex()),
    MTU(Container.INTERFACE, "state/mtu", Type.UINT16, false, r -> (long) r.profile().mtu()),
    ADMIN_STATUS(Container.INTERFACE, "state/admin-status", Type.ENUMERATION, false,
            r -> adminStatus(r.profile().adminStatus())),
    OPER_STATUS(Container.INTERFACE, "state/oper-status", Type.ENUMERATION, false,
            r -> operStatus(r.profile().operStatus())),
    IN_OCTETS(Container.INTERFACE, "state/counters/in-octets", Type.UINT64, true, r -> r.sample().in().octets()),
    IN_PKTS(Container.INTERFACE, "state/counters/in-pkts", Type.UINT64, true, r -> r.sample().in().packets()),
    IN_UNICAST_PKTS(Container.INTERFACE, "state/counters/in-unicast-pkts", Type.UINT64, true,
            r -> r.sample().in().unicast()),
    IN_BROADCAST_PKTS(Container.INTERFACE, "state/counters/in-broadcast-pkts", Type.UINT64, true,
            r -> r.sample().in().broadcast()),
    IN_MULTICAST_PKTS(Container.INTERFACE, "state/counters/in-multicast-pkts", Type.UINT64, true,
            r -> r.sample().in().multicast()),
    IN_DISCARDS(Container.INTERFACE, "state/counters/in-discards", Type.UINT64, true,
            r -> r.sample().in().discards()),
    IN_ERRORS(Container.INTERFACE, "state/counters/in-errors", Type.UINT64, true, r -> r.sample().in().errors()),
    OUT_OCTETS(Container.INTERFACE, "state/counters/out-octets", Type.UINT64, true, r -> r.sample().out().octets()),
    OUT_PKTS(Container.INTERFACE, "state/counters/out-pkts", Type.UINT64, true, r -> r.sample().out().packets()),
    OUT_UNICAST_PKTS(Container.INTERFACE, "state/counters/out-unicast-pkts", Type.UINT64, true,
            r -> r.sample().out().unicast()),
    OUT_BROADCAST_PKTS(Container.INTERFACE, "state/counters/out-broadcast-pkts", Type.UINT64, true,
            r -> r.sample().out().broadcast()),
    OUT_MULTICAST_PKTS(Container.INTERFACE, "state/counters/out-multicast-pkts", Type.UINT64, true,
            r -> r.sample().out().multicast()),
    OUT_DISCARDS(Container.INTERFACE, "state/counters/out-discards", Type.UINT64, true,
            r -> r.sample().out().discards()),
    OUT_ERRORS(Container.INTERFACE, "state/counters/out-errors", Type.UINT64, true,
            r -> r.sample().out().errors()),
    PORT_SPEED(Container.INTERFACE, "ethernet/state/port-speed", Type.ETHERNET_SPEED, false,
            r -> portSpeed(r.profile().speedBps())),
    MAC_ADDRESS(Container.INTERFACE, "ethernet/state/mac-address", Type.STRING, false,
            r -> r.profile().mac().replace('-', ':').toLowerCase(Locale.ROOT)),
    CPU_INSTANT(Container.COMPONENT, "cpu/utilization/state/instant", Type.UINT8, true,
            r -> (long) r.device().cpuPct()),
    MEMORY_AVAILABLE(Container.COMPONENT, "state/memory/available", Type.UINT64, true,
            r -> r.device().memTotalKb() * 1024),
    MEMORY_UTILIZED(Container.COMPONENT, "state/memory/utilized", Type.UINT64, true,
            r -> r.device().memUsedKb() * 1024);

    /** The component that carries the device's CPU and memory: a standalone box has one. */
    static final String COMPONENT_NAME = "CPU0";
    /** The module that defines the {@code ETHERNET_SPEED} identities (RFC 7951 qualified names). */
    static final String ETHERNET_MODULE = "openconfig-if-ethernet";

    /** The keyed lists the leaves live in; both are keyed by {@code name}. */
    enum Container {
        INTERFACE("interfaces", "interface"),
        COMPONENT("components", "component");

        final String top;
        final String list;

        Container(String top, String list) {
            this.top = top;
            this.list = list;
        }
    }

    /** The YANG types served; they decide the PROTO field and the RFC 7951 JSON form. */
    enum Type {
        UINT8, UINT16, UINT32, UINT64, STRING, ENUMERATION, ETHERNET_SPEED
    }

    final Container container;
    /** The path below the list entry, e.g. {@code state/counters/in-octets}. */
    final String relative;
    final List<String> elems;
    final Type type;
    /** Sampled under TARGET_DEFINED (counters, gauges); otherwise sent on change. */
    final boolean sampled;
    /** The value at a reading: a {@link Long} for the integer types, a {@link String} otherwise; null if absent. */
    final Function<Reading, Object> value;

    OcLeaf(Container container, String relative, Type type, boolean sampled, Function<Reading, Object> value) {
        this.container = container;
        this.relative = relative;
        this.elems = List.of(relative.split("/"));
        this.type = type;
        this.sampled = sampled;
        this.value = value;
    }

    /** The full schema path, for help texts, e.g. {@code /interfaces/interface/state/counters/in-octets}. */
    String schemaPath() {
        return "/" + container.top + "/" + container.list + "/" + relative;
    }

    static List<OcLeaf> of(Container c) {
        List<OcLeaf> out = new ArrayList<>();
        for (OcLeaf l : values()) {
            if (l.container == c) {
                out.add(l);
            }
        }
        return out;
    }

    /** openconfig-interfaces {@code admin-status} from IF-MIB ifAdminStatus. */
    static String adminStatus(int ifAdminStatus) {
        return switch (ifAdminStatus) {
            case 1 -> "UP";
            case 2 -> "DOWN";
            case 3 -> "TESTING";
            default -> throw new IllegalArgumentException("ifAdminStatus " + ifAdminStatus);
        };
    }

    /** openconfig-interfaces {@code oper-status} from IF-MIB ifOperStatus (the same values, in the same order). */
    static String operStatus(int ifOperStatus) {
        return switch (ifOperStatus) {
            case 1 -> "UP";
            case 2 -> "DOWN";
            case 3 -> "TESTING";
            case 4 -> "UNKNOWN";
            case 5 -> "DORMANT";
            case 6 -> "NOT_PRESENT";
            case 7 -> "LOWER_LAYER_DOWN";
            default -> throw new IllegalArgumentException("ifOperStatus " + ifOperStatus);
        };
    }

    /** The openconfig-if-ethernet {@code ETHERNET_SPEED} identity of a line rate; SPEED_UNKNOWN for others. */
    static String portSpeed(long bps) {
        return SPEEDS.getOrDefault(bps, "SPEED_UNKNOWN");
    }

    private static final Map<Long, String> SPEEDS = Map.ofEntries(
            Map.entry(10_000_000L, "SPEED_10MB"),
            Map.entry(100_000_000L, "SPEED_100MB"),
            Map.entry(1_000_000_000L, "SPEED_1GB"),
            Map.entry(2_500_000_000L, "SPEED_2500MB"),
            Map.entry(5_000_000_000L, "SPEED_5GB"),
            Map.entry(10_000_000_000L, "SPEED_10GB"),
            Map.entry(25_000_000_000L, "SPEED_25GB"),
            Map.entry(40_000_000_000L, "SPEED_40GB"),
            Map.entry(50_000_000_000L, "SPEED_50GB"),
            Map.entry(100_000_000_000L, "SPEED_100GB"),
            Map.entry(200_000_000_000L, "SPEED_200GB"),
            Map.entry(400_000_000_000L, "SPEED_400GB"),
            Map.entry(800_000_000_000L, "SPEED_800GB"));
}
