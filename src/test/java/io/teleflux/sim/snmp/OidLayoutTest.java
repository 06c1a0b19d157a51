package io.teleflux.sim.snmp;

import org.junit.jupiter.api.Test;
import org.snmp4j.smi.OID;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sorted OID layout: SNMP order, GETNEXT across gaps, columns and tables, and the end of the view. */
class OidLayoutTest {
    /** As the model numbers 48 ports: 44 access ports 1-44, then 4 uplinks 49-52 (a gap at 45-48). */
    static final int[] IF_INDEXES = ifIndexes();

    private final OidLayout layout = new OidLayout(IF_INDEXES);

    static int[] ifIndexes() {
        int[] ix = new int[48];
        for (int p = 0; p < 48; p++) {
            ix[p] = p < 44 ? p + 1 : 49 + (p - 44);
        }
        return ix;
    }

    static int[] oid(String dotted) {
        return new OID(dotted).getValue();
    }

    String at(int row) {
        return row == layout.size() ? "END" : layout.oid(row).toDottedString();
    }

    String next(String dotted) {
        return at(layout.next(oid(dotted)));
    }

    @Test
    void rowsAreInStrictSnmpOrderAsSnmp4jOrdersThem() {
        assertThat(layout.size()).isEqualTo(5 + 48 * (MibObject.values().length - 5));
        for (int i = 1; i < layout.size(); i++) {
            // an independent comparator: snmp4j's own OID ordering
            assertThat(layout.oid(i - 1).compareTo(layout.oid(i))).as("row %d < row %d", i - 1, i).isNegative();
            assertThat(OidLayout.compare(layout.rawOid(i - 1), layout.rawOid(i))).isNegative();
        }
        List<String> head = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            head.add(at(i));
        }
        assertThat(head).containsExactly("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0",
                "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.2.1.0", "1.3.6.1.2.1.2.2.1.1.1", "1.3.6.1.2.1.2.2.1.1.2");
        assertThat(at(layout.size() - 1)).isEqualTo("1.3.6.1.2.1.31.1.1.1.18.52");
    }

    @Test
    void rowsKnowTheirObjectAndInterfacePosition() {
        int row = layout.find(oid("1.3.6.1.2.1.31.1.1.1.6.49"));
        assertThat(layout.object(row)).isEqualTo(MibObject.IF_HC_IN_OCTETS);
        assertThat(layout.position(row)).isEqualTo(44);
        int scalar = layout.find(oid("1.3.6.1.2.1.1.3.0"));
        assertThat(layout.object(scalar)).isEqualTo(MibObject.SYS_UP_TIME);
        assertThat(layout.position(scalar)).isEqualTo(-1);
        assertThat(layout.find(oid("1.3.6.1.2.1.1.3"))).isEqualTo(-1);
        assertThat(layout.find(oid("1.3.6.1.2.1.31.1.1.1.6.45"))).isEqualTo(-1);
    }

    @Test
    void getNextCrossesInstanceGapsColumnsTablesAndTheEnd() {
        assertThat(next("0.0")).isEqualTo("1.3.6.1.2.1.1.1.0");
        assertThat(next("1.3.6.1.2.1.1")).isEqualTo("1.3.6.1.2.1.1.1.0");
        assertThat(next("1.3.6.1.2.1.1.3.0")).isEqualTo("1.3.6.1.2.1.1.5.0"); // sysContact is not served
        assertThat(next("1.3.6.1.2.1.1.5.0")).isEqualTo("1.3.6.1.2.1.2.1.0");
        assertThat(next("1.3.6.1.2.1.2.1.0")).isEqualTo("1.3.6.1.2.1.2.2.1.1.1");
        assertThat(next("1.3.6.1.2.1.2.2.1.10.44")).isEqualTo("1.3.6.1.2.1.2.2.1.10.49"); // the gap 45-48
        assertThat(next("1.3.6.1.2.1.2.2.1.10.46.7")).isEqualTo("1.3.6.1.2.1.2.2.1.10.49");
        assertThat(next("1.3.6.1.2.1.2.2.1.1.52")).isEqualTo("1.3.6.1.2.1.2.2.1.2.1");
        assertThat(next("1.3.6.1.2.1.2.2.1.8.52")).isEqualTo("1.3.6.1.2.1.2.2.1.10.1"); // ifLastChange (9) not served
        assertThat(next("1.3.6.1.2.1.2.2.1.10.4294967295")).isEqualTo("1.3.6.1.2.1.2.2.1.11.1"); // unsigned
        assertThat(next("1.3.6.1.2.1.2.2.1.20.52")).isEqualTo("1.3.6.1.2.1.31.1.1.1.1.1"); // ifTable -> ifXTable
        assertThat(next("1.3.6.1.2.1.2.99")).isEqualTo("1.3.6.1.2.1.31.1.1.1.1.1");
        assertThat(next("1.3.6.1.2.1.31")).isEqualTo("1.3.6.1.2.1.31.1.1.1.1.1");
        assertThat(next("1.3.6.1.2.1.31.1.1.1.13.52")).isEqualTo("1.3.6.1.2.1.31.1.1.1.15.1");
        assertThat(next("1.3.6.1.2.1.31.1.1.1.18.51")).isEqualTo("1.3.6.1.2.1.31.1.1.1.18.52");
        assertThat(next("1.3.6.1.2.1.31.1.1.1.18.52")).isEqualTo("END");
        assertThat(next("1.3.6.1.4.1")).isEqualTo("END");
    }

    @Test
    void instancesOfServedObjectsAreToldFromUnknownObjects() {
        assertThat(layout.isInstanceOfKnownObject(oid("1.3.6.1.2.1.31.1.1.1.6.45"))).isTrue();
        assertThat(layout.isInstanceOfKnownObject(oid("1.3.6.1.2.1.1.5.1"))).isTrue();
        assertThat(layout.isInstanceOfKnownObject(oid("1.3.6.1.2.1.31.1.1.1.6"))).isFalse();
        assertThat(layout.isInstanceOfKnownObject(oid("1.3.6.1.2.1.31.1.1.1.14.1"))).isFalse();
        assertThat(layout.isInstanceOfKnownObject(oid("1.3.6.1.2.1.1.4.0"))).isFalse();
    }

    @Test
    void unsignedSubIdentifiersAndPrefixesOrderAsRfc3416Says() {
        assertThat(OidLayout.compare(oid("1.3"), oid("1.3.0"))).isNegative();
        assertThat(OidLayout.compare(oid("1.3.2147483648"), oid("1.3.5"))).isPositive();
        assertThat(OidLayout.compare(oid("1.3.6"), oid("1.3.6"))).isZero();
    }
}
