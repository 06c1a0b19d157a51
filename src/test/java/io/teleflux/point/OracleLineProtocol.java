package io.teleflux.point;

/**
 * The line-protocol encoder as it was before its fast path (commit fa9f820), kept unchanged as the
 * oracle for {@link LineProtocolOracleTest}: the encoder must produce exactly these bytes. Its
 * escaping rules and their reasons are documented on {@link LineProtocol}. One change since: tag keys
 * that differ only in unpaired surrogates (all written as {@code ?}) are one key, the first one's
 * (a Jazzer finding, {@code LineProtocolFuzzer}: the line had a duplicate tag, which InfluxDB refuses);
 * and a tag left out for a value that trimming emptied no longer hides a later tag whose key trims to
 * its key (a Jazzer finding too: that tag was lost).
 */
final class OracleLineProtocol {
    private static final boolean[] MEASUREMENT_SPECIALS = OracleBuffer.specials(", ");
    private static final boolean[] KEY_SPECIALS = OracleBuffer.specials(",= ");
    /** Field keys holding a backslash: 1.x unescapes {@code \"} in field keys, so a quote must be escaped too. */
    private static final boolean[] FIELD_KEY_SPECIALS = OracleBuffer.specials(",= \"");
    private static final boolean[] STRING_SPECIALS = OracleBuffer.specials("\"\\");

    private OracleLineProtocol() {
    }

    /**
     * Appends one line with its trailing newline; returns false (and appends nothing) for a point
     * without a line: no fields (or none with a writable key), or a measurement InfluxDB cannot take.
     */
    public static boolean append(Point p, OracleBuffer out) {
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
                if (written == null) {
                    // a trimmed key may now equal another: from here on, remember what was written (so
                    // far every tag with a key and a value: none needed a cleanup); not this tag yet,
                    // which may be left out
                    written = new String[tags];
                    for (int j = 0; j < i; j++) {
                        if (!p.tagKey(j).isEmpty() && !p.tagValue(j).isEmpty()) {
                            written[j] = p.tagKey(j);
                        }
                    }
                }
                key = asWritten(trimTrailingBackslashes(lineBreaksToSpaces(key)));
                value = trimTrailingBackslashes(lineBreaksToSpaces(value));
                if (key.isEmpty() || value.isEmpty()) {
                    continue;
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
        OracleBuffer b = new OracleBuffer(256);
        if (!append(p, b)) {
            return "";
        }
        String s = b.toString();
        return s.substring(0, s.length() - 1);
    }

    /** Whether a tag key or value may change (line breaks, trailing backslashes), so that keys must be checked for duplicates. */
    private static boolean needsCleanup(String s) {
        return s.indexOf('\\') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || !asWritten(s).equals(s);
    }

    /** s as its UTF-8 form reads back: each unpaired surrogate is a {@code ?}. */
    private static String asWritten(String s) {
        return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
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

    private static void appendDouble(double v, OracleBuffer out) {
        long asLong = (long) v;
        if (asLong == v && Math.abs(v) < 1e15) {
            // integral values are common (percentages, gauges): skip Double.toString's ".0"
            out.decimal(asLong);
            return;
        }
        out.ascii(Double.toString(v));
    }
}
