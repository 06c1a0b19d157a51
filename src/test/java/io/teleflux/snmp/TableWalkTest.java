package io.teleflux.snmp;

import io.teleflux.snmp.IfMib.Column;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The GETBULK column walk on hand-built answers, as agents give them (holes, cut-short answers, end of MIB). */
class TableWalkTest {
    static final List<Column> TWO = List.of(Column.IF_NAME, Column.IF_HC_IN_OCTETS);

    static VariableBinding vb(Column c, int index, Variable v) {
        return new VariableBinding(new OID(c.oid).append(index), v);
    }

    static VariableBinding vb(String oid, Variable v) {
        return new VariableBinding(new OID(oid), v);
    }

    @Test
    void walksTwoColumnsSideBySideUntilBothLeaveTheirSubtree() {
        TableWalk w = new TableWalk(TWO, 1000);
        assertThat(w.nextRequest()).extracting(VariableBinding::getOid).containsExactly(Column.IF_NAME.oid, Column.IF_HC_IN_OCTETS.oid);
        // max-repetitions 3: name1, in1, name2, in2, then ifName runs into ifInMulticastPkts.1 (the next column)
        assertThat(w.accept(List.of(
                vb(Column.IF_NAME, 1, new OctetString("Gi1")), vb(Column.IF_HC_IN_OCTETS, 1, new Counter64(100)),
                vb(Column.IF_NAME, 2, new OctetString("Gi2")), vb(Column.IF_HC_IN_OCTETS, 2, new Counter64(200)),
                vb("1.3.6.1.2.1.31.1.1.1.2.1", new Counter64(5)), vb(Column.IF_HC_IN_OCTETS, 3, new Counter64(300))))).isTrue();
        assertThat(w.done()).isFalse();
        assertThat(w.nextRequest()).extracting(VariableBinding::getOid)
                .as("only the unfinished column, from where it stopped").containsExactly(new OID(Column.IF_HC_IN_OCTETS.oid).append(3));
        assertThat(w.accept(List.of(vb("1.3.6.1.2.1.31.1.1.1.7.1", new Counter64(1))))).isTrue();
        assertThat(w.done()).isTrue();
        assertThat(w.rows()).hasSize(3);
        assertThat(w.rows().get(new OID("1")).get(Column.IF_NAME)).hasToString("Gi1");
        assertThat(w.rows().get(new OID("3"))).containsOnlyKeys(Column.IF_HC_IN_OCTETS);
        assertThat(w.outOfOrder()).isFalse();
    }

    @Test
    void holesAreRowsMissingInOneColumnAndCostNothing() {
        TableWalk w = new TableWalk(TWO, 1000);
        w.nextRequest();
        // ifName has rows 1 and 5; the counter has 1, 2 and 5
        w.accept(List.of(
                vb(Column.IF_NAME, 1, new OctetString("a")), vb(Column.IF_HC_IN_OCTETS, 1, new Counter64(1)),
                vb(Column.IF_NAME, 5, new OctetString("e")), vb(Column.IF_HC_IN_OCTETS, 2, new Counter64(2)),
                vb(Column.IF_HC_IN_OCTETS, 1, new Counter64(9)), vb(Column.IF_HC_IN_OCTETS, 5, new Counter64(5))));
        w.nextRequest();
        w.accept(List.of(vb(Column.IF_HC_IN_OCTETS, 1, Null.endOfMibView)));
        assertThat(w.done()).isTrue();
        assertThat(w.rows().keySet()).extracting(OID::toString).containsExactly("1", "2", "5");
        assertThat(w.rows().get(new OID("2"))).containsOnlyKeys(Column.IF_HC_IN_OCTETS);
        assertThat(w.rows().get(new OID("5")).get(Column.IF_NAME)).hasToString("e");
    }

    @Test
    void endOfMibViewFinishesAColumn() {
        TableWalk w = new TableWalk(TWO, 1000);
        w.nextRequest();
        w.accept(List.of(vb(Column.IF_NAME, 1, new OctetString("a")), vb(Column.IF_HC_IN_OCTETS, 1, new Counter64(1)),
                vb(Column.IF_NAME, 1, Null.endOfMibView), vb(Column.IF_HC_IN_OCTETS, 1, Null.endOfMibView)));
        assertThat(w.done()).isTrue();
        assertThat(w.rows()).hasSize(1);
    }

    @Test
    void anAnswerCutShortKeepsTheColumnsApart() {
        List<Column> three = List.of(Column.IF_DESCR, Column.IF_SPEED, Column.IF_NAME);
        TableWalk w = new TableWalk(three, 1000);
        w.nextRequest();
        // 5 varbinds for 3 columns: row 1 complete, row 2 only descr and speed
        w.accept(List.of(vb(Column.IF_DESCR, 1, new OctetString("d1")), vb(Column.IF_SPEED, 1, new Gauge32(1)),
                vb(Column.IF_NAME, 1, new OctetString("n1")), vb(Column.IF_DESCR, 2, new OctetString("d2")),
                vb(Column.IF_SPEED, 2, new Gauge32(2))));
        List<OID> next = w.nextRequest().stream().map(VariableBinding::getOid).toList();
        assertThat(next).containsExactly(new OID(Column.IF_DESCR.oid).append(2), new OID(Column.IF_SPEED.oid).append(2),
                new OID(Column.IF_NAME.oid).append(1));
        w.accept(List.of(vb("1.3.6.1.2.1.2.2.1.3.1", new Integer32(6)), vb("1.3.6.1.2.1.2.2.1.6.1", new OctetString("x")),
                vb(Column.IF_NAME, 2, new OctetString("n2")), vb("1.3.6.1.2.1.2.2.1.3.2", new Integer32(6)),
                vb("1.3.6.1.2.1.2.2.1.6.2", new OctetString("x")), vb("1.3.6.1.2.1.31.1.1.1.2.1", new Counter64(0))));
        assertThat(w.done()).isTrue();
        assertThat(w.rows().get(new OID("2"))).containsOnlyKeys(Column.IF_DESCR, Column.IF_SPEED, Column.IF_NAME);
    }

    @Test
    void anOidThatDoesNotIncreaseStopsTheColumnInsteadOfLooping() {
        TableWalk w = new TableWalk(List.of(Column.IF_NAME), 1000);
        w.nextRequest();
        w.accept(List.of(vb(Column.IF_NAME, 2, new OctetString("b"))));
        w.nextRequest();
        w.accept(List.of(vb(Column.IF_NAME, 1, new OctetString("a"))));
        assertThat(w.done()).isTrue();
        assertThat(w.outOfOrder()).isTrue();
        assertThat(w.rows()).hasSize(1);
    }

    @Test
    void anEmptyAnswerIsNoProgress() {
        TableWalk w = new TableWalk(TWO, 1000);
        w.nextRequest();
        assertThat(w.accept(List.of())).isFalse();
        assertThat(w.done()).isFalse();
    }

    @Test
    void aTableLargerThanTheLimitIsReported() {
        TableWalk w = new TableWalk(List.of(Column.IF_NAME), 3);
        w.nextRequest();
        List<VariableBinding> vbs = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            vbs.add(vb(Column.IF_NAME, i, new OctetString("p" + i)));
        }
        w.accept(vbs);
        assertThat(w.tooLarge()).isTrue();
    }
}
