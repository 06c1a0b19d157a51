package io.teleflux.dialout.cisco;

import io.teleflux.point.Names;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * YANG names and paths as InfluxDB keys: lower snake case, every run of other characters one
 * {@code _} ({@code data-rates/input-data-rate} → {@code data_rates_input_data_rate}; NX-OS's
 * camelCase {@code operSt} → {@code oper_st}), and the generic measurement of an encoding path.
 *
 * <p>Results are cached, because the same names repeat in every row; the caches are bounded so that
 * ever-new names from hostile input cannot grow them.
 */
final class CiscoNames {
    static final String PREFIX = "cisco_";
    /** Keys a tag or field must not take: our own tags, and InfluxDB's reserved {@code time}. */
    private static final Set<String> RESERVED = Set.of("device", "source", "time");
    private static final int MAX_CACHED = 8192;
    private static final ConcurrentHashMap<String, String> KEYS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, String> MEASUREMENTS = new ConcurrentHashMap<>();

    private CiscoNames() {
    }

    /** The tag or field key of a leaf path: snake case, with {@code _value} after a reserved name. */
    static String key(String path) {
        String k = KEYS.get(path);
        if (k == null) {
            k = Names.snake(path);
            if (RESERVED.contains(k)) {
                k = k + "_value";
            }
            if (KEYS.size() < MAX_CACHED) {
                KEYS.putIfAbsent(path, k);
            }
        }
        return k;
    }

    /**
     * {@code cisco_<path>} in snake case, at most {@code maxLength} chars ({@link Names#limit}). A
     * leading {@code /} (IOS XE) and the {@code Cisco-} of a module name are left out:
     * {@code Cisco-IOS-XR-wdsysmon-fd-oper:system-monitoring/cpu-utilization} →
     * {@code cisco_ios_xr_wdsysmon_fd_oper_system_monitoring_cpu_utilization}.
     */
    static String measurement(String encodingPath, int maxLength) {
        String m = MEASUREMENTS.get(encodingPath);
        if (m == null) {
            String p = stripLeadingSlash(encodingPath);
            if (p.regionMatches(true, 0, "cisco-", 0, 6)) {
                p = p.substring(6);
            }
            String s = Names.snake(p);
            m = Names.limit(PREFIX + (s.isEmpty() ? "unnamed" : s), maxLength);
            if (MEASUREMENTS.size() < MAX_CACHED) {
                MEASUREMENTS.putIfAbsent(encodingPath, m);
            }
        }
        return m;
    }

    /** The path as the mapping table spells it: no leading {@code /}, lower case. */
    static String normalizedPath(String encodingPath) {
        return stripLeadingSlash(encodingPath).toLowerCase(Locale.ROOT);
    }

    private static String stripLeadingSlash(String p) {
        int i = 0;
        while (i < p.length() && p.charAt(i) == '/') {
            i++;
        }
        return p.substring(i);
    }
}
