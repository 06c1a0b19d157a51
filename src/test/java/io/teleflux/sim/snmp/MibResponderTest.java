package io.teleflux.sim.snmp;

import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.VariableBinding;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GET, GETNEXT and GETBULK rules over one device, values checked against the model at the same instant. */
class MibResponderTest {
    static final long T = 1_750_006_400_123L;
    static final int DEVICE = 2;
    static final String HC_IN = "1.3.6.1.2.1.31.1.1.1.6.";
    static final String IF_IN = "1.3.6.1.2.1.2.2.1.10.";

    private final CounterModel model = new CounterModel(11, 48, "sim-");
    private final OidLayout layout = new OidLayout(OidLayoutTest.IF_INDEXES);
    private final MibResponder.Scratch scratch = new MibResponder.Scratch(new DeviceInstant(model, new DeviceInstant.Texts()));

    PDU request(int type, String... oids) {
        PDU p = new PDU();
        p.setType(type);
        p.setRequestID(new Integer32(4711));
        for (String o : oids) {
            p.add(new VariableBinding(new OID(o)));
        }
        return p;
    }

    PDU respond(PDU request, long t, int budget) {
        scratch.view.reset(DEVICE, t);
        PDU response = new PDU();
        int n = MibResponder.respond(request, layout, scratch, response, budget);
        assertThat(n).isEqualTo(response.size());
        assertThat(response.getType()).isEqualTo(PDU.RESPONSE);
        assertThat(response.getRequestID().getValue()).isEqualTo(4711);
        return response;
    }

    PDU respond(PDU request) {
        return respond(request, T, 60_000);
    }

    static String oid(VariableBinding vb) {
        return vb.getOid().toDottedString();
    }

    @Test
    void getAnswersEveryServedObjectFromTheModelAtTheRequestInstant() {
        InterfaceProfile access = model.iface(DEVICE, 0);
        InterfaceProfile uplink = model.iface(DEVICE, 47);
        assertThat(access.ifIndex()).isEqualTo(1);
        assertThat(uplink.ifIndex()).isEqualTo(52);
        FlowCounters in = model.counters(DEVICE, 0, Direction.IN, T);
        FlowCounters out = model.counters(DEVICE, 47, Direction.OUT, T);
        PDU r = respond(request(PDU.GET, "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.1.0",
                HC_IN + "1", IF_IN + "1", "1.3.6.1.2.1.2.2.1.11.1", "1.3.6.1.2.1.31.1.1.1.2.1",
                "1.3.6.1.2.1.31.1.1.1.3.1", "1.3.6.1.2.1.31.1.1.1.10.52", "1.3.6.1.2.1.2.2.1.20.52",
                "1.3.6.1.2.1.31.1.1.1.1.52", "1.3.6.1.2.1.2.2.1.2.52", "1.3.6.1.2.1.31.1.1.1.18.52",
                "1.3.6.1.2.1.2.2.1.5.52", "1.3.6.1.2.1.31.1.1.1.15.52", "1.3.6.1.2.1.2.2.1.5.1",
                "1.3.6.1.2.1.2.2.1.6.1", "1.3.6.1.2.1.2.2.1.1.52", "1.3.6.1.2.1.2.2.1.3.52", "1.3.6.1.2.1.2.2.1.4.52",
                "1.3.6.1.2.1.2.2.1.7.1", "1.3.6.1.2.1.2.2.1.8.1", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.1.0"));
        assertThat(r.getErrorStatus()).isZero();
        List<? extends VariableBinding> v = r.getVariableBindings();
        assertThat(v.get(0).getVariable()).isEqualTo(new OctetString("sim-0003"));
        assertThat(v.get(1).getVariable()).isEqualTo(new TimeTicks((T - model.bootMs(DEVICE, T)) / 10));
        assertThat(v.get(2).getVariable()).isEqualTo(new Integer32(48));
        assertThat(v.get(3).getVariable()).isEqualTo(new Counter64(in.octets()));
        assertThat(in.octets()).as("a 64-bit magnitude, so the 32-bit view has wrapped").isGreaterThan(1L << 32);
        assertThat(v.get(4).getVariable()).isEqualTo(new Counter32(in.octets() % (1L << 32)));
        assertThat(v.get(5).getVariable()).isEqualTo(new Counter32(in.unicast() % (1L << 32)));
        assertThat(v.get(6).getVariable()).isEqualTo(new Counter32(in.multicast() % (1L << 32)));
        assertThat(v.get(7).getVariable()).isEqualTo(new Counter32(in.broadcast() % (1L << 32)));
        assertThat(v.get(8).getVariable()).isEqualTo(new Counter64(out.octets()));
        assertThat(v.get(9).getVariable()).isEqualTo(new Counter32(out.errors() % (1L << 32)));
        assertThat(v.get(10).getVariable()).isEqualTo(new OctetString(uplink.name()));
        assertThat(v.get(11).getVariable()).isEqualTo(new OctetString(uplink.name()));
        assertThat(v.get(12).getVariable()).isEqualTo(new OctetString(uplink.description()));
        assertThat(uplink.speedBps()).isGreaterThan(0xFFFF_FFFFL);
        assertThat(v.get(13).getVariable()).isEqualTo(new Gauge32(0xFFFF_FFFFL));
        assertThat(v.get(14).getVariable()).isEqualTo(new Gauge32(uplink.speedBps() / 1_000_000));
        assertThat(v.get(15).getVariable()).isEqualTo(new Gauge32(Math.min(access.speedBps(), 0xFFFF_FFFFL)));
        assertThat(((OctetString) v.get(16).getVariable()).toHexString('-').toUpperCase()).isEqualTo(access.mac());
        assertThat(v.get(17).getVariable()).isEqualTo(new Integer32(52));
        assertThat(v.get(18).getVariable()).isEqualTo(new Integer32(6));
        assertThat(v.get(19).getVariable()).isEqualTo(new Integer32(uplink.mtu()));
        assertThat(v.get(20).getVariable()).isEqualTo(new Integer32(access.adminStatus()));
        assertThat(v.get(21).getVariable()).isEqualTo(new Integer32(access.operStatus()));
        assertThat(oid(v.get(22))).isEqualTo("1.3.6.1.2.1.1.2.0");
        assertThat(((OID) v.get(22).getVariable()).startsWith(new OID("1.3.6.1.4.1.25506"))).isTrue();
        assertThat(v.get(23).getVariable().toString()).startsWith("H3C Comware").endsWith(model.device(DEVICE).model());
    }

    @Test
    void getTellsMissingInstancesFromUnknownObjectsAndKeepsTheNameAsked() {
        PDU r = respond(request(PDU.GET, HC_IN + "45", "1.3.6.1.2.1.1.4.0", HC_IN + "1.1", "1.3.6.1.2.1.1.5"));
        assertThat(r.getErrorStatus()).isZero();
        assertThat(r.getVariableBindings()).extracting(MibResponderTest::oid)
                .containsExactly(HC_IN + "45", "1.3.6.1.2.1.1.4.0", HC_IN + "1.1", "1.3.6.1.2.1.1.5");
        assertThat(r.getVariableBindings()).extracting(VariableBinding::getVariable)
                .containsExactly(Null.noSuchInstance, Null.noSuchObject, Null.noSuchInstance, Null.noSuchObject);
    }

    @Test
    void getNextWalksOnAndEndsWithEndOfMibView() {
        PDU r = respond(request(PDU.GETNEXT, "1.3.6.1.2.1.1.3.0", IF_IN + "44", "1.3.6.1.2.1.31.1.1.1.18.52"));
        assertThat(r.getVariableBindings()).extracting(MibResponderTest::oid)
                .containsExactly("1.3.6.1.2.1.1.5.0", IF_IN + "49", "1.3.6.1.2.1.31.1.1.1.18.52");
        assertThat(r.get(1).getVariable()).isEqualTo(new Counter32(model.octets(DEVICE, 44, Direction.IN, T) & 0xFFFF_FFFFL));
        assertThat(r.get(2).getVariable()).isEqualTo(Null.endOfMibView);
    }

    @Test
    void getBulkServesNonRepeatersThenRepetitionsAndStopsOnceEveryWalkHasEnded() {
        PDU req = request(PDU.GETBULK, "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.31.1.1.1.18.50");
        req.setNonRepeaters(1);
        req.setMaxRepetitions(10);
        PDU r = respond(req);
        assertThat(r.getVariableBindings()).extracting(MibResponderTest::oid).containsExactly("1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.31.1.1.1.18.51", "1.3.6.1.2.1.31.1.1.1.18.52", "1.3.6.1.2.1.31.1.1.1.18.52");
        assertThat(r.get(3).getVariable()).isEqualTo(Null.endOfMibView);

        // two walks: the one that ends keeps answering endOfMibView while the other goes on
        PDU two = request(PDU.GETBULK, "1.3.6.1.2.1.31.1.1.1.18.51", "1.3.6.1.2.1.31.1.1.1.13.52");
        two.setNonRepeaters(0);
        two.setMaxRepetitions(3);
        PDU r2 = respond(two);
        assertThat(r2.getVariableBindings()).extracting(MibResponderTest::oid).containsExactly(
                "1.3.6.1.2.1.31.1.1.1.18.52", "1.3.6.1.2.1.31.1.1.1.15.1",
                "1.3.6.1.2.1.31.1.1.1.18.52", "1.3.6.1.2.1.31.1.1.1.15.2",
                "1.3.6.1.2.1.31.1.1.1.18.52", "1.3.6.1.2.1.31.1.1.1.15.3");
        assertThat(r2.get(2).getVariable()).isEqualTo(Null.endOfMibView);
        assertThat(r2.get(4).getVariable()).isEqualTo(Null.endOfMibView);

        // non-repeaters larger than the list, negative repetitions: only GETNEXTs
        PDU odd = request(PDU.GETBULK, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0");
        odd.setNonRepeaters(5);
        odd.setMaxRepetitions(-3);
        assertThat(respond(odd).getVariableBindings()).extracting(MibResponderTest::oid)
                .containsExactly("1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0");
    }

    @Test
    void aBulkWalkOfIfXTableListsEveryInterfaceOfEveryColumnInOrder() {
        PDU req = request(PDU.GETBULK, "1.3.6.1.2.1.31.1.1.1");
        req.setMaxRepetitions(10_000);
        PDU r = respond(req);
        // the whole view after the ifXTable prefix is ifXTable itself: 15 columns x 48, then the end
        assertThat(r.size()).isEqualTo(15 * 48 + 1);
        int k = 0;
        for (int col : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18}) {
            for (int ifIndex : OidLayoutTest.IF_INDEXES) {
                assertThat(oid(r.get(k++))).isEqualTo("1.3.6.1.2.1.31.1.1.1." + col + "." + ifIndex);
            }
        }
        assertThat(r.get(k).getVariable()).isEqualTo(Null.endOfMibView);
    }

    @Test
    void oneResponseReadsEveryCounterAtOneInstant() {
        PDU req = request(PDU.GETBULK, IF_IN + "0", HC_IN + "0");
        req.setMaxRepetitions(48);
        PDU r = respond(req, T, 60_000);
        for (int p = 0; p < 48; p++) {
            long hc = ((Counter64) r.get(2 * p + 1).getVariable()).getValue();
            assertThat(hc).isEqualTo(model.octets(DEVICE, p, Direction.IN, T));
            assertThat(((Counter32) r.get(2 * p).getVariable()).getValue()).isEqualTo(hc & 0xFFFF_FFFFL);
        }
    }

    @Test
    void responsesStayWithinTheByteBudgetAndTheVarbindLimit() {
        PDU bulk = request(PDU.GETBULK, "1.3.6.1.2.1.31.1.1.1");
        bulk.setMaxRepetitions(1000);
        PDU small = respond(bulk, T, 500);
        assertThat(small.getErrorStatus()).isZero();
        assertThat(small.size()).isBetween(5, 40);
        assertThat(PDU.getBERLength(small.getVariableBindings())).isLessThanOrEqualTo(500 + 4);

        PDU get = request(PDU.GET, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0");
        PDU tooBig = respond(get, T, 60);
        assertThat(tooBig.getErrorStatus()).isEqualTo(PDU.tooBig);
        assertThat(tooBig.getErrorIndex()).isZero();
        assertThat(tooBig.size()).isZero();

        PDU many = request(PDU.GETBULK, "1.3", "1.3.6.1.2.1.2", "1.3.6.1.2.1.31");
        many.setMaxRepetitions(5000);
        assertThat(respond(many, T, Integer.MAX_VALUE).size()).isEqualTo(MibResponder.MAX_VARBINDS);

        // a reused response PDU does not keep the previous error
        PDU ok = respond(get, T, 60_000);
        assertThat(ok.getErrorStatus()).isZero();
    }

    @Test
    void aRebootInTheModelRestartsUptimeAndCounters() {
        CounterModel fresh = new CounterModel(11, 48, "sim-");
        MibResponder.Scratch s = new MibResponder.Scratch(new DeviceInstant(fresh, new DeviceInstant.Texts()));
        PDU req = request(PDU.GET, "1.3.6.1.2.1.1.3.0", HC_IN + "1");
        s.view.reset(DEVICE, T);
        PDU before = new PDU();
        MibResponder.respond(req, layout, s, before, 60_000);
        long upBefore = ((TimeTicks) before.get(0).getVariable()).getValue();
        long octetsBefore = ((Counter64) before.get(1).getVariable()).getValue();

        fresh.reboot(DEVICE, T + 1_000);
        s.view.reset(DEVICE, T + 61_000);
        PDU after = new PDU();
        MibResponder.respond(req, layout, s, after, 60_000);
        assertThat(((TimeTicks) after.get(0).getVariable()).getValue()).isEqualTo(6_000).isLessThan(upBefore);
        long octetsAfter = ((Counter64) after.get(1).getVariable()).getValue();
        assertThat(octetsAfter).isPositive().isLessThan(octetsBefore)
                .isEqualTo(fresh.octets(DEVICE, 0, Direction.IN, T + 61_000));
    }

    @Test
    void setIsRefusedAsOnAReadOnlyCommunity() {
        PDU set = new PDU();
        set.setType(PDU.SET);
        set.setRequestID(new Integer32(4711));
        set.add(new VariableBinding(new OID("1.3.6.1.2.1.1.5.0"), new OctetString("renamed")));
        PDU r = respond(set);
        assertThat(r.getErrorStatus()).isEqualTo(PDU.noAccess);
        assertThat(r.getErrorIndex()).isEqualTo(1);
        assertThat(r.get(0).getVariable()).isEqualTo(new OctetString("renamed"));
    }

    @Test
    void otherPduTypesAreNotAnswered() {
        PDU trap = request(PDU.TRAP, "1.3.6.1.2.1.1.3.0");
        scratch.view.reset(DEVICE, T);
        assertThat(MibResponder.respond(trap, layout, scratch, new PDU(), 60_000)).isEqualTo(-1);
    }
}
