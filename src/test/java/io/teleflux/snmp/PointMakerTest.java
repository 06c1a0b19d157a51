package io.teleflux.snmp;

import io.teleflux.snmp.SnmpTarget;
import io.teleflux.point.Point;
import io.teleflux.snmp.IfMib.Column;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Points from hand-built IF-MIB tables: field mapping, names, 32-bit fallback, overflow, resets, filters. */
class PointMakerTest {
    static final long T = 1_718_000_000_123L;
    static final long TWO_POW_63_PLUS_5 = Long.MIN_VALUE + 5; // 2^63 + 5 as an unsigned Counter64

    /** A table under construction: row(ifIndex).put(column, value). */
    static final class Table {
        final SortedMap<OID, EnumMap<Column, Variable>> rows = new TreeMap<>();

        Table row(int ifIndex, Map<Column, Variable> cols) {
            EnumMap<Column, Variable> r = new EnumMap<>(Column.class);
            r.putAll(cols);
            rows.put(new OID(new int[]{ifIndex}), r);
            return this;
        }

        PollData data() {
            return new PollData(T, 123_456L, null, rows, EnumSet.noneOf(Warning.class));
        }
    }

    static Map<Column, Variable> hcRow(String name) {
        Map<Column, Variable> m = new LinkedHashMap<>();
        m.put(Column.IF_NAME, new OctetString(name));
        m.put(Column.IF_DESCR, new OctetString("descr " + name));
        m.put(Column.IF_ALIAS, new OctetString("to core"));
        m.put(Column.IF_HC_IN_OCTETS, new Counter64(83_412_345_678_901L));
        m.put(Column.IF_HC_OUT_OCTETS, new Counter64(79_123_456_789_012L));
        m.put(Column.IF_HC_IN_UCAST_PKTS, new Counter64(61_234_567_890L));
        m.put(Column.IF_HC_IN_MULTICAST_PKTS, new Counter64(1_000));
        m.put(Column.IF_HC_IN_BROADCAST_PKTS, new Counter64(234_567));
        m.put(Column.IF_HC_OUT_UCAST_PKTS, new Counter64(59_876_543_210L));
        m.put(Column.IF_HC_OUT_MULTICAST_PKTS, new Counter64(987_000));
        m.put(Column.IF_HC_OUT_BROADCAST_PKTS, new Counter64(654));
        m.put(Column.IF_IN_OCTETS, new Counter32(1_234));
        m.put(Column.IF_OUT_OCTETS, new Counter32(5_678));
        m.put(Column.IF_IN_UCAST_PKTS, new Counter32(11));
        m.put(Column.IF_OUT_UCAST_PKTS, new Counter32(12));
        m.put(Column.IF_IN_ERRORS, new Counter32(3));
        m.put(Column.IF_OUT_ERRORS, new Counter32(4));
        m.put(Column.IF_IN_DISCARDS, new Counter32(5));
        m.put(Column.IF_OUT_DISCARDS, new Counter32(4_294_967_295L));
        m.put(Column.IF_HIGH_SPEED, new Gauge32(100_000));
        m.put(Column.IF_SPEED, new Gauge32(4_294_967_295L));
        m.put(Column.IF_OPER_STATUS, new Integer32(1));
        m.put(Column.IF_ADMIN_STATUS, new Integer32(2));
        return m;
    }

    static PointMaker.Built build(Table t) {
        return PointMaker.build(t.data(), "sw1", "192.0.2.1", SnmpTarget.InterfaceFilter.ALL, false);
    }

    static Point iface(PointMaker.Built b, String name) {
        return b.points().stream().filter(p -> name.equals(p.tag("interface"))).findFirst().orElseThrow();
    }

    @Test
    void aFullRowBecomesTheDataModelsInterfacePoint() {
        PointMaker.Built b = build(new Table().row(1, hcRow("HundredGigE1/0/1")));
        assertThat(b.points()).hasSize(2);
        assertThat(b.interfaces()).isEqualTo(1);
        assertThat(b.warnings()).isEmpty();
        assertThat(b.points().get(0)).hasToString("device,device=sw1,source=snmp uptime_s=1234i,device_ip=\"192.0.2.1\" " + T);
        assertThat(b.points().get(1)).hasToString("interface,device=sw1,interface=HundredGigE1/0/1,source=snmp "
                + "ifindex=1i,in_octets=83412345678901i,out_octets=79123456789012i,"
                + "in_pkts=61234803457i,out_pkts=59877530864i,in_ucast_pkts=61234567890i,out_ucast_pkts=59876543210i,"
                + "in_errors=3i,out_errors=4i,in_discards=5i,out_discards=4294967295i,speed_bps=100000000000i,"
                + "oper_status=1i,admin_status=2i,description=\"to core\" " + T);
        assertThat(b.points().get(1).hints()).isZero();
    }

    @Test
    void withoutHcCountersThe32BitOnesAreUsedAndThePointSaysSo() {
        Map<Column, Variable> row = hcRow("Gi1/0/2");
        row.keySet().removeIf(c -> c.name().startsWith("IF_HC_"));
        row.remove(Column.IF_HIGH_SPEED);
        row.put(Column.IF_SPEED, new Gauge32(1_000_000_000L));
        PointMaker.Built b = build(new Table().row(2, row));
        Point p = iface(b, "Gi1/0/2");
        assertThat(p.hasHint(Point.HINT_COUNTER32)).isTrue();
        assertThat(p.field("in_octets")).isEqualTo(1_234L);
        assertThat(p.field("out_octets")).isEqualTo(5_678L);
        assertThat(p.field("in_ucast_pkts")).isEqualTo(11L);
        assertThat(p.field("in_pkts")).as("no total: a sum of wrapping counters cannot be unwrapped").isNull();
        assertThat(p.field("speed_bps")).as("ifSpeed when there is no ifHighSpeed").isEqualTo(1_000_000_000L);
        assertThat(b.warnings()).contains(Warning.COUNTER32_ONLY);
        assertThat(b.points().get(0).hasHint(Point.HINT_COUNTER32)).as("the device point has no counters").isFalse();
    }

    @Test
    void countersAtOrAbove2Pow63AreDroppedAndCountedNeverNegative() {
        Map<Column, Variable> row = hcRow("Gi1/0/3");
        row.put(Column.IF_HC_IN_OCTETS, new Counter64(TWO_POW_63_PLUS_5));
        row.put(Column.IF_HC_OUT_MULTICAST_PKTS, new Counter64(TWO_POW_63_PLUS_5));
        row.put(Column.IF_HC_IN_UCAST_PKTS, new Counter64(Long.MAX_VALUE)); // fits, but the in_pkts sum does not
        PointMaker.Built b = build(new Table().row(3, row));
        Point p = iface(b, "Gi1/0/3");
        assertThat(p.field("in_octets")).isNull();
        assertThat(p.field("out_pkts")).isNull();
        assertThat(p.field("in_pkts")).isNull();
        assertThat(p.field("in_ucast_pkts")).isEqualTo(Long.MAX_VALUE);
        assertThat(p.field("out_octets")).isEqualTo(79_123_456_789_012L);
        assertThat(b.overflows()).isEqualTo(3);
        assertThat(b.warnings()).contains(Warning.UINT64_OVERFLOW);
        for (Point q : b.points()) {
            for (Map.Entry<String, Object> f : q.fields().entrySet()) {
                if (f.getValue() instanceof Long l) {
                    assertThat(l).as(f.getKey()).isNotNegative();
                }
            }
        }
    }

    @Test
    void namesFallBackFromIfNameToIfDescrToTheIndex() {
        Map<Column, Variable> noName = hcRow("x");
        noName.remove(Column.IF_NAME);
        Map<Column, Variable> emptyName = hcRow("");
        Map<Column, Variable> nothing = hcRow("y");
        nothing.remove(Column.IF_NAME);
        nothing.remove(Column.IF_DESCR);
        PointMaker.Built b = build(new Table().row(4, noName).row(5, emptyName).row(6, nothing));
        assertThat(b.points()).extracting(p -> p.tag("interface")).containsExactly(null, "descr x", "descr ", "6");
        assertThat(b.warnings()).contains(Warning.NO_IFNAME);
    }

    @Test
    void nonAsciiNamesAreUtf8OrLatin1OrHex() {
        Map<Column, Variable> utf8 = hcRow("");
        utf8.put(Column.IF_NAME, new OctetString("上联 Gi1/0/7 – ünïcode".getBytes(StandardCharsets.UTF_8)));
        Map<Column, Variable> latin1 = hcRow("");
        latin1.put(Column.IF_NAME, new OctetString("Port é".getBytes(StandardCharsets.ISO_8859_1)));
        Map<Column, Variable> padded = hcRow("");
        padded.put(Column.IF_NAME, new OctetString(new byte[]{'e', 't', 'h', '0', 0, 0}));
        Map<Column, Variable> junk = hcRow("");
        junk.put(Column.IF_NAME, new OctetString(new byte[]{0x01, (byte) 0xff, 0x7f}));
        PointMaker.Built b = build(new Table().row(7, utf8).row(8, latin1).row(9, padded).row(10, junk));
        assertThat(b.points()).extracting(p -> p.tag("interface"))
                .containsExactly(null, "上联 Gi1/0/7 – ünïcode", "Port é", "eth0", "01:ff:7f");
        assertThat(b.warnings()).contains(Warning.UNDECODABLE_NAME).doesNotContain(Warning.NO_IFNAME);
    }

    @Test
    void aRestartedAgentMarksEveryPointOfThePoll() {
        PointMaker.Built b = PointMaker.build(new Table().row(1, hcRow("a")).row(2, hcRow("b")).data(), "sw1", "192.0.2.1",
                SnmpTarget.InterfaceFilter.ALL, true);
        assertThat(b.points()).hasSize(3).allMatch(p -> p.hasHint(Point.HINT_RESET));
    }

    @Test
    void holesInTheTableLeaveFieldsOutAndAreNoticed() {
        Map<Column, Variable> holey = hcRow("b");
        holey.remove(Column.IF_HC_OUT_OCTETS);
        holey.remove(Column.IF_ALIAS);
        PointMaker.Built b = build(new Table().row(1, hcRow("a")).row(2, holey));
        Point p = iface(b, "b");
        assertThat(p.field("out_octets")).isNull();
        assertThat(p.field("in_octets")).isEqualTo(83_412_345_678_901L);
        assertThat(p.field("description")).isNull();
        assertThat(b.warnings()).containsExactly(Warning.TABLE_HOLES);
    }

    @Test
    void repeatedNamesGetTheirIndexAndTheFilterAppliesToTheFinalName() {
        SnmpTarget.InterfaceFilter filter = new SnmpTarget.InterfaceFilter(Pattern.compile("Gi.*|Vlan.*"), Pattern.compile("Gi1/0/9.*"));
        PointMaker.Built b = PointMaker.build(new Table().row(1, hcRow("Gi1/0/1")).row(2, hcRow("Gi1/0/1"))
                        .row(3, hcRow("Gi1/0/9")).row(4, hcRow("NULL0")).row(5, hcRow("Vlan10")).data(),
                "sw1", "192.0.2.1", filter, false);
        assertThat(b.points()).extracting(p -> p.tag("interface")).containsExactly(null, "Gi1/0/1#1", "Gi1/0/1#2", "Vlan10");
        assertThat(b.interfaces()).isEqualTo(3);
        assertThat(b.warnings()).contains(Warning.DUPLICATE_NAME);
    }

    @Test
    void aSharedNameIsStableWhenAnotherPortOfThatNameComesOrGoes() {
        // a DSLAM: many ports under few names; adding port 1 must not rename port 2's or port 3's series
        PointMaker.Built before = PointMaker.build(new Table().row(2, hcRow("adsl")).row(3, hcRow("adsl")).data(),
                "dslam", "192.0.2.9", SnmpTarget.InterfaceFilter.ALL, false);
        PointMaker.Built after = PointMaker.build(new Table().row(1, hcRow("adsl")).row(2, hcRow("adsl"))
                .row(3, hcRow("adsl")).data(), "dslam", "192.0.2.9", SnmpTarget.InterfaceFilter.ALL, false);
        assertThat(before.points()).extracting(p -> p.tag("interface")).containsExactly(null, "adsl#2", "adsl#3");
        assertThat(after.points()).extracting(p -> p.tag("interface")).containsExactly(null, "adsl#1", "adsl#2", "adsl#3");
    }

    @Test
    void emptyAliasMeansNoDescriptionAndMissingUptimeMeansNoUptime() {
        Map<Column, Variable> row = hcRow("a");
        row.put(Column.IF_ALIAS, new OctetString(""));
        Table t = new Table().row(1, row);
        PollData d = new PollData(T, -1, null, t.rows, Set.of(Warning.NO_SYSUPTIME));
        PointMaker.Built b = PointMaker.build(d, "sw1", "2001:db8::1", SnmpTarget.InterfaceFilter.ALL, false);
        assertThat(b.points().get(0)).hasToString("device,device=sw1,source=snmp device_ip=\"2001:db8::1\" " + T);
        assertThat(iface(b, "a").field("description")).isNull();
        assertThat(b.warnings()).containsExactly(Warning.NO_SYSUPTIME);
    }

    @Test
    void speedIsIfHighSpeedInMbitElseIfSpeed() {
        Map<Column, Variable> zeroHigh = hcRow("a");
        zeroHigh.put(Column.IF_HIGH_SPEED, new Gauge32(0));
        zeroHigh.put(Column.IF_SPEED, new Gauge32(64_000)); // a 64 kbit/s serial line: below 1 Mbit/s
        Map<Column, Variable> neither = hcRow("b");
        neither.remove(Column.IF_HIGH_SPEED);
        neither.remove(Column.IF_SPEED);
        PointMaker.Built b = build(new Table().row(1, zeroHigh).row(2, neither));
        assertThat(iface(b, "a").field("speed_bps")).isEqualTo(64_000L);
        assertThat(iface(b, "b").field("speed_bps")).isNull();
        assertThat(iface(b, "b").fields()).doesNotContainKey("speed_bps");
        assertThat(List.of(b.points().size())).containsExactly(3);
    }
}
