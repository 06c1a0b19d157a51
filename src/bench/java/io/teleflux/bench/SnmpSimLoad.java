package io.teleflux.bench;

import io.teleflux.sim.CounterModel;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.sim.snmp.SnmpAgentStats;
import io.teleflux.sim.snmp.V3User;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the simulated SNMP agent: 1,000 devices x 48 interfaces on one UDP endpoint,
 * driven over loopback by an snmp4j client in the same JVM with a fixed number of GETBULKs in
 * flight, round-robin over the devices. The agent's own counters give the figures; the client
 * shares the machine, so they are a floor for the agent alone.
 */
final class SnmpSimLoad {
    static final int DEVICES = 1000;
    static final int INTERFACES = 48;
    static final int IN_FLIGHT = 32;
    /**
     * Bound on response bytes in flight: beyond the client socket's receive buffer (about 200 KB
     * unless net.core.rmem_max is raised) responses would be dropped by the kernel.
     */
    static final int MAX_BYTES_IN_FLIGHT = 150_000;
    static final String IFX = "1.3.6.1.2.1.31.1.1.1.";

    /** A request shape: GETBULK of {@code columns} ifXTable counter columns (from ifHCInOctets) x max-repetitions. */
    record Shape(String name, int columns, int maxRepetitions, boolean v3) {
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("v2c, 1 column x 10 (snmpbulkwalk default)", 1, 10, false),
            new Shape("v2c, 1 column x 48 (a column per request)", 1, 48, false),
            new Shape("v2c, 8 HC columns x 48 (a table per request)", 8, 48, false),
            new Shape("v3 SHA/AES-128, 1 column x 48", 1, 48, true));

    private SnmpSimLoad() {
    }

    /**
     * The shapes interleaved (rounds of {@code roundMs} each, rotating order), every shape's
     * responses/s as a ratio to the first shape's in the same round: a change of the machine's load
     * lands on all shapes alike instead of on whichever shape ran during it.
     */
    static void run(boolean smoke, int warmup, int rounds, int roundMs) throws Exception {
        V3User user = V3User.parse("bench:SHA:benchauth1:AES:benchpriv1");
        try (SnmpAgentSimulator agent = new SnmpAgentSimulator(new CounterModel(1, INTERFACES, "sim-"), DEVICES,
                "127.0.0.1", 0, List.of(user))) {
            agent.start();
            Snmp client = client(user);
            try {
                System.out.printf("snmpsim: %d devices x %d interfaces, round-robin; rounds of %d ms interleaved"
                        + " (%d warm-up + %d measured per shape), %d cores, load %s%n", DEVICES, INTERFACES, roundMs,
                        warmup, rounds, Runtime.getRuntime().availableProcessors(), CpuSnapshot.loadAverage());
                Map<String, long[]> totals = new LinkedHashMap<>(); // requests, varbinds, timeouts over measured rounds
                Interleaved il = new Interleaved(SHAPES.get(0).name());
                for (Shape s : SHAPES) {
                    long[] t = new long[3];
                    totals.put(s.name(), t);
                    il.add(s.name(), () -> {
                        SnmpAgentStats before = agent.stats();
                        long t0 = System.nanoTime();
                        long timeouts = drive(client, agent.port(), s, roundMs);
                        double secs = (System.nanoTime() - t0) / 1e9;
                        SnmpAgentStats after = agent.stats();
                        t[0] += after.requests() - before.requests();
                        t[1] += after.varbinds() - before.varbinds();
                        t[2] += timeouts;
                        return (after.requests() - before.requests()) / secs;
                    });
                }
                Map<String, Interleaved.Result> r = il.run(warmup, rounds, null);
                System.out.printf("%n%-48s %9s %14s %14s %10s   %s%n", "shape", "in flight", "responses/s", "varbinds/s",
                        "timeouts", "responses/s ratio to the first shape: median (spread)");
                for (Shape s : SHAPES) {
                    Interleaved.Result x = r.get(s.name());
                    long[] t = totals.get(s.name());
                    double perResponse = t[0] == 0 ? 0 : (double) t[1] / t[0];
                    System.out.printf("%-48s %9d %,14.0f %,14.0f %10d   %s%n", s.name(), inFlight(s), x.medianRate(),
                            x.medianRate() * perResponse, t[2], s == SHAPES.get(0) ? "1" : x.ratioSpread());
                }
                System.out.println("(responses/s: median over the rounds; varbinds/s: that median x the varbinds per"
                        + " response over all rounds; timeouts: every round, warm-up included)");
                if (smoke) {
                    System.out.println("(smoke run: the figures mean nothing)");
                }
            } finally {
                client.close();
            }
        }
    }

    private static Snmp client(V3User user) throws Exception {
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        protocols.addAuthenticationProtocol(new AuthSHA());
        protocols.addPrivacyProtocol(new PrivAES128());
        USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
        usm.addUser(new UsmUser(new OctetString(user.name()), AuthSHA.ID, new OctetString(user.authPassphrase()),
                PrivAES128.ID, new OctetString(user.privPassphrase())));
        // a dispatcher of its own: Snmp's default one keeps its JVM-global MPv3 when another is added
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(usm.getLocalEngineID().getValue(), null, protocols,
                SecurityModels.getCollection(new org.snmp4j.security.SecurityModel[] {usm}), new CounterSupport()));
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0"));
        transport.setReceiveBufferSize(4 << 20);
        Snmp snmp = new Snmp(dispatcher, transport);
        snmp.listen();
        return snmp;
    }

    /** Keeps {@link #inFlight} requests outstanding for {@code millis}; returns the number of timeouts. */
    private static long drive(Snmp snmp, int port, Shape shape, long millis) throws Exception {
        UdpAddress agent = new UdpAddress("127.0.0.1/" + port);
        int inFlight = inFlight(shape);
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong timeouts = new AtomicLong();
        ResponseListener listener = new ResponseListener() {
            @Override
            public <A extends Address> void onResponse(ResponseEvent<A> e) {
                ((Snmp) e.getSource()).cancel(e.getRequest(), this);
                if (e.getResponse() == null) {
                    timeouts.incrementAndGet();
                }
                slots.release();
            }
        };
        long end = System.nanoTime() + millis * 1_000_000L;
        for (int n = 0; System.nanoTime() < end; n++) {
            slots.acquire();
            String device = String.format("sim-%04d", 1 + n % DEVICES);
            PDU pdu = shape.v3() ? new ScopedPDU() : new PDU();
            pdu.setType(PDU.GETBULK);
            pdu.setMaxRepetitions(shape.maxRepetitions());
            pdu.setNonRepeaters(0);
            for (int c = 0; c < shape.columns(); c++) {
                pdu.add(new VariableBinding(new OID(IFX + (6 + c))));
            }
            Target<UdpAddress> target;
            if (shape.v3()) {
                ((ScopedPDU) pdu).setContextName(new OctetString(device));
                UserTarget<UdpAddress> t = new UserTarget<>(agent, new OctetString("bench"), new byte[0],
                        SecurityLevel.AUTH_PRIV);
                t.setVersion(SnmpConstants.version3);
                target = t;
            } else {
                CommunityTarget<UdpAddress> t = new CommunityTarget<>(agent, new OctetString(device));
                t.setVersion(SnmpConstants.version2c);
                target = t;
            }
            target.setTimeout(3_000);
            target.setRetries(0);
            snmp.send(pdu, target, null, listener);
        }
        slots.acquire(inFlight);
        return timeouts.get();
    }

    /** About 24 bytes per Counter64 binding. */
    static int inFlight(Shape s) {
        return Math.max(1, Math.min(IN_FLIGHT, MAX_BYTES_IN_FLIGHT / (24 * s.columns() * s.maxRepetitions())));
    }
}
