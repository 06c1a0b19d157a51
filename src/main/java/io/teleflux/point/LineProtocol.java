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
    private static final byte ESCAPE = 1;
    private static final byte CAREFUL = 2;
    /** Per ASCII char of a tag value: 0 as it is, ESCAPE behind a backslash, CAREFUL: see {@link #appendCarefully}. */
    private static final byte[] TAG_VALUE_CHARS = new byte[128];

    static {
        for (char c : ",= ".toCharArray()) {
            TAG_VALUE_CHARS[c] = ESCAPE;
        }
        for (char c : "\\\n\r".toCharArray()) {
            TAG_VALUE_CHARS[c] = CAREFUL;
        }
    }

    private static final NameCache MEASUREMENTS = new NameCache();
    private static final NameCache TAG_KEYS = new NameCache();
    private static final NameCache FIELD_KEYS = new NameCache();

    private LineProtocol() {
    }

    /**
     * Appends one line with its trailing newline; returns false (and appends nothing) for a point
     * without a line: no fields (or none with a writable key), or a measurement InfluxDB cannot take.
     */
    public static boolean append(Point p, LineBuffer out) {
        int fields = p.fieldCount();
        if (fields == 0) {
            return false;
        }
        Name m = MEASUREMENTS.get(p.measurement(), Name.MEASUREMENT);
        if (m.bytes == null) {
            return false;
        }
        int start = out.len;
        int lines = out.lines();
        byte[] b = out.buf;
        int l = start;
        if (l + m.bytes.length >= b.length) {
            b = grow(out, l, m.bytes.length);
        }
        System.arraycopy(m.bytes, 0, b, l, m.bytes.length);
        l += m.bytes.length;
        String[] written = out.writtenValues;
        int[] writtenAt = out.writtenAt;
        int[] writtenLength = out.writtenLength;
        int remembered = out.writtenTags;
        int tags = p.tagCount();
        for (int i = 0; i < tags; i++) {
            Name k = TAG_KEYS.get(p.tagKey(i), Name.TAG_KEY);
            String value = p.tagValue(i);
            if (k.bytes == null) {
                return carefully(p, out, start, lines);
            }
            if (value.isEmpty() || k.bytes.length == 2) {
                if (i < written.length) {
                    written[i] = null; // what was remembered here may predate a cut
                }
                continue; // no tag without a key or a value (the builder already leaves them out)
            }
            int need = k.bytes.length + 3 * value.length();
            if (l + need >= b.length) {
                b = grow(out, l, need);
            }
            System.arraycopy(k.bytes, 0, b, l, k.bytes.length);
            l += k.bytes.length;
            if (i < remembered && written[i] == value) {
                // the same value as at this position before: its bytes are in the buffer already
                System.arraycopy(b, writtenAt[i], b, l, writtenLength[i]);
                writtenAt[i] = l;
                l += writtenLength[i];
                continue;
            }
            int from = l;
            l = putTagValue(b, l, value);
            if (l < 0) {
                return carefully(p, out, start, lines);
            }
            if (i < written.length) {
                written[i] = value;
                writtenAt[i] = from;
                writtenLength[i] = l - from;
            }
        }
        out.writtenTags = Math.min(Math.max(tags, remembered), written.length);
        b[l++] = ' '; // the spare byte every capacity check leaves
        int firstField = l;
        Name[] names = fieldNames(p, out);
        for (int i = 0; i < fields; i++) {
            byte[] key = names[i].bytes;
            if (key.length == 2) {
                continue; // ",=": the key was only backslashes and line breaks
            }
            byte type = p.fieldType(i);
            // other values take at most 24 bytes: Double.toString's longest form; a long's sign, digits and 'i'
            // are 21, and its 8-byte digit stores stay within 20 bytes of where it starts
            int need = key.length + (type == Point.STRING ? 3 * p.stringValue(i).length() + 2 : 24);
            if (l + need >= b.length) {
                b = grow(out, l, need);
            }
            int from = l == firstField ? 1 : 0; // the first field has no leading comma
            System.arraycopy(key, from, b, l, key.length - from);
            l += key.length - from;
            switch (type) {
                case Point.LONG -> {
                    l = LineBuffer.putLong(b, l, p.longValue(i));
                    b[l++] = 'i';
                }
                case Point.DOUBLE -> l = putDouble(b, l, p.doubleValue(i), out.digits);
                case Point.BOOLEAN -> l = putAscii(b, l, p.booleanValue(i) ? "true" : "false");
                default -> {
                    b[l++] = '"';
                    l = LineBuffer.putEscaped(b, l, p.stringValue(i), STRING_SPECIALS);
                    b[l++] = '"';
                }
            }
        }
        if (l == firstField) {
            out.truncate(start, lines);
            return false;
        }
        if (l + 21 >= b.length) {
            b = grow(out, l, 21); // a space and a long
        }
        b[l++] = ' ';
        l = LineBuffer.putLong(b, l, p.timeMs());
        out.len = l;
        out.endLine();
        return true;
    }

    /** The written forms of p's field keys, in order; looked up again only when p's keys are not the last line's. */
    private static Name[] fieldNames(Point p, LineBuffer out) {
        String[] keys = p.fieldKeyArray();
        Name[] names = out.fieldNames;
        if (keys != out.namedKeys) {
            if (names.length < keys.length) {
                names = new Name[Math.max(keys.length, 2 * names.length)];
                out.fieldNames = names;
            }
            for (int i = 0; i < keys.length; i++) {
                names[i] = FIELD_KEYS.get(keys[i], Name.FIELD_KEY);
            }
            out.namedKeys = keys;
        }
        return names;
    }

    /** Undoes the fast path's partial line and writes the point with {@link #appendCarefully}. */
    private static boolean carefully(Point p, LineBuffer out, int start, int lines) {
        // a tag key or value that trimming may empty or merge with another: the careful path decides
        out.truncate(start, lines);
        return appendCarefully(p, out);
    }

    /**
     * Makes room for {@code need} bytes at {@code l}, plus one spare byte (each part is checked with
     * {@code >=}, so the separator after the tags needs no check of its own). Returns the buffer to
     * write on.
     */
    private static byte[] grow(LineBuffer out, int l, int need) {
        out.len = l;
        out.ensure(need + 1);
        return out.buf;
    }

    /**
     * The encoder without its caches and shortcuts: every tag key and value is cleaned up (line
     * breaks, trailing backslashes) and checked against the keys written before it. Used for the
     * points whose tags need that, which device and interface names hardly ever do.
     */
    static boolean appendCarefully(Point p, LineBuffer out) {
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
                key = unpairedSurrogatesToQuestionMarks(trimTrailingBackslashes(lineBreaksToSpaces(key)));
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
        LineBuffer b = new LineBuffer(256);
        if (!append(p, b)) {
            return "";
        }
        String s = b.toString();
        return s.substring(0, s.length() - 1);
    }

    /**
     * Whether a tag key or value may change (line breaks, trailing backslashes, unpaired surrogates,
     * which are written as {@code ?}), so that keys must be checked for duplicates.
     */
    private static boolean needsCleanup(String s) {
        return s.indexOf('\\') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || unpairedSurrogateAt(s) >= 0;
    }

    /** The index of the first unpaired UTF-16 surrogate in s, or -1. */
    private static int unpairedSurrogateAt(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** s with each unpaired surrogate as the {@code ?} UTF-8 output gets (two keys may only differ there). */
    private static String unpairedSurrogatesToQuestionMarks(String s) {
        int at = unpairedSurrogateAt(s);
        if (at < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length()).append(s, 0, at);
        for (int i = at, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '?' : c);
            }
        }
        return b.toString();
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

    /**
     * As {@link #appendDouble}, at {@code b[l]} with room for 24 bytes; returns the end. The shortest
     * decimal form goes through the buffer's own StringBuilder, not a String per value: rates and
     * utilisations are non-integral doubles on every interface point, and on JDK 25
     * {@code StringBuilder.append(double)} writes them without allocating (same digits as
     * {@code Double.toString}).
     */
    private static int putDouble(byte[] b, int l, double v, StringBuilder digits) {
        long asLong = (long) v;
        if (asLong == v && Math.abs(v) < 1e15) {
            return LineBuffer.putLong(b, l, asLong);
        }
        int end = Decimals.putShort(b, l, v); // rounded rates: the same digits, in integer arithmetic
        if (end >= 0) {
            return end;
        }
        digits.setLength(0);
        digits.append(v);
        for (int i = 0, n = digits.length(); i < n; i++) {
            b[l++] = (byte) digits.charAt(i);
        }
        return l;
    }

    private static int putAscii(byte[] b, int l, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            b[l++] = (byte) s.charAt(i);
        }
        return l;
    }

    /**
     * A tag value at {@code b[l]} as {@link LineBuffer#putEscaped} with the key specials writes it,
     * or -1 if it holds a backslash or a line break (then the careful path must clean it up). One
     * pass for both: tag values (interface names) are the only text of a line that is not cached.
     */
    private static int putTagValue(byte[] b, int l, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte kind = TAG_VALUE_CHARS[c];
                if (kind != 0) {
                    if (kind == CAREFUL) {
                        return -1;
                    }
                    b[l++] = '\\';
                }
                b[l++] = (byte) c;
            } else {
                l = LineBuffer.putUtf8(b, l, s, i);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        return l;
    }

    /**
     * A measurement, tag key or field key in its written form, computed once per distinct name:
     * names come from small fixed sets (mapping tables, SNMP columns), so encoding a line copies
     * bytes instead of escaping the same few names again for every point.
     */
    static final class Name {
        static final int MEASUREMENT = 0;
        static final int TAG_KEY = 1;
        static final int FIELD_KEY = 2;

        final String raw;
        /**
         * Measurement: its escaped bytes, null when it has no line. Tag key: ",key=", null when the
         * key needs the careful path. Field key: ",key=" (just ",=" when nothing of the key is left).
         */
        final byte[] bytes;

        Name(String raw, int kind) {
            this.raw = raw;
            this.bytes = switch (kind) {
                case MEASUREMENT -> {
                    String m = trimTrailingBackslashes(lineBreaksToSpaces(raw));
                    yield m.isEmpty() || m.charAt(0) == '#' ? null : escape("", m, MEASUREMENT_SPECIALS, "");
                }
                case TAG_KEY -> needsCleanup(raw) ? null : escape(",", raw, KEY_SPECIALS, "=");
                default -> hasBackslash(raw)
                        ? escape(",", fieldKey(raw), FIELD_KEY_SPECIALS, "=")
                        : escape(",", raw, KEY_SPECIALS, "=");
            };
        }

        private static byte[] escape(String before, String s, boolean[] specials, String after) {
            LineBuffer b = new LineBuffer(s.length() * 3 + 4);
            b.ascii(before);
            b.escaped(s, specials);
            b.ascii(after);
            return b.toByteArray();
        }
    }

    /**
     * A direct-mapped cache of {@link Name}s, one per kind. A colliding name replaces the entry, so
     * the size is fixed whatever names arrive. Entries are immutable: threads may race on a slot.
     */
    private static final class NameCache {
        private static final int SIZE = 1024;
        private final Name[] slots = new Name[SIZE];

        Name get(String s, int kind) {
            int h = s.hashCode();
            int i = (h ^ (h >>> 16)) & (SIZE - 1);
            Name n = slots[i];
            if (n != null && (n.raw == s || n.raw.equals(s))) {
                return n;
            }
            n = new Name(s, kind);
            slots[i] = n;
            return n;
        }
    }
}
