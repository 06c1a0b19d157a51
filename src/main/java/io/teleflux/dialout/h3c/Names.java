package io.teleflux.dialout.h3c;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Column names as they become InfluxDB keys: lower snake case ({@code IfIndex} → {@code if_index},
 * {@code CPUID} → {@code cpuid}, {@code in-octets} → {@code in_octets}), and which columns identify a
 * row in a generic table.
 *
 * <p>An underscore goes in only where a lower-case letter or a digit meets an upper-case one, so
 * acronyms stay whole ({@code CPUs} → {@code cpus}, {@code InNUcastPkts} → {@code in_nucast_pkts}).
 * Results are cached because the same few dozen column names repeat in every row; the caches are
 * bounded so that hostile input with ever-new names cannot grow them without limit.
 */
final class Names {
    /**
     * Key columns of generic tables, lower-cased with '-' and '_' removed so OpenConfig spellings match
     * too. {@code interface-id} is OpenConfig QoS's list key: without it all interfaces of a QoS table
     * would fall into one series.
     */
    private static final Set<String> KEY_COLUMNS = Set.of("ifindex", "name", "chassis", "slot", "subslot", "cpuid",
            "physicalindex", "index", "id", "vrf", "vrfname", "portindex", "entityindex", "interfaceid");
    /** Keys a generic field must not take: our own tags, and InfluxDB's reserved {@code time}. */
    private static final Set<String> RESERVED_FIELD_KEYS = Set.of("device", "source", "time");
    private static final int MAX_CACHED = 8192;
    private static final ConcurrentHashMap<String, Column> CACHE = new ConcurrentHashMap<>();

    /** A JSON column name's InfluxDB spellings. */
    record Column(String snake, boolean key, String fieldKey) {
    }

    private Names() {
    }

    static String snake(String name) {
        return column(name).snake;
    }

    static Column column(String name) {
        Column c = CACHE.get(name);
        if (c == null) {
            String s = io.teleflux.point.Names.snake(name);
            c = new Column(s, KEY_COLUMNS.contains(normalized(name)),
                    RESERVED_FIELD_KEYS.contains(s) ? s + "_value" : s);
            if (CACHE.size() < MAX_CACHED) {
                CACHE.putIfAbsent(name, c);
            }
        }
        return c;
    }

    private static String normalized(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
