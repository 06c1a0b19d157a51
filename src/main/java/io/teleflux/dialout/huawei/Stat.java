package io.teleflux.dialout.huawei;

import io.teleflux.point.Schema;

import java.util.HashMap;
import java.util.Map;

/**
 * The interface counters of Huawei's {@code ifStatistics} (older VRP) and {@code mib-statistics}
 * (newer VRP) and the {@code interface} field each one feeds. Leaf names are matched without regard
 * to case, dashes, underscores and module prefixes, so {@code receive-byte}, {@code receive_byte}
 * and {@code receiveByte} are one leaf.
 *
 * <p>{@code in_pkts}/{@code out_pkts} are the data model's unicast + multicast + broadcast sum when
 * all three are known, else the device's own total ({@code receivePacket}/{@code send-packet});
 * {@code in_nucast_pkts} is multicast + broadcast.
 */
enum Stat {
    IN_OCTETS(Schema.IN_OCTETS, "receivebyte"),
    OUT_OCTETS(Schema.OUT_OCTETS, "sendbyte"),
    IN_TOTAL(null, "receivepacket"),
    OUT_TOTAL(null, "sendpacket"),
    IN_UCAST(Schema.IN_UCAST_PKTS, "receiveunicastpacket", "receiveunicast", "rcvunipacket"),
    IN_MCAST("in_multicast_pkts", "receivemulticastpacket", "receivemulticast", "rcvmutipacket", "rcvmultipacket"),
    IN_BCAST("in_broadcast_pkts", "receivebroadcastpacket", "receivebroadcast", "rcvbroadpacket"),
    OUT_UCAST(Schema.OUT_UCAST_PKTS, "sendunicastpacket", "sendunicast", "senduniPacket"),
    OUT_MCAST("out_multicast_pkts", "sendmulticastpacket", "sendmulticast", "sendmutipacket", "sendmultipacket"),
    OUT_BCAST("out_broadcast_pkts", "sendbroadcastpacket", "sendbroadcast", "sendbroadpacket"),
    IN_DISCARDS(Schema.IN_DISCARDS, "rcvdroppacket", "receivedroppacket"),
    IN_ERRORS(Schema.IN_ERRORS, "rcverrorpacket", "receiveerrorpacket"),
    OUT_DISCARDS(Schema.OUT_DISCARDS, "senddroppacket"),
    OUT_ERRORS(Schema.OUT_ERRORS, "senderrorpacket"),
    /** Unit as the name says (bit/s), unconfirmed: stored raw, never used for in_bps. */
    IN_REALTIME_BIT_RATE("in_realtime_bit_rate", "inrealtimebitrate"),
    OUT_REALTIME_BIT_RATE("out_realtime_bit_rate", "outrealtimebitrate");

    static final Stat[] ALL = values();
    private static final Map<String, Stat> BY_NAME = new HashMap<>();

    static {
        for (Stat s : ALL) {
            for (String n : s.names) {
                BY_NAME.put(HuaweiNames.normalized(n), s);
            }
        }
    }

    /** The interface field, or null for a total used only when the split counters are missing. */
    final String field;
    private final String[] names;

    Stat(String field, String... names) {
        this.field = field;
        this.names = names;
    }

    /** The counter a leaf of this name is, or null. */
    static Stat of(String leafName) {
        return BY_NAME.get(HuaweiNames.normalized(leafName));
    }
}
