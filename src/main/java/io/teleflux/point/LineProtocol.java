package io.teleflux.point;

/**
 * Encodes points as InfluxDB line protocol with millisecond timestamps.
 *
 * <p>Escaping follows the InfluxDB 1.x/2.x parser: commas and spaces in the measurement; commas,
 * equals signs and spaces in tag keys, tag values and field keys; double quotes and backslashes in
 * string field values. A line break cannot be represented anywhere in a line, so CR and LF become
 * spaces. A key or tag value that ends in a backslash would escape the separator that follows it,
 * so one trailing backslash is doubled: InfluxDB then reads the value back with that final
 * backslash doubled, which is lossy but keeps the line (and the batch) valid.
 *
 * <p>A point without fields has no line-protocol form and is skipped by {@link #append}.
 */
public final class LineProtocol {
    private static final boolean[] MEASUREMENT_SPECIALS = LineBuffer.specials(", ");
    private static final boolean[] KEY_SPECIALS = LineBuffer.specials(",= ");
    private static final boolean[] STRING_SPECIALS = LineBuffer.specials("\"\\");

    private LineProtocol() {
    }

    /** Appends one line with its trailing newline; returns false (and appends nothing) for a point without fields. */
    public static boolean append(Point p, LineBuffer out) {
        if (p.fieldCount() == 0) {
            return false;
        }
        name(p.measurement(), MEASUREMENT_SPECIALS, out);
        for (int i = 0, n = p.tagCount(); i < n; i++) {
            out.byteRaw(',');
            name(p.tagKey(i), KEY_SPECIALS, out);
            out.byteRaw('=');
            name(p.tagValue(i), KEY_SPECIALS, out);
        }
        out.byteRaw(' ');
        for (int i = 0, n = p.fieldCount(); i < n; i++) {
            if (i > 0) {
                out.byteRaw(',');
            }
            name(p.fieldKey(i), KEY_SPECIALS, out);
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
        out.byteRaw(' ');
        out.decimal(p.timeMs());
        out.endLine();
        return true;
    }

    /** The line for one point, without the trailing newline ("" for a point without fields). */
    public static String encode(Point p) {
        LineBuffer b = new LineBuffer(256);
        if (!append(p, b)) {
            return "";
        }
        String s = b.toString();
        return s.substring(0, s.length() - 1);
    }

    private static void name(String s, boolean[] specials, LineBuffer out) {
        out.escaped(s, specials);
        if (s.endsWith("\\")) {
            out.byteRaw('\\');
        }
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
