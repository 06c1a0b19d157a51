package io.teleflux.sim.snmp;

/**
 * The objects a simulated device serves, with their numeric OIDs (the object, without instance).
 *
 * <p>Checked column by column against the SEQUENCE definitions of RFC 3418 (system group) and
 * RFC 2863 (ifEntry, ifXEntry): a wrong column number would not fail anything loudly, it would put
 * one counter's values under another's name.
 */
enum MibObject {
    // SNMPv2-MIB system group: 1.3.6.1.2.1.1
    SYS_DESCR(true, 1, 3, 6, 1, 2, 1, 1, 1),
    SYS_OBJECT_ID(true, 1, 3, 6, 1, 2, 1, 1, 2),
    SYS_UP_TIME(true, 1, 3, 6, 1, 2, 1, 1, 3),
    SYS_NAME(true, 1, 3, 6, 1, 2, 1, 1, 5),
    // IF-MIB interfaces group: ifNumber, then ifEntry = 1.3.6.1.2.1.2.2.1.<column>
    IF_NUMBER(true, 1, 3, 6, 1, 2, 1, 2, 1),
    IF_INDEX(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 1),
    IF_DESCR(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 2),
    IF_TYPE(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 3),
    IF_MTU(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 4),
    IF_SPEED(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 5),
    IF_PHYS_ADDRESS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 6),
    IF_ADMIN_STATUS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 7),
    IF_OPER_STATUS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 8),
    IF_IN_OCTETS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 10),
    IF_IN_UCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 11),
    IF_IN_DISCARDS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 13),
    IF_IN_ERRORS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 14),
    IF_OUT_OCTETS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 16),
    IF_OUT_UCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 17),
    IF_OUT_DISCARDS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 19),
    IF_OUT_ERRORS(false, 1, 3, 6, 1, 2, 1, 2, 2, 1, 20),
    // IF-MIB ifXEntry = 1.3.6.1.2.1.31.1.1.1.<column>
    IF_NAME(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1),
    IF_IN_MULTICAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 2),
    IF_IN_BROADCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 3),
    IF_OUT_MULTICAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 4),
    IF_OUT_BROADCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 5),
    IF_HC_IN_OCTETS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6),
    IF_HC_IN_UCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 7),
    IF_HC_IN_MULTICAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 8),
    IF_HC_IN_BROADCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 9),
    IF_HC_OUT_OCTETS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10),
    IF_HC_OUT_UCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 11),
    IF_HC_OUT_MULTICAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 12),
    IF_HC_OUT_BROADCAST_PKTS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 13),
    IF_HIGH_SPEED(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15),
    IF_ALIAS(false, 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18);

    /** A scalar has the single instance {@code .0}; a column has one instance per ifIndex. */
    final boolean scalar;
    private final int[] oid;

    MibObject(boolean scalar, int... oid) {
        this.scalar = scalar;
        this.oid = oid;
    }

    /** The object's OID; callers must not modify it. */
    int[] oid() {
        return oid;
    }

    /** The OID of one instance: {@code .0} for a scalar, {@code .ifIndex} for a column. */
    int[] instance(int ifIndex) {
        int[] o = java.util.Arrays.copyOf(oid, oid.length + 1);
        o[oid.length] = scalar ? 0 : ifIndex;
        return o;
    }
}
