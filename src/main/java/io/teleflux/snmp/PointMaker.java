package io.teleflux.snmp;

import io.teleflux.point.Schema;
import io.teleflux.point.Point;
import io.teleflux.snmp.IfMib.Column;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one device's poll into points of the data model: a {@code device} point and one
 * {@code interface} point per (accepted) interface, all with the poll's timestamp and
 * {@code source=snmp}, with the same field names telemetry uses.
 *
 * <ul>
 *   <li>octets: the 64-bit ifHC counters; an interface without them gets the 32-bit ifTable ones and
 *       the point is flagged {@link Point#HINT_COUNTER32}, so that the rate stage (and only it) can tell
 *       a wrap from a reset;</li>
 *   <li>{@code in_pkts}/{@code out_pkts}: 64-bit unicast + multicast + broadcast, only when all three
 *       are there (a sum of 32-bit counters could not be unwrapped);</li>
 *   <li>a 64-bit value >= 2^63 is left out of its point and counted, never written negative;</li>
 *   <li>the interface name is ifName, else ifDescr, else the ifIndex; a name several interfaces share gets
 *       {@code #ifIndex} on every one of them.</li>
 * </ul>
 */
final class PointMaker {
    static final String SOURCE = Schema.SOURCE_SNMP;

    private PointMaker() {
    }

    /** The points of one poll, and what was odd about it. */
    record Built(List<Point> points, int interfaces, int overflows, Set<Warning> warnings) {
    }

    /**
     * @param device   the {@code device} tag
     * @param deviceIp the target's IP address, for the {@code device_ip} field
     * @param reset    the agent restarted since the last poll: every point gets {@link Point#HINT_RESET}
     */
    static Built build(PollData d, String device, String deviceIp, SnmpTarget.InterfaceFilter filter, boolean reset) {
        EnumSet<Warning> warnings = EnumSet.noneOf(Warning.class);
        warnings.addAll(d.warnings());
        int hints = reset ? Point.HINT_RESET : 0;
        List<Point> points = new ArrayList<>(d.rows().size() + 1);

        Point.Builder dev = Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_SOURCE, SOURCE)
                .time(d.timeMs()).hints(hints);
        if (d.sysUpTime() >= 0) {
            dev.field(Schema.UPTIME_S, d.sysUpTime() / 100);
        }
        points.add(dev.field(Schema.DEVICE_IP, deviceIp).build());

        EnumSet<Column> anywhere = EnumSet.noneOf(Column.class);
        for (EnumMap<Column, Variable> row : d.rows().values()) {
            anywhere.addAll(row.keySet());
        }
        // a name several interfaces share is suffixed on all of them, not on all but the lowest
        // ifIndex: adding or removing one of them then renames none of the others' series
        Map<String, Integer> uses = new HashMap<>();
        for (Map.Entry<OID, EnumMap<Column, Variable>> e : d.rows().entrySet()) {
            uses.merge(name(e.getKey(), e.getValue(), EnumSet.noneOf(Warning.class)), 1, Integer::sum);
        }
        int[] overflows = new int[1];
        int interfaces = 0;
        for (Map.Entry<OID, EnumMap<Column, Variable>> e : d.rows().entrySet()) {
            OID index = e.getKey();
            EnumMap<Column, Variable> row = e.getValue();
            if (!row.keySet().containsAll(anywhere)) {
                warnings.add(Warning.TABLE_HOLES);
            }
            String name = name(index, row, warnings);
            if (uses.get(name) > 1) {
                warnings.add(Warning.DUPLICATE_NAME);
                name = name + "#" + index;
            }
            if (!filter.accepts(name)) {
                continue;
            }
            Point.Builder b = Point.builder(Schema.INTERFACE).tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_INTERFACE, name)
                    .tag(Schema.TAG_SOURCE, SOURCE).time(d.timeMs()).hints(hints);
            if (index.size() == 1) {
                b.field(Schema.IFINDEX, index.getUnsigned(0));
            }
            boolean hc = row.containsKey(Column.IF_HC_IN_OCTETS) || row.containsKey(Column.IF_HC_OUT_OCTETS);
            if (hc) {
                put(b, Schema.IN_OCTETS, row.get(Column.IF_HC_IN_OCTETS), overflows);
                put(b, Schema.OUT_OCTETS, row.get(Column.IF_HC_OUT_OCTETS), overflows);
            } else if (row.containsKey(Column.IF_IN_OCTETS) || row.containsKey(Column.IF_OUT_OCTETS)) {
                warnings.add(Warning.COUNTER32_ONLY);
                b.addHint(Point.HINT_COUNTER32);
                put(b, Schema.IN_OCTETS, row.get(Column.IF_IN_OCTETS), overflows);
                put(b, Schema.OUT_OCTETS, row.get(Column.IF_OUT_OCTETS), overflows);
            }
            sum(b, Schema.IN_PKTS, overflows, row.get(Column.IF_HC_IN_UCAST_PKTS), row.get(Column.IF_HC_IN_MULTICAST_PKTS),
                    row.get(Column.IF_HC_IN_BROADCAST_PKTS));
            sum(b, Schema.OUT_PKTS, overflows, row.get(Column.IF_HC_OUT_UCAST_PKTS), row.get(Column.IF_HC_OUT_MULTICAST_PKTS),
                    row.get(Column.IF_HC_OUT_BROADCAST_PKTS));
            put(b, Schema.IN_UCAST_PKTS, first(row, Column.IF_HC_IN_UCAST_PKTS, Column.IF_IN_UCAST_PKTS), overflows);
            put(b, Schema.OUT_UCAST_PKTS, first(row, Column.IF_HC_OUT_UCAST_PKTS, Column.IF_OUT_UCAST_PKTS), overflows);
            put(b, Schema.IN_ERRORS, row.get(Column.IF_IN_ERRORS), overflows);
            put(b, Schema.OUT_ERRORS, row.get(Column.IF_OUT_ERRORS), overflows);
            put(b, Schema.IN_DISCARDS, row.get(Column.IF_IN_DISCARDS), overflows);
            put(b, Schema.OUT_DISCARDS, row.get(Column.IF_OUT_DISCARDS), overflows);
            speed(b, row);
            put(b, Schema.OPER_STATUS, row.get(Column.IF_OPER_STATUS), overflows);
            put(b, Schema.ADMIN_STATUS, row.get(Column.IF_ADMIN_STATUS), overflows);
            if (row.get(Column.IF_ALIAS) instanceof OctetString alias && alias.length() > 0) {
                b.field(Schema.DESCRIPTION, Text.of(alias).value());
            }
            points.add(b.build());
            interfaces++;
        }
        if (overflows[0] > 0) {
            warnings.add(Warning.UINT64_OVERFLOW);
        }
        return new Built(points, interfaces, overflows[0], warnings);
    }

    private static String name(OID index, EnumMap<Column, Variable> row, Set<Warning> warnings) {
        for (Column c : new Column[]{Column.IF_NAME, Column.IF_DESCR}) {
            if (row.get(c) instanceof OctetString s) {
                Text t = Text.of(s);
                if (!t.value().isBlank()) {
                    if (c != Column.IF_NAME) {
                        warnings.add(Warning.NO_IFNAME);
                    }
                    if (t.hex()) {
                        warnings.add(Warning.UNDECODABLE_NAME);
                    }
                    return t.value();
                }
            }
        }
        warnings.add(Warning.NO_IFNAME);
        return index.toDottedString();
    }

    /** ifHighSpeed (Mbit/s) when it says anything, else ifSpeed (bit/s; saturates at 2^32-1, hence second). */
    private static void speed(Point.Builder b, EnumMap<Column, Variable> row) {
        long high = number(row.get(Column.IF_HIGH_SPEED));
        long low = number(row.get(Column.IF_SPEED));
        if (high > 0) {
            b.field(Schema.SPEED_BPS, high * 1_000_000L);
        } else if (low >= 0) {
            b.field(Schema.SPEED_BPS, low);
        } else if (high == 0) {
            b.field(Schema.SPEED_BPS, 0L);
        }
    }

    private static Variable first(EnumMap<Column, Variable> row, Column a, Column b) {
        Variable v = row.get(a);
        return v != null ? v : row.get(b);
    }

    private static void put(Point.Builder b, String field, Variable v, int[] overflows) {
        if (v == null) {
            return;
        }
        if (v instanceof Counter64 c && c.getValue() < 0) {
            overflows[0]++; // >= 2^63 read as unsigned: InfluxDB 1.x has no type for it
            return;
        }
        long n = number(v);
        if (n >= 0 || v instanceof Integer32) {
            b.field(field, n);
        }
    }

    private static void sum(Point.Builder b, String field, int[] overflows, Variable... parts) {
        long total = 0;
        for (Variable v : parts) {
            if (v == null) {
                return;
            }
            if (v instanceof Counter64 c && c.getValue() < 0) {
                overflows[0]++;
                return;
            }
            long n = number(v);
            if (n < 0) {
                return;
            }
            try {
                total = Math.addExact(total, n);
            } catch (ArithmeticException e) {
                overflows[0]++;
                return;
            }
        }
        b.field(field, total);
    }

    /** The value of an SNMP number, unsigned where the type is; -1 for anything that is not a number. */
    static long number(Variable v) {
        if (v instanceof Counter64 c) {
            return c.getValue(); // negative (>= 2^63) is handled by the callers
        }
        if (v instanceof UnsignedInteger32 u) {
            return u.getValue(); // Counter32, Gauge32, TimeTicks: 0 .. 2^32-1
        }
        if (v instanceof Integer32 i) {
            return i.getValue();
        }
        return -1;
    }
}
