package io.teleflux.sim.snmp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every served object against its descriptor and number as RFC 3418 and RFC 2863 define them,
 * typed here from the RFCs' SEQUENCE definitions rather than derived from the code.
 */
class MibObjectTest {
    static final String SYSTEM = "1.3.6.1.2.1.1.";
    static final String IF_ENTRY = "1.3.6.1.2.1.2.2.1.";
    static final String IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1.";

    static Map<String, String> rfc() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sysDescr", SYSTEM + 1);
        m.put("sysObjectID", SYSTEM + 2);
        m.put("sysUpTime", SYSTEM + 3);
        m.put("sysName", SYSTEM + 5);
        m.put("ifNumber", "1.3.6.1.2.1.2.1");
        String[] ifEntry = {"ifIndex", "ifDescr", "ifType", "ifMtu", "ifSpeed", "ifPhysAddress", "ifAdminStatus",
            "ifOperStatus", "ifLastChange", "ifInOctets", "ifInUcastPkts", "ifInNUcastPkts", "ifInDiscards",
            "ifInErrors", "ifInUnknownProtos", "ifOutOctets", "ifOutUcastPkts", "ifOutNUcastPkts", "ifOutDiscards",
            "ifOutErrors", "ifOutQLen", "ifSpecific"};
        for (int c = 0; c < ifEntry.length; c++) {
            m.put(ifEntry[c], IF_ENTRY + (c + 1));
        }
        String[] ifXEntry = {"ifName", "ifInMulticastPkts", "ifInBroadcastPkts", "ifOutMulticastPkts",
            "ifOutBroadcastPkts", "ifHCInOctets", "ifHCInUcastPkts", "ifHCInMulticastPkts", "ifHCInBroadcastPkts",
            "ifHCOutOctets", "ifHCOutUcastPkts", "ifHCOutMulticastPkts", "ifHCOutBroadcastPkts",
            "ifLinkUpDownTrapEnable", "ifHighSpeed", "ifPromiscuousMode", "ifConnectorPresent", "ifAlias",
            "ifCounterDiscontinuityTime"};
        for (int c = 0; c < ifXEntry.length; c++) {
            m.put(ifXEntry[c], IFX_ENTRY + (c + 1));
        }
        return m;
    }

    /** {@code IF_HC_IN_OCTETS} → {@code ifHCInOctets}; the RFC descriptors' own capitalisation. */
    static String descriptor(MibObject o) {
        String camel = Arrays.stream(o.name().split("_"))
                .map(w -> w.equals("HC") || w.equals("ID") ? w : w.charAt(0) + w.substring(1).toLowerCase())
                .collect(Collectors.joining());
        return Character.toLowerCase(camel.charAt(0)) + camel.substring(1);
    }

    @Test
    void everyObjectHasItsRfcNumber() {
        Map<String, String> rfc = rfc();
        for (MibObject o : MibObject.values()) {
            String name = descriptor(o);
            assertThat(rfc).as("%s is an RFC 3418/2863 descriptor", name).containsKey(name);
            String oid = Arrays.stream(o.oid()).mapToObj(Integer::toString).collect(Collectors.joining("."));
            assertThat(oid).as(name).isEqualTo(rfc.get(name));
        }
        assertThat(MibObject.values()).hasSize(36);
    }

    @Test
    void scalarsHaveInstanceZeroAndColumnsTheIfIndex() {
        assertThat(MibObject.SYS_UP_TIME.instance(7)).endsWith(3, 0);
        assertThat(MibObject.IF_HC_IN_OCTETS.instance(7)).endsWith(6, 7);
    }
}
