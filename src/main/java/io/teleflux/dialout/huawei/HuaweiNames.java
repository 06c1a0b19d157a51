package io.teleflux.dialout.huawei;

import io.teleflux.point.Names;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Huawei names as they become InfluxDB names: lower snake case ({@code receiveByte} →
 * {@code receive_byte}, {@code mib-statistics} → {@code mib_statistics}, {@code cpuInfos} →
 * {@code cpu_infos}), the generic measurement of a sensor path, and which JSON leaves identify a
 * row (they become tags).
 */
final class HuaweiNames {
    static final String PREFIX = "huawei_";
    /** Leaves that identify a row of a generic table, lower-cased without '-' and '_'. */
    private static final Set<String> KEY_LEAVES = Set.of("name", "ifname", "ifindex", "index", "id", "position",
            "slot", "subslot", "chassis", "cpuid", "vrf", "vrfname", "vpnname", "vpninstance", "interfacename",
            "interfaceid", "physicalindex", "entityindex", "portindex", "key", "address", "peeraddress", "prefix");
    /** Keys a generic field or tag must not take: our own tags, and InfluxDB's reserved {@code time}. */
    private static final Set<String> RESERVED = Set.of("device", "source", "time");
    private static final int MAX_CACHED = 8192;
    private static final ConcurrentHashMap<String, String> SNAKE = new ConcurrentHashMap<>();

    private HuaweiNames() {
    }

    /** {@code huawei_<path>}: the module prefix and list predicates dropped, the rest snake-cased. */
    static String measurement(String sensorPath) {
        String s = withoutPredicates(sensorPath);
        int colon = s.indexOf(':');
        int slash = s.indexOf('/');
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            s = s.substring(colon + 1);
        }
        String snake = Names.snake(s);
        return PREFIX + (snake.isEmpty() ? "unnamed" : snake);
    }

    /**
     * The sensor path without module prefixes and list predicates, lower-cased, '-' and '_' removed:
     * {@code huawei-ifm:ifm/interfaces/interface/mib-statistics} → {@code ifm/interfaces/interface/mibstatistics}.
     */
    static String normalizedPath(String sensorPath) {
        String s = withoutPredicates(sensorPath);
        StringBuilder b = new StringBuilder(s.length());
        int segment = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                b.setLength(segment); // a module prefix of this segment
            } else if (c == '/') {
                if (b.length() > 0 || i > 0) {
                    b.append('/');
                }
                segment = b.length();
            } else if (c != '-' && c != '_') {
                b.append(Character.toLowerCase(c));
            }
        }
        int start = b.length() > 0 && b.charAt(0) == '/' ? 1 : 0;
        return b.substring(start);
    }

    private static String withoutPredicates(String path) {
        if (path.indexOf('[') < 0) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        int depth = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A leaf name lower-cased without '-', '_' and a module prefix: the key of the leaf tables. */
    static String normalized(String name) {
        int colon = name.lastIndexOf(':');
        StringBuilder b = new StringBuilder(name.length());
        for (int i = colon + 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    /** Whether a JSON leaf of this name identifies its row (becomes a tag of a generic point). */
    static boolean isKey(String name) {
        String n = normalized(name);
        return KEY_LEAVES.contains(n) || n.endsWith("name");
    }

    /** A field or tag key: snake case, with {@code _value} appended to a name we reserve. */
    static String key(String name) {
        String s = snake(name);
        return RESERVED.contains(s) ? s + "_value" : s;
    }

    /** Lower snake case of a leaf name, its module prefix dropped; cached (names repeat in every row). */
    static String snake(String name) {
        String s = SNAKE.get(name);
        if (s == null) {
            int colon = name.lastIndexOf(':');
            s = Names.snake(colon >= 0 ? name.substring(colon + 1) : name);
            if (s.isEmpty()) {
                s = "unnamed";
            }
            if (SNAKE.size() < MAX_CACHED) {
                SNAKE.putIfAbsent(name, s);
            }
        }
        return s;
    }
}
