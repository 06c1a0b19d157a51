package io.teleflux.point;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sample: a measurement, tags sorted by key, typed fields and a timestamp in epoch milliseconds.
 *
 * <p>Fields are stored unboxed (a type byte and a 64-bit slot each) because decoding produces
 * millions of them per second. Field order is insertion order, so the encoded line is
 * deterministic. Instances are immutable; {@link #toBuilder()} derives a new one.
 *
 * <p>{@link #hints()} carry facts about the sample that later stages need but that are not stored
 * in InfluxDB (for example that its counters are 32-bit).
 */
public final class Point {
    public static final byte LONG = 1;
    public static final byte DOUBLE = 2;
    public static final byte BOOLEAN = 3;
    public static final byte STRING = 4;

    /** The counters are SNMP Counter32: a decrease may be a wrap rather than a reset. */
    public static final int HINT_COUNTER32 = 1;
    /** The source saw a discontinuity (agent restart): rates must re-baseline on this sample. */
    public static final int HINT_RESET = 1 << 1;

    private static final String[] NO_STRINGS = new String[0];

    private final String measurement;
    private final String[] tags; // key0, value0, key1, value1, ... sorted by key
    private final String[] fieldKeys;
    private final byte[] fieldTypes;
    private final long[] fieldBits;
    private final String[] fieldStrings; // empty unless a string field exists
    private final long timeMs;
    private final int hints;

    private Point(String measurement, String[] tags, String[] fieldKeys, byte[] fieldTypes, long[] fieldBits,
                  String[] fieldStrings, long timeMs, int hints) {
        this.measurement = measurement;
        this.tags = tags;
        this.fieldKeys = fieldKeys;
        this.fieldTypes = fieldTypes;
        this.fieldBits = fieldBits;
        this.fieldStrings = fieldStrings;
        this.timeMs = timeMs;
        this.hints = hints;
    }

    public static Builder builder(String measurement) {
        return new Builder(measurement, 8);
    }

    /** A builder sized for about {@code fields} fields, so that building a wide point does not regrow its arrays. */
    public static Builder builder(String measurement, int fields) {
        return new Builder(measurement, Math.max(1, fields));
    }

    public String measurement() {
        return measurement;
    }

    public long timeMs() {
        return timeMs;
    }

    public int hints() {
        return hints;
    }

    public boolean hasHint(int hint) {
        return (hints & hint) != 0;
    }

    public int tagCount() {
        return tags.length / 2;
    }

    public String tagKey(int i) {
        return tags[2 * i];
    }

    public String tagValue(int i) {
        return tags[2 * i + 1];
    }

    /** The value of tag {@code key}, or null. */
    public String tag(String key) {
        for (int i = 0; i < tags.length; i += 2) {
            if (tags[i].equals(key)) {
                return tags[i + 1];
            }
        }
        return null;
    }

    public Map<String, String> tags() {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < tags.length; i += 2) {
            m.put(tags[i], tags[i + 1]);
        }
        return m;
    }

    public int fieldCount() {
        return fieldKeys.length;
    }

    public String fieldKey(int i) {
        return fieldKeys[i];
    }

    /** The field keys themselves: for the encoder, which must not change them. */
    String[] fieldKeyArray() {
        return fieldKeys;
    }

    public byte fieldType(int i) {
        return fieldTypes[i];
    }

    public long longValue(int i) {
        return fieldBits[i];
    }

    public double doubleValue(int i) {
        return Double.longBitsToDouble(fieldBits[i]);
    }

    public boolean booleanValue(int i) {
        return fieldBits[i] != 0;
    }

    public String stringValue(int i) {
        return fieldStrings[i];
    }

    /** Index of field {@code key}, or -1. */
    public int fieldIndex(String key) {
        for (int i = 0; i < fieldKeys.length; i++) {
            if (fieldKeys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The boxed value of field {@code key} (Long, Double, Boolean or String), or null. */
    public Object field(String key) {
        int i = fieldIndex(key);
        return i < 0 ? null : boxed(i);
    }

    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldKeys.length; i++) {
            m.put(fieldKeys[i], boxed(i));
        }
        return m;
    }

    private Object boxed(int i) {
        return switch (fieldTypes[i]) {
            case LONG -> fieldBits[i];
            case DOUBLE -> Double.longBitsToDouble(fieldBits[i]);
            case BOOLEAN -> fieldBits[i] != 0;
            default -> fieldStrings[i];
        };
    }

    public Builder toBuilder() {
        Builder b = new Builder(measurement, 8);
        b.tags = Arrays.copyOf(tags, Math.max(tags.length, 8));
        b.tagLen = tags.length;
        int n = fieldKeys.length;
        int cap = Math.max(n + 4, 8);
        b.keys = Arrays.copyOf(fieldKeys, cap);
        b.hashes = new int[cap];
        for (int i = 0; i < n; i++) {
            b.hashes[i] = fieldKeys[i].hashCode();
            b.hashBits |= 1L << b.hashes[i];
        }
        b.types = Arrays.copyOf(fieldTypes, cap);
        b.bits = Arrays.copyOf(fieldBits, cap);
        b.strings = fieldStrings.length == 0 ? null : Arrays.copyOf(fieldStrings, cap);
        b.fieldLen = n;
        b.timeMs = timeMs;
        b.hints = hints;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Point p)) {
            return false;
        }
        return timeMs == p.timeMs && hints == p.hints && measurement.equals(p.measurement)
                && Arrays.equals(tags, p.tags) && Arrays.equals(fieldKeys, p.fieldKeys)
                && Arrays.equals(fieldTypes, p.fieldTypes) && Arrays.equals(fieldBits, p.fieldBits)
                && Arrays.equals(fieldStrings, p.fieldStrings);
    }

    @Override
    public int hashCode() {
        return measurement.hashCode() * 31 + Arrays.hashCode(tags) * 17 + Long.hashCode(timeMs);
    }

    /** The line-protocol form, without the trailing newline. */
    @Override
    public String toString() {
        return LineProtocol.encode(this);
    }

    /**
     * Builds a point. Tags with a null or empty value are left out (InfluxDB cannot store them);
     * a repeated tag or field key replaces the earlier value; non-finite doubles are left out
     * (line protocol cannot carry NaN or infinity).
     *
     * <p>{@link #build()} copies what it needs, so one builder can make many points: {@link #reset}
     * starts the next one without allocating.
     */
    public static final class Builder {
        private String measurement;
        private String[] tags = new String[8];
        private int tagLen;
        private String[] keys = new String[8];
        // the key's hash, compared before equals(): the duplicate check runs for every field added
        private int[] hashes = new int[8];
        /** Bit {@code hash & 63} of every key: most new keys skip the duplicate scan. */
        private long hashBits;
        private byte[] types = new byte[8];
        private long[] bits = new long[8];
        private String[] strings;
        /** The key and type arrays of the last point built, shared with the next one when equal. */
        private String[] lastKeys;
        /**
         * The keys so far are the first {@code fieldLen} of {@link #lastKeys}, the very strings, and
         * {@link #hashes} and {@link #hashBits} are not kept (see {@link #put}): rows of one table
         * repeat their columns in order.
         */
        private boolean onLast;
        private byte[] lastTypes;
        private int fieldLen;
        private long timeMs;
        private int hints;

        private Builder(String measurement, int fields) {
            this.measurement = checked(measurement);
            if (fields != 8) {
                keys = new String[fields];
                hashes = new int[fields];
                types = new byte[fields];
                bits = new long[fields];
            }
        }

        private static String checked(String measurement) {
            if (measurement == null || measurement.isEmpty()) {
                throw new IllegalArgumentException("measurement must not be empty");
            }
            return measurement;
        }

        /** Empties the builder for a new point of {@code measurement}, keeping its arrays. */
        public Builder reset(String measurement) {
            this.measurement = checked(measurement);
            // the arrays keep the last point's names until overwritten: build() copies only what is set
            tagLen = 0;
            fieldLen = 0;
            hashBits = 0;
            strings = null; // a point without string fields has none (equals compares the arrays)
            timeMs = 0;
            hints = 0;
            onLast = lastKeys != null;
            return this;
        }

        public Builder tag(String key, String value) {
            if (key == null || key.isEmpty() || value == null || value.isEmpty()) {
                return this;
            }
            for (int i = 0; i < tagLen; i += 2) {
                if (tags[i].equals(key)) {
                    tags[i + 1] = value;
                    return this;
                }
            }
            if (tagLen + 2 > tags.length) {
                tags = Arrays.copyOf(tags, tags.length * 2);
            }
            // insertion sort: tag sets are small and usually added in order already
            int pos = tagLen;
            while (pos > 0 && tags[pos - 2].compareTo(key) > 0) {
                tags[pos] = tags[pos - 2];
                tags[pos + 1] = tags[pos - 1];
                pos -= 2;
            }
            tags[pos] = key;
            tags[pos + 1] = value;
            tagLen += 2;
            return this;
        }

        public Builder field(String key, long value) {
            return put(key, LONG, value, null);
        }

        public Builder field(String key, double value) {
            if (!Double.isFinite(value)) {
                return this;
            }
            return put(key, DOUBLE, Double.doubleToRawLongBits(value), null);
        }

        public Builder field(String key, boolean value) {
            return put(key, BOOLEAN, value ? 1 : 0, null);
        }

        public Builder field(String key, String value) {
            if (value == null) {
                return this;
            }
            return put(key, STRING, 0, value);
        }

        /** Removes field {@code key} if present. */
        public Builder removeField(String key) {
            if (onLast) {
                leaveLast();
            }
            for (int i = 0; i < fieldLen; i++) {
                if (keys[i].equals(key)) {
                    int tail = fieldLen - i - 1;
                    System.arraycopy(keys, i + 1, keys, i, tail);
                    System.arraycopy(hashes, i + 1, hashes, i, tail);
                    System.arraycopy(types, i + 1, types, i, tail);
                    System.arraycopy(bits, i + 1, bits, i, tail);
                    if (strings != null) {
                        System.arraycopy(strings, i + 1, strings, i, tail);
                    }
                    fieldLen--;
                    hashBits = 0;
                    for (int j = 0; j < fieldLen; j++) {
                        hashBits |= 1L << hashes[j];
                    }
                    return this;
                }
            }
            return this;
        }

        private Builder put(String key, byte type, long value, String str) {
            if (key == null || key.isEmpty()) {
                return this;
            }
            if (onLast) {
                String[] last = lastKeys;
                int at = fieldLen;
                if (at < last.length && last[at] == key && at < keys.length) {
                    // the last point's next key: the keys so far are that point's first ones, and a
                    // point's keys are distinct, so it is none of them (no hashing, no scan)
                    fieldLen = at + 1;
                    keys[at] = key;
                    return set(at, type, value, str);
                }
                leaveLast();
            }
            int idx = -1;
            int h = key.hashCode();
            long bit = 1L << h;
            if ((hashBits & bit) != 0) {
                for (int i = 0; i < fieldLen; i++) {
                    if (hashes[i] == h && keys[i].equals(key)) {
                        idx = i;
                        break;
                    }
                }
            }
            if (idx < 0) {
                if (fieldLen == keys.length) {
                    int cap = keys.length * 2;
                    keys = Arrays.copyOf(keys, cap);
                    hashes = Arrays.copyOf(hashes, cap);
                    types = Arrays.copyOf(types, cap);
                    bits = Arrays.copyOf(bits, cap);
                    if (strings != null) {
                        strings = Arrays.copyOf(strings, cap);
                    }
                }
                idx = fieldLen++;
                keys[idx] = key;
                hashes[idx] = h;
                hashBits |= bit;
            }
            return set(idx, type, value, str);
        }

        /** Leaves the fast path of {@link #put}: the hashes of the keys it added are filled in. */
        private void leaveLast() {
            onLast = false;
            for (int i = 0; i < fieldLen; i++) {
                int h = keys[i].hashCode();
                hashes[i] = h;
                hashBits |= 1L << h;
            }
        }

        private Builder set(int idx, byte type, long value, String str) {
            types[idx] = type;
            bits[idx] = value;
            if (str != null) {
                if (strings == null) {
                    strings = new String[keys.length];
                }
                strings[idx] = str;
            } else if (strings != null) {
                strings[idx] = null;
            }
            return this;
        }

        public Builder time(long epochMs) {
            this.timeMs = epochMs;
            return this;
        }

        public Builder hints(int hints) {
            this.hints = hints;
            return this;
        }

        public Builder addHint(int hint) {
            this.hints |= hint;
            return this;
        }

        public int fieldCount() {
            return fieldLen;
        }

        public String tagValue(String key) {
            for (int i = 0; i < tagLen; i += 2) {
                if (tags[i].equals(key)) {
                    return tags[i + 1];
                }
            }
            return null;
        }

        public Point build() {
            String[] fs = strings == null ? NO_STRINGS : Arrays.copyOf(strings, fieldLen);
            // a point never changes its arrays, so points of one shape from one builder can share
            // them; the encoder then looks the field names up once for all of them
            if (!sameKeys()) {
                lastKeys = Arrays.copyOf(keys, fieldLen);
            }
            if (!sameTypes()) {
                lastTypes = Arrays.copyOf(types, fieldLen);
            }
            return new Point(measurement, Arrays.copyOf(tags, tagLen), lastKeys, lastTypes,
                    Arrays.copyOf(bits, fieldLen), fs, timeMs, hints);
        }

        private boolean sameKeys() {
            String[] k = lastKeys;
            if (k == null || k.length != fieldLen) {
                return false;
            }
            if (onLast) {
                return true;
            }
            for (int i = 0; i < k.length; i++) {
                if (k[i] != keys[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean sameTypes() {
            byte[] t = lastTypes;
            if (t == null || t.length != fieldLen) {
                return false;
            }
            for (int i = 0; i < t.length; i++) {
                if (t[i] != types[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * This point with double fields {@code keys[i] = values[i]} ({@code i < n}) set exactly as
     * {@code toBuilder().field(keys[i], values[i])...build()} sets them (an existing key is replaced
     * in place, a non-finite value is left out), with one copy of the field arrays: the rate stage
     * adds rates to every interface point, and a builder round trip costs it several.
     */
    public Point withDoubleFields(String[] keys, double[] values, int n) {
        return withDoubleFields(keys, values, n, null);
    }

    /**
     * As {@link #withDoubleFields(String[], double[], int)}; when the result has the same field keys
     * (the same strings) and types as {@code like}, it shares {@code like}'s key and type arrays, as
     * points of one builder do: the encoder then looks the field names up once for a run of such
     * points instead of once per point.
     */
    public Point withDoubleFields(String[] keys, double[] values, int n, Point like) {
        return withDoubleFields(keys, values, n, like, SCRATCH.get());
    }

    /**
     * As {@link #withDoubleFields(String[], double[], int, Point)}, with the caller's own scratch
     * (one thread's at a time), which spares looking up this thread's for every point.
     */
    public Point withDoubleFields(String[] keys, double[] values, int n, Point like, Scratch sc) {
        if (sc.planFits(fieldKeys, fieldTypes, keys, values, n)) {
            // the same source layout and rate keys as this thread's previous call, every value set:
            // the result's layout is known, only the values are copied
            int[] at = sc.planAt;
            long[] b = Arrays.copyOf(fieldBits, sc.planKeys.length);
            String[] s = fieldStrings.length == 0 ? NO_STRINGS : Arrays.copyOf(fieldStrings, b.length);
            for (int i = 0; i < n; i++) {
                b[at[i]] = Double.doubleToRawLongBits(values[i]);
                if (s.length > 0) {
                    s[at[i]] = null;
                }
            }
            return new Point(measurement, tags, sc.planKeys, sc.planTypes, b, s, timeMs, hints);
        }
        int len = fieldKeys.length;
        // keys and types are built in this thread's scratch first: when they match like's, no
        // arrays are made for them at all
        sc.ensure(len + n);
        String[] k = sc.keys;
        byte[] t = sc.types;
        System.arraycopy(fieldKeys, 0, k, 0, len);
        System.arraycopy(fieldTypes, 0, t, 0, len);
        long[] b = Arrays.copyOf(fieldBits, len + n);
        String[] s = fieldStrings.length == 0 ? NO_STRINGS : Arrays.copyOf(fieldStrings, len + n);
        int m = len;
        int[] at = new int[n];
        boolean every = true;
        for (int i = 0; i < n; i++) {
            String key = keys[i];
            if (key == null || key.isEmpty() || !Double.isFinite(values[i])) {
                every = false;
                continue;
            }
            int idx = -1;
            for (int j = 0; j < m; j++) {
                if (k[j].equals(key)) {
                    idx = j;
                    break;
                }
            }
            if (idx < 0) {
                idx = m++;
                k[idx] = key;
            }
            at[i] = idx;
            t[idx] = DOUBLE;
            b[idx] = Double.doubleToRawLongBits(values[i]);
            if (s.length > 0) {
                s[idx] = null;
            }
        }
        if (m < len + n) {
            b = Arrays.copyOf(b, m);
            s = s.length == 0 ? s : Arrays.copyOf(s, m);
        }
        String[] keysOut;
        byte[] typesOut;
        if (like != null && sameRefs(like.fieldKeys, k, m) && Arrays.equals(like.fieldTypes, 0, like.fieldTypes.length, t, 0, m)) {
            keysOut = like.fieldKeys;
            typesOut = like.fieldTypes;
        } else {
            keysOut = Arrays.copyOf(k, m);
            typesOut = Arrays.copyOf(t, m);
        }
        Arrays.fill(k, 0, m, null); // the scratch must not keep strings alive
        if (every) {
            sc.plan(fieldKeys, fieldTypes, keys, n, at, keysOut, typesOut);
        }
        return new Point(measurement, tags, keysOut, typesOut, b, s, timeMs, hints);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Room for the keys and types {@link #withDoubleFields} builds, and the layout of its last
     * result: the rate stage adds the same rate keys to a run of points with one key array (a
     * message's interfaces), so the search for each key's slot is done once per run. Used by one
     * thread at a time.
     */
    public static final class Scratch {
        String[] keys = new String[32];
        byte[] types = new byte[32];
        private String[] planSrcKeys;
        private byte[] planSrcTypes;
        private String[] planRateKeys = new String[0];
        private int[] planAt;
        String[] planKeys;
        byte[] planTypes;

        /** True when {@code keys} (by reference) on a point with these very key and type arrays give the planned layout. */
        boolean planFits(String[] srcKeys, byte[] srcTypes, String[] keys, double[] values, int n) {
            if (srcKeys != planSrcKeys || srcTypes != planSrcTypes || n != planRateKeys.length) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (keys[i] != planRateKeys[i] || !Double.isFinite(values[i])) {
                    return false;
                }
            }
            return true;
        }

        void plan(String[] srcKeys, byte[] srcTypes, String[] keys, int n, int[] at, String[] outKeys, byte[] outTypes) {
            planSrcKeys = srcKeys;
            planSrcTypes = srcTypes;
            planRateKeys = Arrays.copyOf(keys, n);
            planAt = at;
            planKeys = outKeys;
            planTypes = outTypes;
        }

        Scratch ensure(int size) {
            if (keys.length < size) {
                keys = new String[Math.max(size, 2 * keys.length)];
                types = new byte[keys.length];
            }
            return this;
        }
    }

    /** True when this point's field keys are the very array of {@code other}'s (shared, as from one builder). */
    public boolean sameFieldKeys(Point other) {
        return other != null && other.fieldKeys == fieldKeys;
    }

    private static boolean sameRefs(String[] a, String[] b, int n) {
        if (a.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
