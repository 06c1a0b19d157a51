package io.teleflux.snmp;

import io.teleflux.snmp.IfMib.Column;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Walks several table columns side by side with GETBULK, without any I/O of its own: the caller
 * sends {@link #nextRequest()} and feeds the answer to {@link #accept}.
 *
 * <p>Each column advances on its own, so holes (a row missing in one column) cost nothing: rows are
 * keyed by index, and a column simply skips the indexes it does not have. A column is finished when
 * the agent answers {@code endOfMibView} (or another exception value), an OID outside the column,
 * or an OID that does not increase (a broken agent that would otherwise loop forever). Answers cut
 * short by the agent (fewer repetitions than asked) are fine: varbind {@code i} always belongs to
 * requested column {@code i mod n}.
 */
final class TableWalk {
    private final Column[] columns;
    private final OID[] last;
    private final boolean[] done;
    private final int maxRows;
    private final SortedMap<OID, EnumMap<Column, Variable>> rows = new TreeMap<>();
    private int[] requested = new int[0];
    private boolean outOfOrder;

    TableWalk(List<Column> columns, int maxRows) {
        this.columns = columns.toArray(new Column[0]);
        this.last = new OID[this.columns.length];
        this.done = new boolean[this.columns.length];
        for (int i = 0; i < this.columns.length; i++) {
            last[i] = this.columns[i].oid;
        }
        this.maxRows = maxRows;
    }

    /** The varbinds of the next GETBULK: the last OID seen in each column that is not finished yet. */
    List<VariableBinding> nextRequest() {
        List<VariableBinding> vbs = new ArrayList<>(columns.length);
        int[] req = new int[columns.length];
        int n = 0;
        for (int i = 0; i < columns.length; i++) {
            if (!done[i]) {
                req[n++] = i;
                vbs.add(new VariableBinding(last[i]));
            }
        }
        requested = java.util.Arrays.copyOf(req, n);
        return vbs;
    }

    /**
     * Takes the varbinds answering the request last returned by {@link #nextRequest()}. Returns
     * false when they made no progress at all (nothing new, no column finished): the caller must
     * give up rather than ask the same question again.
     */
    boolean accept(List<? extends VariableBinding> vbs) {
        int n = requested.length;
        if (n == 0) {
            return false;
        }
        boolean progress = false;
        boolean[] stopped = new boolean[n];
        for (int i = 0; i < vbs.size(); i++) {
            int slot = i % n;
            if (stopped[slot]) {
                continue;
            }
            int c = requested[slot];
            VariableBinding vb = vbs.get(i);
            OID oid = vb.getOid();
            Variable v = vb.getVariable();
            OID prefix = columns[c].oid;
            boolean inColumn = oid != null && v != null && !v.isException() && oid.size() > prefix.size()
                    && oid.startsWith(prefix);
            if (inColumn && oid.compareTo(last[c]) <= 0) {
                outOfOrder = true;
                inColumn = false;
            }
            if (!inColumn) {
                done[c] = true;
                stopped[slot] = true;
                progress = true;
                continue;
            }
            OID index = new OID(oid.getValue(), prefix.size(), oid.size() - prefix.size());
            rows.computeIfAbsent(index, k -> new EnumMap<>(Column.class)).put(columns[c], v);
            last[c] = oid;
            progress = true;
        }
        return progress;
    }

    boolean done() {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    /** More rows than any real interface table has: the agent is broken or the walk is not converging. */
    boolean tooLarge() {
        return rows.size() > maxRows;
    }

    /** The agent returned an OID that did not increase; that column was stopped there. */
    boolean outOfOrder() {
        return outOfOrder;
    }

    /**
     * The rows every column has been walked past, in index order: what a walk cut short (by the
     * poll's deadline) knows completely. A finished column bounds nothing; an unfinished one
     * bounds the rows to those at or before the last index it returned.
     */
    SortedMap<OID, EnumMap<Column, Variable>> completeRows() {
        OID bound = null;
        for (int c = 0; c < columns.length; c++) {
            if (done[c]) {
                continue;
            }
            OID prefix = columns[c].oid;
            if (last[c].size() <= prefix.size()) {
                return new TreeMap<>(); // this column has not returned a row yet
            }
            OID index = new OID(last[c].getValue(), prefix.size(), last[c].size() - prefix.size());
            if (bound == null || index.compareTo(bound) < 0) {
                bound = index;
            }
        }
        return bound == null ? rows : rows.headMap(bound.successor());
    }

    /** Rows by index (the OID suffix after the column), in index order. */
    SortedMap<OID, EnumMap<Column, Variable>> rows() {
        return rows;
    }
}
