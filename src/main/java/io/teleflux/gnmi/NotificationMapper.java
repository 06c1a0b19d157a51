package io.teleflux.gnmi;

import io.teleflux.gnmi.GnmiPaths.Elem;
import io.teleflux.gnmi.Values.Leaf;
import io.teleflux.point.Names;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.Update;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One target's notifications into points of the data model. All points of a notification carry
 * its timestamp (ns on the wire, ms here), tag {@code device} (the target's name) and
 * {@code source=telemetry}; the leaves of one list entry (an interface, a component) in one
 * notification make one point.
 *
 * <ul>
 *   <li>{@code /interfaces/interface[name=X]}: {@code state/counters/*}, {@code state/oper-status},
 *       {@code admin-status} (as IF-MIB numbers), {@code ifindex}, {@code description},
 *       {@code ethernet/state/negotiated-port-speed} or {@code port-speed} and
 *       {@code aggregation/state/lag-speed} become the {@code interface} fields SNMP and dial-out
 *       write, with {@code in_pkts} = unicast + multicast + broadcast when all three are there,
 *       else the device's {@code in-pkts} (likewise out). Subinterface {@code [index=N]}, N > 0, is
 *       interface {@code X.N}; index 0 (the parent itself on most devices) stays generic.</li>
 *   <li>{@code /components/component[name=C]}: {@code cpu/utilization/state/instant} and
 *       {@code state/memory/{available,utilized}}; {@code /system/cpus/cpu[index=N]/state/total/instant},
 *       {@code /system/memory/state/{physical,used,free}} and {@code /system/state/boot-time}: the
 *       {@code device} fields H3C's CPU and memory tables give, tagged {@code component} (or
 *       {@code cpu}) as H3C tags its CPUs.</li>
 *   <li>Every other leaf, and the multicast, broadcast and total packet counters that went into a
 *       sum: a generic measurement {@code gnmi_<the last three container names>} (without
 *       {@code state} and {@code config}), the path's keys as tags, the leaf as a field.</li>
 * </ul>
 *
 * <p>What depends only on a path's element and key names (the routing's joined names, a generic
 * leaf's measurement, field and tag keys) is worked out the first time a path of that shape comes
 * and kept in a tree of shapes, at most {@link #MAX_SHAPES} nodes per target.
 *
 * <p>Not thread-safe: one mapper per target, used by its session only.
 */
final class NotificationMapper {
    /** Where a problem with one value or update goes: counted under {@code reason}, logged rate-limited. */
    interface Issues {
        void issue(String reason, String detail);
    }

    /** The points of one notification, and how many updates and deletes it carried. */
    record Result(List<Point> points, int updates, int deletes, long timeMs) {
    }

    static final String MEASUREMENT_PREFIX = "gnmi";
    static final String TAG_COMPONENT = "component";
    static final String TAG_CPU = "cpu";
    private static final int GENERIC_DEPTH = 3;
    private static final Set<String> STRUCTURAL = Set.of("state", "config");
    private static final Set<String> RESERVED_TAGS = Set.of(Schema.TAG_DEVICE, Schema.TAG_SOURCE, "time");
    private static final Pattern SPEED = Pattern.compile("SPEED_([0-9]+)(MB|GB)");

    /** IF-MIB ifOperStatus numbers of openconfig-interfaces oper-status (same values, same order). */
    private static final Map<String, Long> OPER = Map.of("UP", 1L, "DOWN", 2L, "TESTING", 3L, "UNKNOWN", 4L,
            "DORMANT", 5L, "NOT_PRESENT", 6L, "LOWER_LAYER_DOWN", 7L);
    private static final Map<String, Long> ADMIN = Map.of("UP", 1L, "DOWN", 2L, "TESTING", 3L);

    /** state/counters leaves that are fields of {@code interface} as they are. */
    private static final Map<String, String> COUNTERS = Map.ofEntries(
            Map.entry("in-octets", Schema.IN_OCTETS), Map.entry("out-octets", Schema.OUT_OCTETS),
            Map.entry("in-unicast-pkts", Schema.IN_UCAST_PKTS), Map.entry("out-unicast-pkts", Schema.OUT_UCAST_PKTS),
            Map.entry("in-errors", Schema.IN_ERRORS), Map.entry("out-errors", Schema.OUT_ERRORS),
            Map.entry("in-discards", Schema.IN_DISCARDS), Map.entry("out-discards", Schema.OUT_DISCARDS),
            Map.entry("in-unknown-protos", Schema.IN_UNKNOWN_PROTOS));
    /** state/counters leaves that go into in_pkts/out_pkts, and are also kept as they are (generic). */
    private static final Set<String> PACKET_PARTS = Set.of("in-pkts", "in-multicast-pkts", "in-broadcast-pkts",
            "out-pkts", "out-multicast-pkts", "out-broadcast-pkts");
    /** The order of an interface point's fields: SNMP's. */
    private static final List<String> INTERFACE_ORDER = List.of(Schema.IFINDEX, Schema.IN_OCTETS, Schema.OUT_OCTETS,
            Schema.IN_PKTS, Schema.OUT_PKTS, Schema.IN_UCAST_PKTS, Schema.OUT_UCAST_PKTS, Schema.IN_ERRORS,
            Schema.OUT_ERRORS, Schema.IN_DISCARDS, Schema.OUT_DISCARDS, Schema.IN_UNKNOWN_PROTOS, Schema.SPEED_BPS,
            Schema.OPER_STATUS, Schema.ADMIN_STATUS, Schema.DESCRIPTION);

    private final String device;
    private final GnmiConfig.Limits limits;
    private final LongSupplier clock;
    private final Set<String> measurements = new HashSet<>();

    NotificationMapper(String device, GnmiConfig.Limits limits, LongSupplier clock) {
        this.device = device;
        this.limits = limits;
        this.clock = clock;
    }

    /** The points of {@code n}; a bad update or value is reported to {@code issues} and skipped, the rest is mapped. */
    Result map(Notification n, Issues issues) {
        long timeMs = timeMs(n.getTimestamp(), issues);
        List<Elem> prefix = new ArrayList<>();
        try {
            GnmiPaths.append(n.getPrefix(), prefix);
        } catch (IllegalArgumentException e) {
            issues.issue("bad_path", "prefix " + n.getPrefix().toString().replace('\n', ' ') + ": " + e.getMessage());
            return new Result(List.of(), n.getUpdateCount(), n.getDeleteCount(), timeMs);
        }
        Groups g = new Groups();
        List<Leaf> leaves = new ArrayList<>();
        // prefix + each update's path, in one list reused update after update: a leaf's path is
        // read while its update is routed and kept by nothing after (JSON leaves get their own lists)
        List<Elem> path = new ArrayList<>(prefix.size() + 8);
        path.addAll(prefix);
        // the prefix's shape node, found once: a leaf at the joined path starts there
        Shape prefixShape = shape(shapes, prefix, 0);
        for (Update u : n.getUpdateList()) {
            for (int i = path.size() - 1; i >= prefix.size(); i--) {
                path.remove(i);
            }
            try {
                GnmiPaths.append(u.getPath(), path);
            } catch (IllegalArgumentException e) {
                issues.issue("bad_path", GnmiPaths.text(prefix) + " + " + u.getPath().toString().replace('\n', ' ')
                        + ": " + e.getMessage());
                continue;
            }
            leaves.clear();
            try {
                Values.leaves(path, u, leaves);
            } catch (Values.BadValue e) {
                issues.issue(e.reason, GnmiPaths.text(path) + ": " + e.getMessage());
                continue;
            }
            for (Leaf leaf : leaves) {
                // a PROTO scalar's leaf is at the joined path; a JSON value's leaves have paths of their own
                Shape shape = leaf.path() == path ? shape(prefixShape, path, prefix.size())
                        : shape(shapes, leaf.path(), 0);
                route(leaf, shape == null ? new Shape() : shape, g, issues); // null: the tree is full, for this leaf only
            }
        }
        return new Result(g.build(timeMs, issues), n.getUpdateCount(), n.getDeleteCount(), timeMs);
    }

    /**
     * Epoch ms of a notification timestamp: nanoseconds by the specification; a target that sends
     * µs, ms or s is read by magnitude. Unset (0): the collector's clock.
     */
    long timeMs(long ts, Issues issues) {
        if (ts == 0) {
            return clock.getAsLong();
        }
        long ms = toMs(ts);
        if (ms < 0) {
            issues.issue("bad_timestamp", "timestamp " + ts + " (expected ns since the epoch); the collector's time is used");
            return clock.getAsLong();
        }
        return ms;
    }

    static long toMs(long ts) {
        if (ts < 0) {
            return -1;
        }
        if (ts >= 100_000_000_000_000_000L) {
            return ts / 1_000_000; // ns (any date after 1973)
        }
        if (ts >= 100_000_000_000_000L) {
            return ts / 1_000; // µs
        }
        if (ts >= 100_000_000_000L) {
            return ts; // ms
        }
        return ts * 1_000; // s
    }

    // ---- routing ----

    private void route(Leaf leaf, Shape shape, Groups g, Issues issues) {
        List<Elem> p = leaf.path();
        if (p.isEmpty()) {
            issues.issue("missing_path", "a value without a path");
            return;
        }
        String top = p.get(0).name();
        boolean mapped = switch (top) {
            case "interfaces" -> p.size() > 2 && p.get(1).name().equals("interface") && p.get(1).key("name") != null
                    && routeInterface(leaf, shape, g, issues);
            case "components" -> p.size() > 2 && p.get(1).name().equals("component") && p.get(1).key("name") != null
                    && routeComponent(leaf, shape, g, issues);
            case "system" -> routeSystem(leaf, shape, g, issues);
            default -> false;
        };
        if (!mapped) {
            generic(leaf, shape, g);
        }
    }

    private boolean routeInterface(Leaf leaf, Shape shape, Groups g, Issues issues) {
        List<Elem> p = leaf.path();
        String name = p.get(1).key("name");
        int from = 2;
        if (p.size() > 4 && p.get(2).name().equals("subinterfaces") && p.get(3).name().equals("subinterface")) {
            String index = p.get(3).key("index");
            if (index == null || index.isEmpty() || index.equals("0")) {
                return false;
            }
            name = name + "." + index;
            from = 4;
        }
        String rest = shape.rest(p, from);
        Iface acc = g.iface(name);
        Object v = leaf.value();
        switch (rest) {
            case "state/oper-status" -> acc.put(Schema.OPER_STATUS, status(v, OPER), v, issues, leaf);
            case "state/admin-status" -> acc.put(Schema.ADMIN_STATUS, status(v, ADMIN), v, issues, leaf);
            case "state/ifindex" -> acc.put(Schema.IFINDEX, counter(v), v, issues, leaf);
            case "state/description" -> acc.put(Schema.DESCRIPTION, v instanceof String s ? s : null, v, issues, leaf);
            case "ethernet/state/port-speed" -> acc.portSpeed = speed(v, leaf, issues);
            case "ethernet/state/negotiated-port-speed" -> acc.negotiatedSpeed = speed(v, leaf, issues);
            case "aggregation/state/lag-speed" -> {
                Object mbps = counter(v);
                if (mbps instanceof Long l) {
                    acc.lagSpeed = l * 1_000_000L;
                } else {
                    bad(leaf, issues);
                }
            }
            default -> {
                String counter = shape.counter();
                if (counter == null) {
                    return false;
                }
                String field = COUNTERS.get(counter);
                if (field != null) {
                    acc.put(field, counter(v), v, issues, leaf);
                    return true;
                }
                if (!PACKET_PARTS.contains(counter)) {
                    return false;
                }
                acc.parts.put(counter, counter(v));
                generic(leaf, shape, g); // kept as it is too: only its sum is a field of interface
            }
        }
        return true;
    }

    private boolean routeComponent(Leaf leaf, Shape shape, Groups g, Issues issues) {
        List<Elem> p = leaf.path();
        String rest = shape.rest(p, 2);
        String component = p.get(1).key("name");
        return switch (rest) {
            case "cpu/utilization/state/instant" -> g.device(TAG_COMPONENT, component).cpu(leaf, issues);
            case "state/memory/available" -> g.device(TAG_COMPONENT, component).mem(Schema.MEM_TOTAL, leaf, issues);
            case "state/memory/utilized" -> g.device(TAG_COMPONENT, component).mem(Schema.MEM_USED, leaf, issues);
            default -> false;
        };
    }

    private boolean routeSystem(Leaf leaf, Shape shape, Groups g, Issues issues) {
        List<Elem> p = leaf.path();
        String rest = shape.rest(p, 0);
        switch (rest) {
            case "system/memory/state/physical" -> {
                return g.device(null, null).mem(Schema.MEM_TOTAL, leaf, issues);
            }
            case "system/memory/state/used" -> {
                return g.device(null, null).mem(Schema.MEM_USED, leaf, issues);
            }
            case "system/memory/state/free" -> {
                return g.device(null, null).mem(Schema.MEM_FREE, leaf, issues);
            }
            case "system/state/boot-time" -> {
                Object v = counter(leaf.value());
                if (v instanceof Long ns && toMs(ns) > 0) {
                    g.device(null, null).bootMs = toMs(ns);
                } else {
                    bad(leaf, issues);
                }
                return true;
            }
            case "system/cpus/cpu/state/total/instant" -> {
                String index = p.get(2).key("index");
                return index != null && g.device(TAG_CPU, index).cpu(leaf, issues);
            }
            default -> {
                return false;
            }
        }
    }

    /** The element names from {@code from} on, joined with '/', keys left out. */
    private static String names(List<Elem> p, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < p.size(); i++) {
            if (i > from) {
                sb.append('/');
            }
            sb.append(p.get(i).name());
        }
        return sb.toString();
    }

    private void generic(Leaf leaf, Shape shape, Groups g) {
        List<Elem> p = leaf.path();
        if (shape.generic == null) {
            shape.generic = GenericNames.of(p);
        }
        GenericNames names = shape.generic;
        String[] tags = new String[names.tagKeys.length * 2];
        for (int i = 0; i < names.tagKeys.length; i++) {
            tags[2 * i] = names.tagKeys[i];
            tags[2 * i + 1] = p.get(names.tagElems[i]).key(names.tagSources[i]);
        }
        g.generic(names.measurement, tags).put(names.field, leaf.value());
    }

    /**
     * The names of a generic leaf's point: they depend on its path's element and key names only,
     * not on the key values, so they are worked out once per shape of path: the tag keys (sorted)
     * and, for each, the index of the path element whose key gives its value and that key's name.
     */
    private static final class GenericNames {
        final String measurement;
        final String field;
        final String[] tagKeys;
        final int[] tagElems;
        final String[] tagSources;

        private GenericNames(String measurement, String field, String[] tagKeys, int[] tagElems, String[] tagSources) {
            this.measurement = measurement;
            this.field = field;
            this.tagKeys = tagKeys;
            this.tagElems = tagElems;
            this.tagSources = tagSources;
        }

        static GenericNames of(List<Elem> p) {
            List<String> containers = new ArrayList<>();
            for (int i = 0; i < p.size() - 1; i++) {
                if (!STRUCTURAL.contains(p.get(i).name())) {
                    containers.add(snake(p.get(i).name()));
                }
            }
            StringBuilder m = new StringBuilder(MEASUREMENT_PREFIX);
            for (String c : containers.subList(Math.max(0, containers.size() - GENERIC_DEPTH), containers.size())) {
                m.append('_').append(c);
            }
            // path keys as tags: a key name seen twice (or one of ours) is qualified by its element's name
            Map<String, Integer> seen = new HashMap<>();
            for (Elem e : p) {
                for (String k : e.keys().keySet()) {
                    seen.merge(snake(k), 1, Integer::sum);
                }
            }
            // tag key -> (element index, key name); a tag key given twice keeps the later one
            Map<String, Map.Entry<Integer, String>> tags = new TreeMap<>();
            for (int i = 0; i < p.size(); i++) {
                Elem e = p.get(i);
                for (String k : e.keys().keySet()) {
                    String key = snake(k);
                    int left = seen.merge(key, -1, Integer::sum);
                    if (left > 0 || RESERVED_TAGS.contains(key)) {
                        key = snake(e.name()) + "_" + key;
                    }
                    tags.put(key, Map.entry(i, k));
                }
            }
            String[] keys = new String[tags.size()];
            int[] elems = new int[tags.size()];
            String[] sources = new String[tags.size()];
            int t = 0;
            for (Map.Entry<String, Map.Entry<Integer, String>> e : tags.entrySet()) {
                keys[t] = e.getKey();
                elems[t] = e.getValue().getKey();
                sources[t] = e.getValue().getValue();
                t++;
            }
            return new GenericNames(m.toString(), snake(p.get(p.size() - 1).name()), keys, elems, sources);
        }
    }

    // ---- what is worked out once per shape of path ----

    /**
     * A node of the tree of path shapes this target has sent: a path's element names, each followed
     * by its key names (sorted), lead from the root to its node. Every field is derived from the
     * names alone, so a node's is valid for every path that reaches it.
     */
    private static final class Shape {
        Map<String, Shape> elems;
        Map<String, Shape> keys;
        GenericNames generic;
        private String rest;
        private String counter;

        /**
         * The element names from {@code from} on, joined with '/', what routing switches on; a
         * path's routing takes {@code from} from its names, so a node is always asked the same.
         */
        String rest(List<Elem> p, int from) {
            if (rest == null) {
                rest = names(p, from);
            }
            return rest;
        }

        /** X of an interface's rest {@code state/counters/X}, else null; after {@link #rest}. */
        String counter() {
            if (counter == null) {
                counter = rest.startsWith("state/counters/") && rest.indexOf('/', 15) < 0 ? rest.substring(15) : "";
            }
            return counter.isEmpty() ? null : counter;
        }
    }

    /** How many shape nodes a mapper keeps: a target inventing names cannot make it grow without bound. */
    static final int MAX_SHAPES = 4096;

    private final Shape shapes = new Shape();
    private int shapeCount;

    /**
     * The node of {@code p}'s shape, walked from {@code s}, the node of its first {@code from}
     * elements; null when it is not remembered (the tree is full).
     */
    private Shape shape(Shape s, List<Elem> p, int from) {
        for (int i = from; i < p.size() && s != null; i++) {
            Elem e = p.get(i);
            s = child(s, false, e.name());
            if (!e.keys().isEmpty()) {
                for (String k : e.keys().keySet()) {
                    if (s != null) {
                        s = child(s, true, k);
                    }
                }
            }
        }
        return s;
    }

    private Shape child(Shape s, boolean key, String name) {
        Map<String, Shape> m = key ? s.keys : s.elems;
        Shape c = m == null ? null : m.get(name);
        if (c != null || shapeCount >= MAX_SHAPES) {
            return c;
        }
        if (m == null) {
            m = new HashMap<>(4);
            if (key) {
                s.keys = m;
            } else {
                s.elems = m;
            }
        }
        c = new Shape();
        m.put(name, c);
        shapeCount++;
        return c;
    }

    /** Lower snake case: {@code in-octets} → {@code in_octets}; anything but a-z and 0-9 becomes one '_'. */
    static String snake(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean sep = false;
        for (int i = 0; i < name.length(); i++) {
            char ch = Character.toLowerCase(name.charAt(i));
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                if (sep && sb.length() > 0) {
                    sb.append('_');
                }
                sb.append(ch);
                sep = false;
            } else {
                sep = true;
            }
        }
        return sb.length() == 0 ? "unnamed" : sb.toString();
    }

    // ---- value conversions (null: not of the leaf's type) ----

    /** An unsigned counter or index: a Long >= 0 or {@link Values#OVERFLOW}; null when not one. */
    static Object counter(Object v) {
        if (v == Values.OVERFLOW) {
            return v;
        }
        if (v instanceof Long l) {
            return l >= 0 ? l : null;
        }
        if (v instanceof Double d && d >= 0 && d < 0x1p63 && d == Math.rint(d)) {
            return d.longValue();
        }
        if (v instanceof String s && !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() <= 20) {
            try {
                long u = Long.parseUnsignedLong(s);
                return u >= 0 ? u : Values.OVERFLOW;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Long status(Object v, Map<String, Long> values) {
        if (v instanceof String s) {
            return values.get(GnmiPaths.stripModule(s).toUpperCase(Locale.ROOT));
        }
        return v instanceof Long l && l > 0 && l <= 7 ? l : null;
    }

    /** An openconfig-if-ethernet ETHERNET_SPEED identity in bit/s; 0 for SPEED_UNKNOWN, -1 when not one. */
    private static long speed(Object v, Leaf leaf, Issues issues) {
        if (v instanceof String s) {
            String id = GnmiPaths.stripModule(s).toUpperCase(Locale.ROOT);
            Matcher m = SPEED.matcher(id);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return n * (m.group(2).equals("GB") ? 1_000_000_000L : 1_000_000L);
            }
            if (id.equals("SPEED_UNKNOWN")) {
                return 0;
            }
        }
        bad(leaf, issues);
        return -1;
    }

    private static void bad(Leaf leaf, Issues issues) {
        issues.issue("bad_value", GnmiPaths.text(leaf.path()) + ": unexpected value " + describe(leaf.value()));
    }

    private static String describe(Object v) {
        String s = v instanceof String str ? "'" + str + "'" : String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    // ---- the points of one notification ----

    /** The accumulated fields of one interface. */
    private static final class Iface {
        // sized for every field of INTERFACE_ORDER without a resize
        final Map<String, Object> fields = new HashMap<>(32);
        final Map<String, Object> parts = new HashMap<>();
        long portSpeed = -1;
        long negotiatedSpeed = -1;
        long lagSpeed = -1;

        /** {@code converted} is {@code raw} as the field's type, or null when it was not of that type. */
        void put(String field, Object converted, Object raw, Issues issues, Leaf leaf) {
            if (converted == null) {
                bad(leaf, issues);
            } else if (converted == Values.OVERFLOW) {
                issues.issue("uint64_overflow", GnmiPaths.text(leaf.path()) + ": a value >= 2^63 is left out ("
                        + "InfluxDB 1.x has no type for it)");
            } else {
                fields.put(field, converted);
            }
        }

        Point build(String device, String name, long timeMs, Issues issues) {
            sum(Schema.IN_PKTS, Schema.IN_UCAST_PKTS, "in-multicast-pkts", "in-broadcast-pkts", "in-pkts", issues);
            sum(Schema.OUT_PKTS, Schema.OUT_UCAST_PKTS, "out-multicast-pkts", "out-broadcast-pkts", "out-pkts", issues);
            long speed = negotiatedSpeed > 0 ? negotiatedSpeed : portSpeed > 0 ? portSpeed : lagSpeed;
            if (speed > 0) {
                fields.put(Schema.SPEED_BPS, speed);
            }
            if (fields.isEmpty()) {
                return null;
            }
            Point.Builder b = Point.builder(Schema.INTERFACE, fields.size()).tag(Schema.TAG_DEVICE, device)
                    .tag(Schema.TAG_INTERFACE, name).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
            for (String f : INTERFACE_ORDER) {
                Object v = fields.get(f);
                if (v instanceof Long l) {
                    b.field(f, l);
                } else if (v instanceof String s && !s.isEmpty()) {
                    b.field(f, s); // an empty description is left out, as SNMP leaves out an empty ifAlias
                }
            }
            return b.build();
        }

        /** in_pkts: unicast + multicast + broadcast when all three are here, else the device's own total. */
        private void sum(String field, String unicast, String multicast, String broadcast, String total, Issues issues) {
            Object u = fields.get(unicast);
            Object m = parts.get(multicast);
            Object b = parts.get(broadcast);
            if (u instanceof Long ul && m instanceof Long ml && b instanceof Long bl) {
                try {
                    fields.put(field, Math.addExact(Math.addExact(ul, ml), bl));
                } catch (ArithmeticException e) {
                    issues.issue("uint64_overflow", field + " = unicast + multicast + broadcast reaches 2^63: left out");
                }
                return;
            }
            if (parts.get(total) instanceof Long t) {
                fields.put(field, t);
            }
        }
    }

    /** The accumulated fields of one device point (one component or CPU, or the system). */
    private static final class Device {
        Double cpu;
        final Map<String, Long> mem = new HashMap<>();
        long bootMs = -1;

        boolean cpu(Leaf leaf, Issues issues) {
            Object v = leaf.value();
            if (v instanceof Long l) {
                cpu = l.doubleValue();
            } else if (v instanceof Double d) {
                cpu = d;
            } else {
                bad(leaf, issues);
            }
            return true;
        }

        boolean mem(String field, Leaf leaf, Issues issues) {
            Object v = counter(leaf.value());
            if (v instanceof Long l) {
                mem.put(field, l);
            } else if (v == Values.OVERFLOW) {
                issues.issue("uint64_overflow", GnmiPaths.text(leaf.path()) + ": a value >= 2^63 is left out");
            } else {
                bad(leaf, issues);
            }
            return true;
        }

        Point build(String device, String tagKey, String tagValue, long timeMs) {
            Long total = mem.get(Schema.MEM_TOTAL);
            Long used = mem.get(Schema.MEM_USED);
            Long free = mem.get(Schema.MEM_FREE);
            if (used == null && total != null && free != null && free <= total) {
                used = total - free;
            }
            if (free == null && total != null && used != null && used <= total) {
                free = total - used;
            }
            Point.Builder b = Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, device)
                    .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
            if (tagKey != null) {
                b.tag(tagKey, tagValue);
            }
            if (cpu != null) {
                b.field(Schema.CPU_PCT, cpu.doubleValue());
            }
            if (total != null) {
                b.field(Schema.MEM_TOTAL, total.longValue());
            }
            if (used != null) {
                b.field(Schema.MEM_USED, used.longValue());
            }
            if (free != null) {
                b.field(Schema.MEM_FREE, free.longValue());
            }
            if (total != null && used != null && total > 0) {
                b.field(Schema.MEM_USED_PCT, used * 100.0 / total);
            }
            if (bootMs > 0 && timeMs >= bootMs) {
                b.field(Schema.UPTIME_S, (timeMs - bootMs) / 1000);
            }
            return b.fieldCount() == 0 ? null : b.build();
        }
    }

    /** A generic point's identity: its measurement and its tags as {@code key, value, ...}, sorted by key. */
    private record GenericKey(String measurement, List<String> tags) {
    }

    /** The points of one notification, in the order their first leaf came. */
    private final class Groups {
        final Map<String, Iface> ifaces = new LinkedHashMap<>();
        final Map<List<String>, Device> devices = new LinkedHashMap<>();
        final Map<GenericKey, Map<String, Object>> generics = new LinkedHashMap<>();

        Iface iface(String name) {
            return ifaces.computeIfAbsent(name, k -> new Iface());
        }

        Device device(String tagKey, String tagValue) {
            return devices.computeIfAbsent(tagKey == null ? List.of() : List.of(tagKey, tagValue), k -> new Device());
        }

        Map<String, Object> generic(String measurement, String[] tags) {
            return generics.computeIfAbsent(new GenericKey(measurement, Arrays.asList(tags)), k -> new LinkedHashMap<>());
        }

        List<Point> build(long timeMs, Issues issues) {
            List<Point> out = new ArrayList<>(ifaces.size() + devices.size() + generics.size());
            ifaces.forEach((name, acc) -> add(out, acc.build(device, name, timeMs, issues), issues));
            devices.forEach((key, acc) -> add(out, acc.build(device, key.isEmpty() ? null : key.get(0),
                    key.isEmpty() ? null : key.get(1), timeMs), issues));
            generics.forEach((key, fields) -> {
                Point.Builder b = Point.builder(key.measurement(), fields.size()).tag(Schema.TAG_DEVICE, device)
                        .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
                for (int i = 0; i < key.tags().size(); i += 2) {
                    b.tag(key.tags().get(i), key.tags().get(i + 1));
                }
                fields.forEach((f, v) -> {
                    switch (v) {
                        case Long l -> b.field(f, l.longValue());
                        case Double d -> b.field(f, d.doubleValue());
                        case Boolean z -> b.field(f, z.booleanValue());
                        case String s -> b.field(f, s);
                        default -> issues.issue("uint64_overflow", key.measurement() + " " + f
                                + ": a value >= 2^63 is left out (InfluxDB 1.x has no type for it)");
                    }
                });
                add(out, b.fieldCount() == 0 ? null : b.build(), issues);
            });
            return out;
        }
    }

    /** Adds {@code p} within the limits: names cut with a hash suffix, fields and measurements capped. */
    private void add(List<Point> out, Point p, Issues issues) {
        if (p == null) {
            return;
        }
        int max = limits.maxNameLength();
        boolean ok = p.measurement().length() <= max && p.fieldCount() <= limits.maxFieldsPerPoint();
        for (int i = 0; ok && i < p.tagCount(); i++) {
            ok = p.tagKey(i).length() <= max && p.tagValue(i).length() <= max;
        }
        for (int i = 0; ok && i < p.fieldCount(); i++) {
            ok = p.fieldKey(i).length() <= max;
        }
        Point q = ok ? p : bounded(p, issues);
        if (!measurements.contains(q.measurement())) {
            if (measurements.size() >= limits.maxMeasurementsPerTarget()) {
                issues.issue("measurement_limit", "a point of '" + q.measurement() + "' is dropped: the target has "
                        + "produced teleflux.gnmi.limits.max-measurements-per-target measurements already");
                return;
            }
            measurements.add(q.measurement());
        }
        out.add(q);
    }

    private Point bounded(Point p, Issues issues) {
        Point q = Names.rebuild(p, Names.Renamer.of(name -> limit(name, issues)), limits.maxFieldsPerPoint());
        int n = limits.maxFieldsPerPoint();
        if (p.fieldCount() > n) {
            issues.issue("field_limit", "a point of '" + p.measurement() + "' has " + p.fieldCount() + " fields; the "
                    + (p.fieldCount() - n) + " beyond teleflux.gnmi.limits.max-fields-per-point are dropped");
        }
        return q;
    }

    private String limit(String name, Issues issues) {
        if (name.length() <= limits.maxNameLength()) {
            return name;
        }
        String cut = Names.limit(name, limits.maxNameLength());
        issues.issue("name_truncated", "a name of " + name.length() + " chars was cut to "
                + "teleflux.gnmi.limits.max-name-length: " + cut);
        return cut;
    }
}
