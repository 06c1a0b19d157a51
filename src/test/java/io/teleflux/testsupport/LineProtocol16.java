package io.teleflux.testsupport;

import io.teleflux.point.Point;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What InfluxDB 1.6.7 makes of one line of line protocol: a model of its parser, written from its
 * scanning rules and checked character by character against the real influxd (see
 * {@code LineProtocolRoundTripIT}, which asserts that this model and influxd agree).
 *
 * <ul>
 *   <li>measurement and tags are scanned by looking at the previous byte: a separator preceded by a
 *       backslash is escaped; fields are scanned pairing backslashes ({@code \x} skips {@code x});</li>
 *   <li>tag keys and values unescape {@code \,} {@code \=} {@code \ }; field keys also {@code \"};
 *       measurement names are unescaped twice, with {@code \"} too; string values unescape {@code \\}
 *       and {@code \"};</li>
 *   <li>leading spaces, tabs and NUL before the measurement and before the first field are skipped;
 *       a line whose first other character is {@code #} is a comment.</li>
 * </ul>
 * Only what Teleflux writes is modelled: integer ({@code i}), float, boolean and string fields, and
 * a timestamp.
 */
public final class LineProtocol16 {
    private LineProtocol16() {
    }

    /** One stored point; fields are Long, Double, Boolean or String. */
    public record Stored(String measurement, Map<String, String> tags, Map<String, Object> fields, long time) {
    }

    /** Thrown for a line influxd would answer with 400 (or ignore as a comment). */
    public static final class Invalid extends RuntimeException {
        Invalid(String why, String line) {
            super(why + ": " + line);
        }
    }

    public static Stored parse(String line) {
        int i = skipWhitespace(line, 0);
        if (i >= line.length() || line.charAt(i) == '#') {
            throw new Invalid("comment or empty", line);
        }
        if (line.charAt(i) == ',') {
            throw new Invalid("missing measurement", line);
        }
        int m = i;
        boolean tags;
        while (true) {
            i++;
            if (i >= line.length()) {
                throw new Invalid("missing fields", line);
            }
            if (line.charAt(i - 1) == '\\') {
                continue;
            }
            if (line.charAt(i) == ',') {
                tags = true;
                break;
            }
            if (line.charAt(i) == ' ') {
                tags = false;
                break;
            }
        }
        String measurement = unescape(unescape(line.substring(m, i), ",\" ="), ",\" =");
        Map<String, String> tagMap = new TreeMap<>();
        if (tags) {
            i++;
            while (true) {
                int k = i;
                if (i >= line.length() || " ,=".indexOf(line.charAt(i)) >= 0) {
                    throw new Invalid("missing tag key", line);
                }
                while (true) {
                    i++;
                    if (i >= line.length() || ((line.charAt(i) == ' ' || line.charAt(i) == ',') && line.charAt(i - 1) != '\\')) {
                        throw new Invalid("missing tag value", line);
                    }
                    if (line.charAt(i) == '=' && line.charAt(i - 1) != '\\') {
                        break;
                    }
                }
                String key = line.substring(k, i);
                i++;
                int v = i;
                if (i >= line.length() || line.charAt(i) == ',' || line.charAt(i) == ' ') {
                    throw new Invalid("missing tag value", line);
                }
                char end;
                while (true) {
                    i++;
                    if (i >= line.length()) {
                        throw new Invalid("missing fields", line);
                    }
                    char c = line.charAt(i);
                    boolean escaped = line.charAt(i - 1) == '\\';
                    if (c == '=' && !escaped) {
                        throw new Invalid("invalid tag format", line);
                    }
                    if ((c == ',' || c == ' ') && !escaped) {
                        end = c;
                        break;
                    }
                }
                String value = line.substring(v, i);
                if (tagMap.put(unescape(key, ", ="), unescape(value, ", =")) != null) {
                    throw new Invalid("duplicate tags", line);
                }
                if (end == ' ') {
                    break;
                }
                i++;
            }
        }
        // fields: pairs of backslashes are skipped; quotes count only in values
        int f = skipWhitespace(line, i);
        Map<String, Object> fields = new LinkedHashMap<>();
        i = f;
        while (true) {
            int k = i;
            int eq = -1;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    i += 2;
                    continue;
                }
                if (c == '=') {
                    eq = i;
                    break;
                }
                if (c == ',' || c == ' ') {
                    throw new Invalid("invalid field format", line);
                }
                i++;
            }
            if (eq <= k) {
                throw new Invalid("missing field key or value", line);
            }
            // the key is re-read later by a scan that looks at the previous byte: both must agree
            int prevScan = k;
            while (prevScan < line.length() && !(line.charAt(prevScan) == '=' && (prevScan == 0 || line.charAt(prevScan - 1) != '\\'))) {
                prevScan++;
            }
            if (prevScan != eq) {
                throw new Invalid("invalid value (field key)", line);
            }
            String key = unescape(line.substring(k, eq), ",\" =");
            i = eq + 1;
            if (i >= line.length()) {
                throw new Invalid("missing field value", line);
            }
            Object value;
            if (line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new Invalid("unbalanced quotes", line);
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '\\' || line.charAt(i + 1) == '"')) {
                        sb.append(line.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (c == '\\' && i + 1 < line.length()) {
                        sb.append(c).append(line.charAt(i + 1)); // the scanner skips the pair; the unescaper keeps it
                        i += 2;
                        continue;
                    }
                    if (c == '"') {
                        i++;
                        break;
                    }
                    sb.append(c);
                    i++;
                }
                value = sb.toString();
            } else {
                int v = i;
                while (i < line.length() && line.charAt(i) != ',' && line.charAt(i) != ' ') {
                    i++;
                }
                value = scalar(line.substring(v, i), line);
            }
            fields.put(key, value);
            if (i >= line.length()) {
                throw new Invalid("missing timestamp (Teleflux always writes one)", line);
            }
            if (line.charAt(i) == ' ') {
                break;
            }
            i++; // comma
        }
        String ts = line.substring(i + 1);
        if (!ts.matches("-?[0-9]+")) {
            throw new Invalid("bad timestamp", line);
        }
        if (fields.containsKey("time") || tagMap.containsKey("time")) {
            throw new Invalid("time is not a valid key", line);
        }
        return new Stored(measurement, tagMap, fields, Long.parseLong(ts));
    }

    private static Object scalar(String v, String line) {
        if (v.matches("-?[0-9]+i")) {
            return Long.parseLong(v.substring(0, v.length() - 1));
        }
        switch (v) {
            case "t", "T", "true", "True", "TRUE" -> {
                return true;
            }
            case "f", "F", "false", "False", "FALSE" -> {
                return false;
            }
            default -> {
            }
        }
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && v.matches("-?[0-9.]+([eE][-+]?[0-9]+)?")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new Invalid("invalid value " + v, line);
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == 0)) {
            i++;
        }
        return i;
    }

    /** One left-to-right pass replacing backslash + one of {@code codes} by that character. */
    static String unescape(String s, String codes) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && codes.indexOf(s.charAt(i + 1)) >= 0) {
                b.append(s.charAt(i + 1));
                i++;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Whether a point expected as {@code expected} falls in the documented limits of 1.6.7 that the
     * encoder leaves alone (LineProtocol's class comment): the key {@code time}, a measurement starting
     * with a tab or NUL or holding a backslash, a first field key starting with a tab or NUL.
     */
    public static boolean leftAlone(Stored expected) {
        boolean reservedKey = expected.tags().containsKey("time") || expected.fields().containsKey("time");
        boolean measurementQuirk = expected.measurement().matches("(?s)[\t\u0000].*|.*\\\\.*");
        boolean leadingWhitespaceField = !expected.fields().isEmpty()
                && expected.fields().keySet().iterator().next().matches("(?s)[\t\u0000].*");
        return reservedKey || measurementQuirk || leadingWhitespaceField;
    }

    /**
     * What a point should come back as, by the rules documented on {@code LineProtocol}: line breaks
     * become spaces; trailing backslashes of the measurement, tag keys and values, and field keys go;
     * an odd run of backslashes before a comma, equals sign or space in a field key loses one; empty
     * tags are left out; what UTF-8 cannot carry (an unpaired surrogate) is the {@code ?} it is written
     * as, so two tag keys that differ only there are one key, the first one's.
     */
    public static Stored expected(Point p) {
        String m = utf8(trimBackslashes(breaks(p.measurement())));
        Map<String, String> tags = new TreeMap<>();
        for (int i = 0; i < p.tagCount(); i++) {
            String k = utf8(trimBackslashes(breaks(p.tagKey(i))));
            String v = utf8(trimBackslashes(breaks(p.tagValue(i))));
            if (!k.isEmpty() && !v.isEmpty()) {
                tags.putIfAbsent(k, v);
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < p.fieldCount(); i++) {
            String k = utf8(trimBackslashes(breaks(p.fieldKey(i))).replaceAll("(?<!\\\\)((?:\\\\\\\\)*)\\\\(?=[,= ])", "$1"));
            if (k.isEmpty()) {
                continue;
            }
            Object v = switch (p.fieldType(i)) {
                case Point.LONG -> p.longValue(i);
                // an integral float is written without ".0", so -0.0 is written "0": the sign of zero is not kept
                case Point.DOUBLE -> p.doubleValue(i) == 0 ? 0.0 : p.doubleValue(i);
                case Point.BOOLEAN -> p.booleanValue(i);
                default -> utf8(breaks(p.stringValue(i)));
            };
            fields.put(k, v);
        }
        return new Stored(m, tags, fields, p.timeMs());
    }

    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String breaks(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }

    private static String trimBackslashes(String s) {
        return s.replaceAll("\\\\+$", "");
    }
}
