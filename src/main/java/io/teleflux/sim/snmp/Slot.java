package io.teleflux.sim.snmp;

import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.VariableBinding;

/**
 * One variable binding of a response under construction, with a mutable value of every syntax
 * the agent serves. Slots are owned by one worker thread and reused for every response it builds:
 * snmp4j encodes the response before {@code returnResponsePdu} returns, so nothing outlives the
 * request, and a 1,000-varbind response allocates no per-OID objects.
 */
final class Slot {
    final VariableBinding vb = new VariableBinding();
    final Integer32 integer = new Integer32();
    final Gauge32 gauge = new Gauge32();
    final Counter32 counter32 = new Counter32();
    final Counter64 counter64 = new Counter64();
    final TimeTicks ticks = new TimeTicks();
    final byte[] macBytes = new byte[6];
    final OctetString mac = new OctetString(macBytes);

    Integer32 integer(int v) {
        integer.setValue(v);
        return integer;
    }

    Gauge32 gauge(long v) {
        gauge.setValue(v);
        return gauge;
    }

    /** The low 32 bits, as a device's 32-bit counter shows a 64-bit count. */
    Counter32 counter32(long v) {
        counter32.setValue(v & 0xFFFF_FFFFL);
        return counter32;
    }

    Counter64 counter64(long v) {
        counter64.setValue(v);
        return counter64;
    }

    TimeTicks ticks(long hundredths) {
        ticks.setValue(hundredths & 0xFFFF_FFFFL);
        return ticks;
    }

    /** {@code 38-91-D5-2F-4D-F1} (as H3C writes it) as six octets. */
    OctetString mac(String text) {
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(text.charAt(3 * i), 16);
            int lo = Character.digit(text.charAt(3 * i + 1), 16);
            macBytes[i] = (byte) (hi << 4 | lo);
        }
        mac.setValue(macBytes);
        return mac;
    }
}
