package io.teleflux.snmp;

import org.snmp4j.smi.OID;

/** The OIDs Teleflux reads, numeric because no MIB files are installed or needed. */
final class IfMib {
    static final OID SYS_UPTIME = new OID("1.3.6.1.2.1.1.3.0");
    static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");

    private static final String IF_ENTRY = "1.3.6.1.2.1.2.2.1.";
    private static final String IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1.";

    private IfMib() {
    }

    /** Table columns walked per poll: ifTable (32-bit counters, state) and ifXTable (64-bit counters, names). */
    enum Column {
        IF_DESCR(IF_ENTRY + 2),
        IF_SPEED(IF_ENTRY + 5),
        IF_ADMIN_STATUS(IF_ENTRY + 7),
        IF_OPER_STATUS(IF_ENTRY + 8),
        IF_IN_OCTETS(IF_ENTRY + 10),
        IF_IN_UCAST_PKTS(IF_ENTRY + 11),
        IF_IN_DISCARDS(IF_ENTRY + 13),
        IF_IN_ERRORS(IF_ENTRY + 14),
        IF_OUT_OCTETS(IF_ENTRY + 16),
        IF_OUT_UCAST_PKTS(IF_ENTRY + 17),
        IF_OUT_DISCARDS(IF_ENTRY + 19),
        IF_OUT_ERRORS(IF_ENTRY + 20),
        IF_NAME(IFX_ENTRY + 1),
        IF_HC_IN_OCTETS(IFX_ENTRY + 6),
        IF_HC_IN_UCAST_PKTS(IFX_ENTRY + 7),
        IF_HC_IN_MULTICAST_PKTS(IFX_ENTRY + 8),
        IF_HC_IN_BROADCAST_PKTS(IFX_ENTRY + 9),
        IF_HC_OUT_OCTETS(IFX_ENTRY + 10),
        IF_HC_OUT_UCAST_PKTS(IFX_ENTRY + 11),
        IF_HC_OUT_MULTICAST_PKTS(IFX_ENTRY + 12),
        IF_HC_OUT_BROADCAST_PKTS(IFX_ENTRY + 13),
        IF_HIGH_SPEED(IFX_ENTRY + 15),
        IF_ALIAS(IFX_ENTRY + 18);

        final OID oid;

        Column(String oid) {
            this.oid = new OID(oid);
        }
    }
}
