package io.teleflux.sim.snmp;

import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceProfile;
import io.teleflux.sim.Direction;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One device's MIB values at one instant, read from the {@link CounterModel}: the same function
 * the dial-out simulator renders, so both views of an interface agree at any instant.
 *
 * <p>Reused by one worker thread for every request it serves ({@link #reset}); the counters of an
 * interface are computed at most once per request, and only if a requested OID needs them, so a
 * walk of static columns costs no counter arithmetic.
 */
final class DeviceInstant {
    /** IANAifType ethernetCsmacd. */
    static final int IF_TYPE_ETHERNET = 6;
    /** H3C's enterprise subtree (25506) and its product branch; the leaf per model is the simulator's own. */
    static final int[] H3C_PRODUCTS = {1, 3, 6, 1, 4, 1, 25506, 11, 1};
    private static final long GAUGE32_MAX = 0xFFFF_FFFFL;

    private final CounterModel model;
    private final Texts texts;
    private int device;
    private long timeMs;
    private long bootMs;
    private DeviceProfile profile;
    private List<InterfaceProfile> ifaces;
    private FlowCounters[] in = new FlowCounters[0];
    private FlowCounters[] out = new FlowCounters[0];

    /** Strings and OIDs shared by every device and request; bounded by the number of distinct names. */
    static final class Texts {
        private final ConcurrentHashMap<String, OctetString> strings = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, OID> objectIds = new ConcurrentHashMap<>();

        OctetString text(String s) {
            return strings.computeIfAbsent(s, k -> new OctetString(k.getBytes(StandardCharsets.UTF_8)));
        }

        OID sysObjectId(String model) {
            return objectIds.computeIfAbsent(model, m -> {
                int[] o = Arrays.copyOf(H3C_PRODUCTS, H3C_PRODUCTS.length + 1);
                o[H3C_PRODUCTS.length] = 1000 + Math.floorMod(m.hashCode(), 1000);
                return new OID(o);
            });
        }
    }

    DeviceInstant(CounterModel model, Texts texts) {
        this.model = model;
        this.texts = texts;
    }

    /** Points this view at {@code device} at instant {@code timeMs} and forgets all computed counters. */
    void reset(int device, long timeMs) {
        this.device = device;
        this.timeMs = timeMs;
        this.profile = model.device(device);
        this.ifaces = profile.interfaces();
        this.bootMs = model.bootMs(device, timeMs);
        if (in.length != ifaces.size()) {
            in = new FlowCounters[ifaces.size()];
            out = new FlowCounters[ifaces.size()];
        } else {
            Arrays.fill(in, null);
            Arrays.fill(out, null);
        }
    }

    long timeMs() {
        return timeMs;
    }

    /** The value of {@code row} of {@code layout}, written into {@code slot} when it is not shared. */
    Variable value(OidLayout layout, int row, Slot slot) {
        MibObject o = layout.object(row);
        int p = layout.position(row);
        InterfaceProfile i = p >= 0 ? ifaces.get(p) : null;
        return switch (o) {
            case SYS_DESCR -> texts.text(sysDescr(profile.model()));
            case SYS_OBJECT_ID -> texts.sysObjectId(profile.model());
            case SYS_UP_TIME -> slot.ticks((timeMs - bootMs) / 10);
            case SYS_NAME -> new OctetString(profile.name());
            case IF_NUMBER -> slot.integer(ifaces.size());
            case IF_INDEX -> slot.integer(i.ifIndex());
            case IF_DESCR, IF_NAME -> texts.text(i.name());
            case IF_TYPE -> slot.integer(IF_TYPE_ETHERNET);
            case IF_MTU -> slot.integer(i.mtu());
            case IF_SPEED -> slot.gauge(Math.min(i.speedBps(), GAUGE32_MAX));
            case IF_PHYS_ADDRESS -> slot.mac(i.mac());
            case IF_ADMIN_STATUS -> slot.integer(i.adminStatus());
            case IF_OPER_STATUS -> slot.integer(i.operStatus());
            case IF_HIGH_SPEED -> slot.gauge(i.speedBps() / 1_000_000);
            case IF_ALIAS -> texts.text(i.description());
            case IF_IN_OCTETS -> slot.counter32(in(p).octets());
            case IF_IN_UCAST_PKTS -> slot.counter32(in(p).unicast());
            case IF_IN_DISCARDS -> slot.counter32(in(p).discards());
            case IF_IN_ERRORS -> slot.counter32(in(p).errors());
            case IF_OUT_OCTETS -> slot.counter32(out(p).octets());
            case IF_OUT_UCAST_PKTS -> slot.counter32(out(p).unicast());
            case IF_OUT_DISCARDS -> slot.counter32(out(p).discards());
            case IF_OUT_ERRORS -> slot.counter32(out(p).errors());
            case IF_IN_MULTICAST_PKTS -> slot.counter32(in(p).multicast());
            case IF_IN_BROADCAST_PKTS -> slot.counter32(in(p).broadcast());
            case IF_OUT_MULTICAST_PKTS -> slot.counter32(out(p).multicast());
            case IF_OUT_BROADCAST_PKTS -> slot.counter32(out(p).broadcast());
            case IF_HC_IN_OCTETS -> slot.counter64(in(p).octets());
            case IF_HC_IN_UCAST_PKTS -> slot.counter64(in(p).unicast());
            case IF_HC_IN_MULTICAST_PKTS -> slot.counter64(in(p).multicast());
            case IF_HC_IN_BROADCAST_PKTS -> slot.counter64(in(p).broadcast());
            case IF_HC_OUT_OCTETS -> slot.counter64(out(p).octets());
            case IF_HC_OUT_UCAST_PKTS -> slot.counter64(out(p).unicast());
            case IF_HC_OUT_MULTICAST_PKTS -> slot.counter64(out(p).multicast());
            case IF_HC_OUT_BROADCAST_PKTS -> slot.counter64(out(p).broadcast());
        };
    }

    static String sysDescr(String model) {
        return "H3C Comware Platform Software, Software Version 7.1.070 (Teleflux simulator)\r\nH3C " + model;
    }

    private FlowCounters in(int p) {
        FlowCounters c = in[p];
        if (c == null) {
            c = model.counters(device, p, Direction.IN, timeMs);
            in[p] = c;
        }
        return c;
    }

    private FlowCounters out(int p) {
        FlowCounters c = out[p];
        if (c == null) {
            c = model.counters(device, p, Direction.OUT, timeMs);
            out[p] = c;
        }
        return c;
    }
}
