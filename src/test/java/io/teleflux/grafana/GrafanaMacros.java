package io.teleflux.grafana;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a raw InfluxQL query of a Grafana panel, template variable or alert rule into the statement
 * Grafana (13.x) sends to InfluxDB, so that tests can run exactly that statement on a real influxd.
 *
 * <p>Grafana interpolates in two stages, reproduced here in the same order:
 * <ol>
 *   <li><b>Dashboard variables</b>, in the browser: {@code templateSrv.replace(query, vars, 'regex')}.
 *       {@code $name} and {@code ${name}} of a known variable become, in the {@code regex} format:
 *       one value → the value regex-escaped (Grafana's {@code escapeRegex}: {@code \ ^ $ * + ? . ( ) | [ ] { } /});
 *       several → {@code (a|b)}; "All" without a custom all value → every option, {@code (a|b|...)};
 *       "All" with a custom all value (e.g. {@code .*}) → that value, unescaped. Unknown names
 *       ({@code $timeFilter}, {@code $__interval}) are left for the second stage.</li>
 *   <li><b>Macros</b>, in Grafana's InfluxDB backend ({@code pkg/tsdb/influxdb/models/query.go},
 *       {@code Build}), in this order: {@code $timeFilter} → {@code time >= <from>ms and time <= <to>ms};
 *       {@code $interval} and then {@code $__interval_ms} and {@code $__interval} → the query interval,
 *       as text ({@code gtime.FormatInterval}: 5s, 1m, ...) or in milliseconds.</li>
 * </ol>
 * The query interval is what the panel asks for: Grafana's {@code rangeutil.calculateInterval}
 * rounds (to − from) / maxDataPoints with {@code roundInterval} and raises it to the panel's
 * minimum interval (the panel's {@code interval}, else the data source's {@code timeInterval}).
 * Alert rules send {@code intervalMs} from their model instead.
 *
 * <p>The deprecated {@code [[name]]} syntax and {@code ${name:format}} / {@code ${name.field}} are
 * refused with an exception rather than guessed, so a dashboard that starts using them fails its
 * test instead of being tested with a different query than Grafana would send.
 */
public final class GrafanaMacros {
    /** Grafana's variable syntax (templateSrv's regex): $name, [[name:fmt]], ${name.field:fmt}. */
    private static final Pattern VARIABLE =
            Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?]]|\\$\\{(\\w+)(?:\\.([^:^}]+))?(?::([^}]+))?}");
    private static final Pattern REGEX_SPECIAL = Pattern.compile("[\\\\^$*+?.()|\\[\\]{}/]");
    private static final Pattern INTERVAL = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private GrafanaMacros() {
    }

    /**
     * A dashboard variable as the panel sees it at query time.
     *
     * @param selected   the selected values; ignored when {@code allSelected}
     * @param options    every value the variable offers (its query's answer), for "All"
     * @param allValue   the custom all value, or null (then "All" means every option)
     */
    public record Variable(String name, List<String> selected, boolean allSelected, List<String> options,
                           String allValue) {
        public Variable {
            Objects.requireNonNull(name);
            selected = List.copyOf(selected);
            options = List.copyOf(options);
        }

        /** Specific values are selected. */
        public static Variable of(String name, String... values) {
            return new Variable(name, List.of(values), false, List.of(), null);
        }

        /** "All" is selected; {@code allValue} null means every option. */
        public static Variable all(String name, List<String> options, String allValue) {
            return new Variable(name, List.of(), true, options, allValue);
        }
    }

    /** What one query is interpolated with: the time range, the query interval and the variables. */
    public record Context(long fromMs, long toMs, long intervalMs, Map<String, Variable> variables) {
        public Context {
            if (toMs < fromMs) {
                throw new IllegalArgumentException("time range ends before it starts: " + fromMs + " > " + toMs);
            }
            variables = Map.copyOf(variables);
        }

        public static Context of(long fromMs, long toMs, long intervalMs, Variable... vars) {
            Map<String, Variable> m = new LinkedHashMap<>();
            for (Variable v : vars) {
                m.put(v.name(), v);
            }
            return new Context(fromMs, toMs, intervalMs, m);
        }
    }

    /** Both stages: the statement Grafana would send to InfluxDB. */
    public static String expand(String query, Context ctx) {
        return expandMacros(expandVariables(query, ctx.variables()), ctx);
    }

    /** Stage 1, the browser's {@code templateSrv.replace(query, vars, 'regex')}. */
    public static String expandVariables(String query, Map<String, Variable> variables) {
        Matcher m = VARIABLE.matcher(query);
        StringBuilder out = new StringBuilder(query.length() + 64);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4);
            Variable v = variables.get(name);
            if (v == null) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            if (m.group(2) != null || m.group(5) != null || m.group(6) != null) {
                throw new UnsupportedOperationException("'" + m.group() + "' in " + query
                        + ": only $name and ${name} are supported (Grafana's default regex format)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(regexFormat(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Stage 2, the InfluxDB backend's {@code Build}: same replacements, same order. */
    public static String expandMacros(String query, Context ctx) {
        String timeFilter = "time >= " + ctx.fromMs() + "ms and time <= " + ctx.toMs() + "ms";
        String intervalText = formatInterval(ctx.intervalMs());
        return query.replace("$timeFilter", timeFilter)
                .replace("$interval", intervalText)
                .replace("$__interval_ms", Long.toString(ctx.intervalMs()))
                .replace("$__interval", intervalText);
    }

    /** Grafana's {@code regex} variable format. */
    static String regexFormat(Variable v) {
        if (v.allSelected()) {
            if (v.allValue() != null) {
                return v.allValue();
            }
            return joined(v.options());
        }
        return joined(v.selected());
    }

    private static String joined(List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a variable with no value: Grafana would not run the query");
        }
        List<String> escaped = new ArrayList<>(values.size());
        for (String s : values) {
            escaped.add(escapeRegex(s));
        }
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** {@code escapeRegex} of {@code @grafana/data}: a backslash before each of {@code \ ^ $ * + ? . ( ) | [ ] { } /}. */
    public static String escapeRegex(String s) {
        return REGEX_SPECIAL.matcher(s).replaceAll(r -> Matcher.quoteReplacement("\\" + r.group()));
    }

    /**
     * The interval Grafana requests for a panel ({@code rangeutil.calculateInterval}): the range
     * divided by the data points the panel can show, rounded to a "nice" interval, and never below
     * the minimum interval.
     */
    public static long intervalMs(long fromMs, long toMs, int maxDataPoints, long minIntervalMs) {
        if (maxDataPoints < 1) {
            throw new IllegalArgumentException("maxDataPoints must be at least 1, got " + maxDataPoints);
        }
        long rounded = roundInterval((toMs - fromMs) / (double) maxDataPoints);
        return Math.max(rounded, Math.max(1, minIntervalMs));
    }

    /** Grafana's {@code roundInterval} (rangeutil.ts): the nice interval for a raw one, in ms. */
    public static long roundInterval(double ms) {
        long[][] table = {
            {10, 1}, {15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500}, {1500, 1000},
            {3500, 2000}, {7500, 5000}, {12500, 10000}, {17500, 15000}, {25000, 20000}, {45000, 30000},
            {90000, 60000}, {210000, 120000}, {450000, 300000}, {750000, 600000}, {1050000, 900000},
            {1500000, 1200000}, {2700000, 1800000}, {5400000, 3600000}, {9000000, 7200000},
            {16200000, 10800000}, {32400000, 21600000}, {86400000, 43200000}, {604800000, 86400000},
            {1814400000, 604800000}, {3628800000L, 2592000000L}};
        for (long[] row : table) {
            if (ms < row[0]) {
                return row[1];
            }
        }
        return 31536000000L;
    }

    /** {@code gtime.FormatInterval} of the plugin SDK: the largest whole unit, truncating (90s → 1m). */
    public static String formatInterval(long ms) {
        long year = 365L * 24 * 3600_000;
        long day = 24L * 3600_000;
        if (ms >= year) {
            return ms / year + "y";
        }
        if (ms >= day) {
            return ms / day + "d";
        }
        if (ms >= 3600_000) {
            return ms / 3600_000 + "h";
        }
        if (ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        if (ms >= 1000) {
            return ms / 1000 + "s";
        }
        if (ms >= 1) {
            return ms + "ms";
        }
        return "1ms";
    }

    /** A Grafana interval string ({@code 5s}, {@code 1m}, {@code 500ms}) in ms, e.g. a panel's minimum interval. */
    public static long parseInterval(String s) {
        Matcher m = INTERVAL.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Grafana interval: '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3600_000;
            case "d" -> n * 86_400_000;
            case "w" -> n * 7 * 86_400_000;
            default -> n * 365 * 86_400_000;
        };
    }
}
