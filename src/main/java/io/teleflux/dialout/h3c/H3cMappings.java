package io.teleflux.dialout.h3c;

import static io.teleflux.dialout.h3c.Column.Transform.HUNDRED_MINUS;
import static io.teleflux.dialout.h3c.Column.Transform.TIMES_1000;
import static io.teleflux.dialout.h3c.Column.ignore;
import static io.teleflux.dialout.h3c.Column.integer;
import static io.teleflux.dialout.h3c.Column.floating;
import static io.teleflux.dialout.h3c.Column.key;
import static io.teleflux.dialout.h3c.Column.ratio;
import static io.teleflux.dialout.h3c.Column.string;
import static io.teleflux.dialout.h3c.Column.tag;
import static io.teleflux.dialout.h3c.Mapping.Extras.IGNORE;
import static io.teleflux.dialout.h3c.Mapping.Extras.KEEP;

import io.teleflux.point.Schema;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sensor path → measurement. The JSON tree's {@code <Module>/<Table>} names pick the entry,
 * compared without regard to case; a path with no entry is stored generically as
 * {@code h3c_<module>_<table>}, never dropped.
 *
 * <p>Supporting a new sensor path is one more entry in {@link #TABLE}. Field order in a point is
 * the order of the columns in its entry, then extra columns in input order.
 */
final class H3cMappings {
    /** Transceiver power and temperature readings use this value for "no reading". */
    private static final long INT32_NOT_AVAILABLE = 2147483647L;

    private record Entry(String path, String measurement, Mapping.Extras extras, Long notAvailable,
                         List<Mapping.Item> specs) {
    }

    private static Entry mapped(String path, String measurement, Mapping.Extras extras, Mapping.Item... specs) {
        return new Entry(path, measurement, extras, null, List.of(specs));
    }

    private static Entry generic(String path, long notAvailable) {
        return new Entry(path, null, KEEP, notAvailable, List.of());
    }

    private static final List<Entry> TABLE = List.of(
            mapped("Ifmgr/Statistics", Schema.INTERFACE, KEEP,
                    key("Name", Schema.TAG_INTERFACE),
                    integer("IfIndex", Schema.IFINDEX),
                    integer("InOctets", Schema.IN_OCTETS), integer("OutOctets", Schema.OUT_OCTETS),
                    integer("InPkts", Schema.IN_PKTS), integer("OutPkts", Schema.OUT_PKTS),
                    integer("InUcastPkts", Schema.IN_UCAST_PKTS), integer("OutUcastPkts", Schema.OUT_UCAST_PKTS),
                    integer("InNUcastPkts", Schema.IN_NUCAST_PKTS), integer("OutNUcastPkts", Schema.OUT_NUCAST_PKTS),
                    integer("InErrors", Schema.IN_ERRORS), integer("OutErrors", Schema.OUT_ERRORS),
                    integer("InDiscards", Schema.IN_DISCARDS), integer("OutDiscards", Schema.OUT_DISCARDS),
                    integer("InUnknownProtos", Schema.IN_UNKNOWN_PROTOS),
                    // unit unconfirmed (likely bytes/s): stored raw, never used for in_bps
                    integer("InRate", "in_rate"), integer("OutRate", "out_rate"),
                    integer("InPktRate", "in_pkt_rate"), integer("OutPktRate", "out_pkt_rate"),
                    integer("InBitRate", "in_bit_rate"), integer("OutBitRate", "out_bit_rate"),
                    floating("InUsage", "in_usage_pct"), floating("OutUsage", "out_usage_pct"),
                    ignore("AbbreviatedName"), ignore("LastClear")),
            mapped("Ifmgr/Interfaces", Schema.INTERFACE, IGNORE,
                    key("Name", Schema.TAG_INTERFACE),
                    integer("IfIndex", Schema.IFINDEX),
                    integer("AdminStatus", Schema.ADMIN_STATUS), integer("OperStatus", Schema.OPER_STATUS),
                    integer("ActualSpeed", Schema.SPEED_BPS, TIMES_1000), // kbit/s
                    string("Description", Schema.DESCRIPTION)),
            mapped("Device/Base", Schema.DEVICE, IGNORE,
                    integer("Uptime", Schema.UPTIME_S), string("VendorName", Schema.VENDOR)),
            mapped("Device/CPUs", Schema.DEVICE, IGNORE,
                    tag("Chassis", "chassis"), tag("Slot", "slot"), tag("CPUID", "cpu"),
                    floating("CPUUsage", Schema.CPU_PCT)),
            mapped("Diagnostic/Memories", Schema.DEVICE, IGNORE,
                    tag("Chassis", "chassis"), tag("Slot", "slot"), tag("CPUID", "cpu"),
                    floating("FreeRatio", Schema.MEM_USED_PCT, HUNDRED_MINUS),
                    integer("Total", Schema.MEM_TOTAL), integer("Used", Schema.MEM_USED), integer("Free", Schema.MEM_FREE),
                    ratio(Schema.MEM_USED_PCT, "Used", "Total", 100.0)),
            generic("Device/Transceivers", INT32_NOT_AVAILABLE));

    /** An extra column must never take a name the data model reserves. */
    private static final Map<String, Set<String>> COMPUTED = Schema.RESERVED;

    private static final int MAX_GENERIC_CACHED = 1024;
    private static final H3cMappings STANDARD = new H3cMappings(TABLE);

    private final Map<String, Mapping> byPath = new HashMap<>();
    private final ConcurrentHashMap<String, Mapping> generics = new ConcurrentHashMap<>();

    private H3cMappings(List<Entry> entries) {
        Map<String, Set<String>> taken = new HashMap<>();
        Map<String, Column.Kind> kinds = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.measurement == null) {
                continue;
            }
            Set<String> names = taken.computeIfAbsent(e.measurement, m -> new HashSet<>(COMPUTED.getOrDefault(m, Set.of())));
            names.add(Schema.TAG_DEVICE);
            names.add(Schema.TAG_SOURCE);
            names.add("time");
            for (Mapping.Item s : e.specs) {
                if (s instanceof Column c && c.target() != null) {
                    names.add(c.target());
                    Column.Kind before = kinds.putIfAbsent(e.measurement + "." + c.target(), c.kind());
                    if (before != null && before != c.kind()) {
                        // InfluxDB rejects a field whose type changes, so two entries must agree
                        throw new IllegalStateException(e.measurement + "." + c.target() + " declared as " + before
                                + " and " + c.kind());
                    }
                }
            }
        }
        for (Entry e : entries) {
            Mapping m = e.measurement == null
                    ? Mapping.generic(e.path, genericMeasurement(e.path), e.notAvailable)
                    : Mapping.mapped(e.path, e.measurement, e.extras, e.specs, Set.copyOf(taken.get(e.measurement)));
            if (byPath.put(e.path.toLowerCase(Locale.ROOT), m) != null) {
                throw new IllegalStateException("sensor path mapped twice: " + e.path);
            }
        }
    }

    static H3cMappings standard() {
        return STANDARD;
    }

    /** The mapping for the JSON tree's module and table names. */
    Mapping resolve(String module, String table) {
        String path = module + "/" + table;
        String lower = path.toLowerCase(Locale.ROOT);
        Mapping m = byPath.get(lower);
        if (m != null) {
            return m;
        }
        m = generics.get(path);
        if (m == null) {
            m = Mapping.generic(path, genericMeasurement(module, table), null);
            if (generics.size() < MAX_GENERIC_CACHED) {
                generics.putIfAbsent(path, m);
            }
        }
        return m;
    }

    /** Every configured entry, for documentation and tests. */
    List<Mapping> entries() {
        return List.copyOf(byPath.values());
    }

    static String genericMeasurement(String path) {
        int slash = path.indexOf('/');
        return genericMeasurement(path.substring(0, slash), path.substring(slash + 1));
    }

    static String genericMeasurement(String module, String table) {
        return "h3c_" + orUnnamed(Names.snake(module)) + "_" + orUnnamed(Names.snake(table));
    }

    private static String orUnnamed(String s) {
        return s.isEmpty() ? "unnamed" : s;
    }
}
