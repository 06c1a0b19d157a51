package io.teleflux.sim.snmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two views of one truth: what the dial-out simulator puts in its H3C JSON for instant t and
 * what the SNMP agent answers for t are the same numbers, interface by interface. The JSON is parsed
 * as a collector would, not taken from the model, so a mapping slip on either side shows here.
 */
class TelemetryAgreementTest {
    static final long T = 1_764_201_600_500L;
    static final String IFX = "1.3.6.1.2.1.31.1.1.1.";
    static final String IF = "1.3.6.1.2.1.2.2.1.";

    private final ObjectMapper json = new ObjectMapper();

    /** The agent's whole view of {@code device} at {@code t}, by OID. */
    static Map<String, Variable> walk(CounterModel model, int device, long t) {
        int[] ifIndexes = model.interfaces(device).stream().mapToInt(i -> i.ifIndex()).toArray();
        OidLayout layout = new OidLayout(ifIndexes);
        MibResponder.Scratch s = new MibResponder.Scratch(new DeviceInstant(model, new DeviceInstant.Texts()));
        s.view.reset(device, t);
        PDU req = new PDU();
        req.setType(PDU.GETBULK);
        req.setRequestID(new Integer32(1));
        req.setMaxRepetitions(MibResponder.MAX_VARBINDS);
        req.add(new VariableBinding(new OID("1.3.6.1.2.1")));
        PDU r = new PDU();
        MibResponder.respond(req, layout, s, r, Integer.MAX_VALUE);
        Map<String, Variable> out = new HashMap<>();
        for (VariableBinding vb : r.getVariableBindings()) {
            if (vb.isException()) {
                continue; // the final endOfMibView repeats the last OID
            }
            // slots are reused: keep a copy
            out.put(vb.getOid().toDottedString(), (Variable) vb.getVariable().clone());
        }
        return out;
    }

    static long num(Variable v) {
        return v instanceof UnsignedInteger32 u ? u.getValue() : v.toLong();
    }

    @Test
    void snmpAndDialoutCarryTheSameCountersAtTheSameInstant() throws Exception {
        CounterModel model = new CounterModel(20261127, 52, "sim-");
        H3cJsonWriter writer = new H3cJsonWriter(model);
        int checked = 0;
        for (int device : new int[] {0, 7, 31}) {
            Map<String, Variable> snmp = walk(model, device, T);
            JsonNode stats = json.readTree(writer.json(SensorPath.IFMGR_STATISTICS, device, T))
                    .at("/Notification/Ifmgr/Statistics/Interface");
            JsonNode ifaces = json.readTree(writer.json(SensorPath.IFMGR_INTERFACES, device, T))
                    .at("/Notification/Ifmgr/Interfaces/Interface");
            JsonNode base = json.readTree(writer.json(SensorPath.DEVICE_BASE, device, T)).at("/Notification/Device/Base");
            assertThat(snmp.get("1.3.6.1.2.1.1.5.0")).isEqualTo(new OctetString(base.get("HostName").asText()));
            assertThat(num(snmp.get("1.3.6.1.2.1.1.3.0")) / 100).isEqualTo(base.get("Uptime").asLong());
            assertThat(stats.size()).isEqualTo(52);
            for (int k = 0; k < stats.size(); k++) {
                JsonNode s = stats.get(k);
                JsonNode i = ifaces.get(k);
                String ix = "." + s.get("IfIndex").asText();
                assertThat(snmp.get(IFX + "1" + ix)).as("ifName").isEqualTo(new OctetString(s.get("Name").asText()));
                assertThat(num(snmp.get(IFX + "6" + ix))).as("ifHCInOctets").isEqualTo(s.get("InOctets").asLong());
                assertThat(num(snmp.get(IFX + "10" + ix))).as("ifHCOutOctets").isEqualTo(s.get("OutOctets").asLong());
                assertThat(num(snmp.get(IFX + "7" + ix))).isEqualTo(s.get("InUcastPkts").asLong());
                assertThat(num(snmp.get(IFX + "11" + ix))).isEqualTo(s.get("OutUcastPkts").asLong());
                assertThat(num(snmp.get(IFX + "8" + ix)) + num(snmp.get(IFX + "9" + ix)))
                        .as("HC multicast + broadcast").isEqualTo(s.get("InNUcastPkts").asLong());
                assertThat(num(snmp.get(IFX + "12" + ix)) + num(snmp.get(IFX + "13" + ix)))
                        .isEqualTo(s.get("OutNUcastPkts").asLong());
                assertThat(num(snmp.get(IFX + "7" + ix)) + num(snmp.get(IFX + "8" + ix)) + num(snmp.get(IFX + "9" + ix)))
                        .as("design: SNMP in_pkts = HC unicast + multicast + broadcast").isEqualTo(s.get("InPkts").asLong());
                assertThat(num(snmp.get(IF + "10" + ix))).isEqualTo(s.get("InOctets").asLong() & 0xFFFF_FFFFL);
                assertThat(num(snmp.get(IF + "16" + ix))).isEqualTo(s.get("OutOctets").asLong() & 0xFFFF_FFFFL);
                assertThat(num(snmp.get(IF + "13" + ix))).isEqualTo(s.get("InDiscards").asLong() & 0xFFFF_FFFFL);
                assertThat(num(snmp.get(IF + "19" + ix))).isEqualTo(s.get("OutDiscards").asLong() & 0xFFFF_FFFFL);
                assertThat(num(snmp.get(IF + "14" + ix))).isEqualTo(s.get("InErrors").asLong() & 0xFFFF_FFFFL);
                assertThat(num(snmp.get(IF + "20" + ix))).isEqualTo(s.get("OutErrors").asLong() & 0xFFFF_FFFFL);

                assertThat(i.get("IfIndex").asInt()).isEqualTo(s.get("IfIndex").asInt());
                assertThat(snmp.get(IFX + "18" + ix)).as("ifAlias").isEqualTo(new OctetString(i.get("Description").asText()));
                assertThat(num(snmp.get(IFX + "15" + ix)) * 1_000_000).as("ifHighSpeed")
                        .isEqualTo(i.get("ActualSpeed").asLong() * 1000);
                assertThat(num(snmp.get(IF + "7" + ix))).isEqualTo(i.get("AdminStatus").asLong());
                assertThat(num(snmp.get(IF + "8" + ix))).isEqualTo(i.get("OperStatus").asLong());
                assertThat(num(snmp.get(IF + "4" + ix))).isEqualTo(i.get("ActualMTU").asLong());
                assertThat(((OctetString) snmp.get(IF + "6" + ix)).toHexString('-').toUpperCase())
                        .isEqualTo(i.get("MAC").asText());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(3 * 52);
    }
}
