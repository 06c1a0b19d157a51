package io.teleflux.point;

/**
 * Encodes points as InfluxDB line protocol with millisecond timestamps.
 *
 * <p>Escaping follows the InfluxDB 1.x/2.x parser: commas and spaces in the measurement; commas,
 * equals signs and spaces in tag keys, tag values and field keys; double quotes and backslashes in
 * string field values. Everything else, including tabs, NUL, quotes in names and any Unicode, is
 * written as it is.
 *
 * <p>What InfluxDB 1.x (checked against 1.6.7, character by character) cannot store exactly, and
 * what this encoder does about it:
 * <ul>
 *   <li>A line break cannot be represented in a name (it ends the line), so CR and LF become spaces
 *       everywhere, string field values included (1.6.7 would keep them inside a quoted string, other
 *       parsers split lines on them: one rule for every part keeps lines portable).</li>
 *   <li>A measurement, tag key or tag value cannot end in a backslash: the parser reads the
 *       separator after it as escaped, whatever is done to the backslash. Trailing backslashes are
 *       removed; a tag whose key or value is then empty is left out (an empty tag value means "no
 *       tag" in InfluxDB).</li>
 *   <li>A field key cannot end in a backslash either, and the field parser pairs backslashes, so an
 *       odd run of backslashes right before a comma, equals sign or space in a field key escapes the
 *       wrong character: trailing backslashes are removed and such a run loses one backslash. A field
 *       key with a backslash also has its double quotes escaped (1.x reads {@code \"} as {@code "}).</li>
 *   <li>A measurement starting with {@code #} makes the line a comment that InfluxDB ignores
 *       without an error: such a point has no line ({@link #append} returns false).</li>
 *   <li>Not handled because Teleflux's own names never contain them: 1.6.7 unescapes measurement
 *       names twice, so a backslash directly before a comma, space, equals sign or double quote in a
 *       measurement is lost; a tab or NUL at the start of a measurement, or at the start of the first
 *       field key, is skipped as whitespace; tag key or field key {@code time} is rejected (the point
 *       is dropped by InfluxDB); a series key over 65,535 bytes is rejected.</li>
 * </ul>
 *
 * <p>A point without fields has no line-protocol form and is skipped by {@link #append}.
 */
public final class LineProtocol {
    private static final boolean[] MEASUREMENT_SPECIALS = LineBuffer.specials(", ");
    private static final boolean[] KEY_SPECIALS = LineBuffer.specials(",= ");
    /** Field keys holding a backslash: 1.x unescapes {@code \"} in field keys, so a quote must be escaped too. */
    private static final boolean[] FIELD_KEY_SPECIALS = LineBuffer.specials(",= \"");
    private static final boolean[] STRING_SPECIALS = LineBuffer.specials("\"\\");

    private LineProtocol() {
    }

    /**
     * Appends one line with its trailing newline; returns false (and appends nothing) for a point
     * without a line: no fields (or none with a writable key), or a measurement InfluxDB cannot take.
     */
    public static boolean append(Point p, LineBuffer out) {
        if (p.fieldCount() == 0) {
            return false;
        }
        String measurement = trimTrailingBackslashes(lineBreaksToSpaces(p.measurement()));
        if (measurement.isEmpty() || measurement.charAt(0) == '#') {
            return false;
        }
        int start = out.length();
        int lines = out.lines();
        out.escaped(measurement, MEASUREMENT_SPECIALS);
        int tags = p.tagCount();
        String[] written = null;
        for (int i = 0; i < tags; i++) {
            String key = p.tagKey(i);
            String value = p.tagValue(i);
            if (needsCleanup(key) || needsCleanup(value)) {
                key = trimTrailingBackslashes(lineBreaksToSpaces(key));
                value = trimTrailingBackslashes(lineBreaksToSpaces(value));
                if (key.isEmpty() || value.isEmpty()) {
                    continue;
                }
                if (written == null) {
                    // a trimmed key may now equal another: from here on, remember what was written
                    written = new String[tags];
                    for (int j = 0; j < i; j++) {
                        written[j] = p.tagKey(j);
                    }
                }
            } else if (key.isEmpty() || value.isEmpty()) {
                continue;
            }
            if (written != null) {
                if (contains(written, key)) {
                    continue; // an earlier key became this one ("a\n" and "a ", "a\\" and "a")
                }
                written[i] = key;
            }
            out.byteRaw(',');
            out.escaped(key, KEY_SPECIALS);
            out.byteRaw('=');
            out.escaped(value, KEY_SPECIALS);
        }
        out.byteRaw(' ');
        boolean any = false;
        for (int i = 0, n = p.fieldCount(); i < n; i++) {
            String key = p.fieldKey(i);
            boolean[] specials = KEY_SPECIALS;
            if (hasBackslash(key)) {
                key = fieldKey(key);
                specials = FIELD_KEY_SPECIALS;
            }
            if (key.isEmpty()) {
                continue;
            }
            if (any) {
                out.byteRaw(',');
            }
            any = true;
            out.escaped(key, specials);
            out.byteRaw('=');
            switch (p.fieldType(i)) {
                case Point.LONG -> {
                    out.decimal(p.longValue(i));
                    out.byteRaw('i');
                }
                case Point.DOUBLE -> appendDouble(p.doubleValue(i), out);
                case Point.BOOLEAN -> out.ascii(p.booleanValue(i) ? "true" : "false");
                default -> {
                    out.byteRaw('"');
                    out.escaped(p.stringValue(i), STRING_SPECIALS);
                    out.byteRaw('"');
                }
            }
        }
        if (!any) {
            out.truncate(start, lines);
            return false;
        }
        out.byteRaw(' ');
        out.decimal(p.timeMs());
        out.endLine();
        return true;
    }

    /** The line for one point, without the trailing newline ("" for a point without a line). */
    public static String encode(Point p) {
        LineBuffer b = new LineBuffer(256);
        if (!append(p, b)) {
            return "";
        }
        String s = b.toString();
        return s.substring(0, s.length() - 1);
    }

    /** Whether a tag key or value may change (line breaks, trailing backslashes), so that keys must be checked for duplicates. */
    private static boolean needsCleanup(String s) {
        return s.indexOf('\\') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    private static boolean hasBackslash(String s) {
        return s.indexOf('\\') >= 0;
    }

    private static boolean contains(String[] keys, String key) {
        if (keys != null) {
            for (String k : keys) {
                if (key.equals(k)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String lineBreaksToSpaces(String s) {
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }

    private static String trimTrailingBackslashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\\') {
            end--;
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    /** A field key the 1.x field parser reads back as written (see the class comment), before escaping. */
    static String fieldKey(String raw) {
        String s = trimTrailingBackslashes(lineBreaksToSpaces(raw));
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                i++;
                continue;
            }
            int run = i;
            while (i < s.length() && s.charAt(i) == '\\') {
                i++;
            }
            int n = i - run;
            char next = s.charAt(i); // exists: trailing backslashes were trimmed
            if (n % 2 == 1 && (next == ',' || next == '=' || next == ' ')) {
                n--;
            }
            b.append("\\".repeat(n));
        }
        return b.toString();
    }

    private static void appendDouble(double v, LineBuffer out) {
        long asLong = (long) v;
        if (asLong == v && Math.abs(v) < 1e15) {
            // integral values are common (percentages, gauges): skip Double.toString's ".0"
            out.decimal(asLong);
            return;
        }
        out.ascii(Double.toString(v));
    }
}
