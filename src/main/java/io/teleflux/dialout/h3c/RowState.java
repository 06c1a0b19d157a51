package io.teleflux.dialout.h3c;

import io.teleflux.point.Point;

import java.util.Arrays;

/**
 * The values of one row while it is being read: mapped columns in slots (emitted in mapping order),
 * then tags and fields of unmapped columns in input order. Reused from row to row by one thread.
 */
final class RowState {
    private static final byte ABSENT = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte TEXT = 3;
    private static final byte BOOLEAN = 4;

    Mapping mapping;
    private byte[] slotType = new byte[32];
    private long[] slotBits = new long[32];
    private String[] slotText = new String[32];

    private String[] tagKeys = new String[8];
    private String[] tagValues = new String[8];
    private int tags;

    private String[] keys = new String[32];
    private byte[] types = new byte[32];
    private long[] bits = new long[32];
    private int fields;
    private String[] texts = new String[32];
    private Point.Builder builder;

    void start(Mapping m) {
        mapping = m;
        int n = m.columns.length;
        if (n > slotType.length) {
            slotType = new byte[n];
            slotBits = new long[n];
            slotText = new String[n];
        }
        Arrays.fill(slotType, 0, n, ABSENT); // slotText is read only where slotType says TEXT
        Arrays.fill(tagValues, 0, tags, null);
        tags = 0;
        fields = 0;
    }

    void setLong(int slot, long v) {
        slotType[slot] = LONG;
        slotBits[slot] = v;
    }

    void setDouble(int slot, double v) {
        slotType[slot] = DOUBLE;
        slotBits[slot] = Double.doubleToRawLongBits(v);
    }

    void setText(int slot, String v) {
        slotType[slot] = TEXT;
        slotText[slot] = v;
    }

    boolean has(int slot) {
        return slotType[slot] != ABSENT;
    }

    String text(int slot) {
        return slotType[slot] == TEXT ? slotText[slot] : null;
    }

    double number(int slot) {
        return slotType[slot] == LONG ? (double) slotBits[slot] : Double.longBitsToDouble(slotBits[slot]);
    }

    void addTag(String key, String value) {
        if (tags == tagKeys.length) {
            tagKeys = Arrays.copyOf(tagKeys, tags * 2);
            tagValues = Arrays.copyOf(tagValues, tags * 2);
        }
        tagKeys[tags] = key;
        tagValues[tags++] = value;
    }

    void addDouble(String key, double v) {
        add(key, DOUBLE, Double.doubleToRawLongBits(v));
    }

    void addBoolean(String key, boolean v) {
        add(key, BOOLEAN, v ? 1 : 0);
    }

    /** A state sent as a word ({@code "Normal"}, {@code "enable"}): data, kept as a string field. */
    void addText(String key, String v) {
        add(key, TEXT, 0);
        if (texts.length < keys.length) {
            texts = Arrays.copyOf(texts, keys.length);
        }
        texts[fields - 1] = v;
    }

    private void add(String key, byte type, long v) {
        if (fields == keys.length) {
            keys = Arrays.copyOf(keys, fields * 2);
            types = Arrays.copyOf(types, fields * 2);
            bits = Arrays.copyOf(bits, fields * 2);
        }
        keys[fields] = key;
        types[fields] = type;
        bits[fields++] = v;
    }

    /** Number of unmapped fields so far; pass it to {@link #truncateFields} to undo later additions. */
    int fieldMark() {
        return fields;
    }

    void truncateFields(int mark) {
        fields = mark;
    }

    /** Fills derived values whose own column was absent. */
    void derive() {
        for (Mapping.ResolvedRatio r : mapping.ratios) {
            if (!has(r.target()) && has(r.numerator()) && has(r.denominator())) {
                double den = number(r.denominator());
                if (den > 0) {
                    setDouble(r.target(), number(r.numerator()) / den * r.factor());
                }
            }
        }
    }

    boolean hasFields() {
        if (fields > 0) {
            return true;
        }
        Column[] cols = mapping.columns;
        for (int i = 0; i < cols.length; i++) {
            if (slotType[i] != ABSENT && cols[i].kind() != Column.Kind.TAG) {
                return true;
            }
        }
        return false;
    }

    boolean missingRequiredTag() {
        int r = mapping.requiredTag;
        if (r < 0) {
            return false;
        }
        String v = text(r);
        return v == null || v.isEmpty();
    }

    /** The row as a point timed {@code timeMs}. */
    Point toPoint(String device, long timeMs) {
        // one builder for every row: build() copies what the point keeps
        if (builder == null) {
            builder = Point.builder(mapping.measurement, 32);
        }
        Point.Builder b = builder.reset(mapping.measurement);
        b.tag("device", device).tag("source", "telemetry").time(timeMs);
        Column[] cols = mapping.columns;
        for (int i = 0; i < cols.length; i++) {
            byte t = slotType[i];
            if (t == ABSENT) {
                continue;
            }
            Column c = cols[i];
            switch (c.kind()) {
                case TAG -> b.tag(c.target(), slotText[i]);
                case INT -> b.field(c.target(), slotBits[i]);
                case FLOAT -> b.field(c.target(), Double.longBitsToDouble(slotBits[i]));
                case STRING -> b.field(c.target(), slotText[i]);
                default -> {
                }
            }
        }
        for (int i = 0; i < tags; i++) {
            b.tag(tagKeys[i], tagValues[i]);
        }
        for (int i = 0; i < fields; i++) {
            if (types[i] == BOOLEAN) {
                b.field(keys[i], bits[i] != 0);
            } else if (types[i] == TEXT) {
                b.field(keys[i], texts[i]);
            } else {
                b.field(keys[i], Double.longBitsToDouble(bits[i]));
            }
        }
        return b.build();
    }
}
