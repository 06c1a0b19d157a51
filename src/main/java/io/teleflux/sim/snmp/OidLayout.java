package io.teleflux.sim.snmp;

import org.snmp4j.smi.OID;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Every instance OID one device serves, sorted once in SNMP's lexicographic order, so that GET is
 * a binary search and GETNEXT is "the row after". Devices with the same ifIndex list share one
 * layout; only the values differ between devices, and those are computed per request.
 *
 * <p>Sub-identifiers compare as unsigned 32-bit numbers, and a prefix sorts before its
 * extensions, as RFC 3416 orders OIDs.
 */
final class OidLayout {
    private final int[][] oids;
    private final OID[] snmpOids;
    private final MibObject[] objects;
    private final int[] positions;
    private final int[] ifIndexes;
    /** Object OIDs sorted, to tell noSuchObject from noSuchInstance. */
    private final MibObject[] objectsByOid;

    private record Row(int[] oid, MibObject object, int position) {
    }

    /** @param ifIndexes the ifIndex of the interface at each position, all distinct and positive */
    OidLayout(int[] ifIndexes) {
        this.ifIndexes = ifIndexes.clone();
        long distinct = Arrays.stream(ifIndexes).distinct().count();
        if (distinct != ifIndexes.length || Arrays.stream(ifIndexes).anyMatch(i -> i <= 0)) {
            throw new IllegalArgumentException("ifIndexes must be distinct and positive: " + Arrays.toString(ifIndexes));
        }
        List<Row> rows = new ArrayList<>();
        for (MibObject o : MibObject.values()) {
            if (o.scalar) {
                rows.add(new Row(o.instance(0), o, -1));
            } else {
                for (int p = 0; p < ifIndexes.length; p++) {
                    rows.add(new Row(o.instance(ifIndexes[p]), o, p));
                }
            }
        }
        rows.sort(Comparator.comparing(Row::oid, OidLayout::compare));
        int n = rows.size();
        oids = new int[n][];
        snmpOids = new OID[n];
        objects = new MibObject[n];
        positions = new int[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            oids[i] = r.oid();
            snmpOids[i] = new OID(r.oid());
            objects[i] = r.object();
            positions[i] = r.position();
        }
        objectsByOid = MibObject.values().clone();
        Arrays.sort(objectsByOid, Comparator.comparing(MibObject::oid, OidLayout::compare));
    }

    int size() {
        return oids.length;
    }

    int interfaces() {
        return ifIndexes.length;
    }

    int ifIndex(int position) {
        return ifIndexes[position];
    }

    /** The row's OID, shared by every response; never modified. */
    OID oid(int row) {
        return snmpOids[row];
    }

    int[] rawOid(int row) {
        return oids[row];
    }

    MibObject object(int row) {
        return objects[row];
    }

    /** The interface position the row belongs to, or -1 for a scalar. */
    int position(int row) {
        return positions[row];
    }

    /** The row whose OID equals {@code oid}, or -1. */
    int find(int[] oid) {
        int i = lowerBound(oid);
        return i < oids.length && compare(oids[i], oid) == 0 ? i : -1;
    }

    /** The first row whose OID is greater than {@code oid}; {@link #size()} past the end of the view. */
    int next(int[] oid) {
        int i = lowerBound(oid);
        return i < oids.length && compare(oids[i], oid) == 0 ? i + 1 : i;
    }

    /**
     * Whether {@code oid} names an instance of an object this layout serves (which then does not
     * exist: noSuchInstance) rather than an unknown object (noSuchObject). Only meaningful when
     * {@link #find} did not match.
     */
    boolean isInstanceOfKnownObject(int[] oid) {
        for (MibObject o : objectsByOid) {
            int[] prefix = o.oid();
            if (oid.length > prefix.length && Arrays.equals(oid, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }

    private int lowerBound(int[] oid) {
        int lo = 0;
        int hi = oids.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(oids[mid], oid) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** SNMP OID order: sub-identifiers as unsigned 32-bit values, a prefix before its extensions. */
    static int compare(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return Integer.compareUnsigned(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
