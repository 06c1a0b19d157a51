package io.teleflux.dialout.huawei;

import io.teleflux.point.Point;
import io.teleflux.point.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One interface's statistics as read from a row, in either encoding, and the {@code interface}
 * point they make. Counters are unsigned 64-bit: one of 2^63 or more is dropped and counted, never
 * wrapped to a negative number, and a sum that would pass 2^63 is left out the same way.
 */
final class IfRow {
    /** Field names a vendor-specific extra leaf may not take. */
    private static final Set<String> TAKEN;

    static {
        java.util.HashSet<String> s = new java.util.HashSet<>(Schema.RESERVED.get(Schema.INTERFACE));
        for (Stat st : Stat.ALL) {
            if (st.field != null) {
                s.add(st.field);
            }
        }
        s.addAll(List.of(Schema.IN_PKTS, Schema.OUT_PKTS, Schema.IN_NUCAST_PKTS, Schema.OUT_NUCAST_PKTS,
                Schema.TAG_DEVICE, Schema.TAG_INTERFACE, Schema.TAG_SOURCE, "time"));
        TAKEN = Set.copyOf(s);
    }

    String name;
    long ifIndex = -1;
    private final long[] values = new long[Stat.ALL.length];
    private int present;
    private final List<String> extraKeys = new ArrayList<>(0);
    private final List<Object> extraValues = new ArrayList<>(0);

    /** Sets a counter; a negative {@code unsigned} is a value of 2^63 or more: dropped and counted. */
    void set(Stat s, long unsigned, Scratch scratch) {
        if (unsigned < 0) {
            scratch.count(Issue.UINT64_OVERFLOW, s.name());
            present &= ~(1 << s.ordinal()); // not even the 0 a proto3 default would have left
            return;
        }
        values[s.ordinal()] = unsigned;
        present |= 1 << s.ordinal();
    }

    /** A leaf that is not a known counter: an integer (GPB) or a double (JSON), under a name that is not ours. */
    void extra(String key, Object value) {
        String k = TAKEN.contains(key) ? key + "_value" : key;
        int i = extraKeys.indexOf(k);
        if (i >= 0) {
            extraValues.set(i, value);
        } else {
            extraKeys.add(k);
            extraValues.add(value);
        }
    }

    boolean has(Stat s) {
        return (present & 1 << s.ordinal()) != 0;
    }

    boolean empty() {
        return present == 0 && extraKeys.isEmpty();
    }

    /** The {@code interface} point, or null when the row has no field. */
    Point point(String device, long timeMs, Scratch scratch) {
        Point.Builder b = Point.builder(Schema.INTERFACE, 24).tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_INTERFACE, name)
                .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
        if (ifIndex >= 0) {
            b.field(Schema.IFINDEX, ifIndex);
        }
        put(b, Stat.IN_OCTETS);
        put(b, Stat.OUT_OCTETS);
        packets(b, Schema.IN_PKTS, Stat.IN_TOTAL, Stat.IN_UCAST, Stat.IN_MCAST, Stat.IN_BCAST, scratch);
        packets(b, Schema.OUT_PKTS, Stat.OUT_TOTAL, Stat.OUT_UCAST, Stat.OUT_MCAST, Stat.OUT_BCAST, scratch);
        put(b, Stat.IN_UCAST);
        put(b, Stat.OUT_UCAST);
        sum(b, Schema.IN_NUCAST_PKTS, scratch, Stat.IN_MCAST, Stat.IN_BCAST);
        sum(b, Schema.OUT_NUCAST_PKTS, scratch, Stat.OUT_MCAST, Stat.OUT_BCAST);
        put(b, Stat.IN_MCAST);
        put(b, Stat.OUT_MCAST);
        put(b, Stat.IN_BCAST);
        put(b, Stat.OUT_BCAST);
        put(b, Stat.IN_ERRORS);
        put(b, Stat.OUT_ERRORS);
        put(b, Stat.IN_DISCARDS);
        put(b, Stat.OUT_DISCARDS);
        put(b, Stat.IN_REALTIME_BIT_RATE);
        put(b, Stat.OUT_REALTIME_BIT_RATE);
        for (int i = 0; i < extraKeys.size(); i++) {
            Object v = extraValues.get(i);
            if (v instanceof Long l) {
                b.field(extraKeys.get(i), l);
            } else if (v instanceof Double d) {
                b.field(extraKeys.get(i), d);
            } else if (v instanceof Boolean z) {
                b.field(extraKeys.get(i), z);
            }
        }
        return b.fieldCount() == 0 ? null : b.build();
    }

    private void put(Point.Builder b, Stat s) {
        if (has(s)) {
            b.field(s.field, values[s.ordinal()]);
        }
    }

    /** unicast + multicast + broadcast when all three are known, else the device's total. */
    private void packets(Point.Builder b, String field, Stat total, Stat u, Stat m, Stat bc, Scratch scratch) {
        if (has(u) && has(m) && has(bc)) {
            sum(b, field, scratch, u, m, bc);
        } else if (has(total)) {
            b.field(field, values[total.ordinal()]);
        }
    }

    private void sum(Point.Builder b, String field, Scratch scratch, Stat... parts) {
        long t = 0;
        for (Stat s : parts) {
            if (!has(s)) {
                return;
            }
            t += values[s.ordinal()];
            if (t < 0) {
                scratch.count(Issue.UINT64_OVERFLOW, field);
                return;
            }
        }
        b.field(field, t);
    }
}
