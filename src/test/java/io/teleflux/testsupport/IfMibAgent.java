package io.teleflux.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * The data of one simulated switch for snmpsim: system group and IF-MIB (ifTable, ifXTable) with
 * octet counters that grow at a known rate from a known initial value, so that tests can compute
 * what the agent answered at any moment. Other columns are fixed values derived from the ifIndex.
 *
 * <pre>{@code
 * IfMibAgent a = IfMibAgent.of("sw-sim-1", 48);
 * snmpsim = SnmpsimFixture.builder().agent("sw1", a.snmprec()).launch();
 * }</pre>
 */
public final class IfMibAgent {
    public static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    public static final String SYS_UPTIME = "1.3.6.1.2.1.1.3.0";
    public static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    private static final String IF = "1.3.6.1.2.1.2.2.1.";
    private static final String IFX = "1.3.6.1.2.1.31.1.1.1.";

    /**
     * One interface. Octet counters are {@code inInitial + inRate * t} (bytes, t in seconds since
     * snmpsimd started); unicast packets grow at {@code inRate / 1000 + 1} per second from {@code 1000 * ifIndex}.
     */
    public record Port(int ifIndex, String name, long speedMbps, long inRate, long inInitial, long outRate, long outInitial) {
        public long inUcastRate() {
            return inRate / 1000 + 1;
        }

        public long outUcastRate() {
            return outRate / 1000 + 1;
        }

        public long ucastInitial() {
            return 1000L * ifIndex;
        }

        public long multicast() {
            return 7L * ifIndex;
        }

        public long broadcast() {
            return 3L * ifIndex;
        }

        public long inErrors() {
            return ifIndex;
        }

        public long outErrors() {
            return 2L * ifIndex;
        }

        public long inDiscards() {
            return 3L * ifIndex;
        }

        public long outDiscards() {
            return 4L * ifIndex;
        }

        public int operStatus() {
            return ifIndex % 5 == 0 ? 2 : 1;
        }

        /** ifAlias: set on every third port, empty on the others. */
        public String alias() {
            return ifIndex % 3 == 0 ? "uplink " + ifIndex + " to \"core\"" : "";
        }
    }

    private final String sysName;
    private final List<Port> ports;
    private boolean counter32Only;
    private long uptimeWaitMs;
    private long speedWaitMs;

    private IfMibAgent(String sysName, List<Port> ports) {
        this.sysName = sysName;
        this.ports = List.copyOf(ports);
    }

    /**
     * {@code n} 10G ports {@code Ten-GigabitEthernet1/0/i} with distinct rates (i * 363,000 B/s in,
     * i * 181,000 B/s out) and 64-bit initial values in the hundreds of GB.
     */
    public static IfMibAgent of(String sysName, int n) {
        List<Port> ports = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ports.add(new Port(i, "Ten-GigabitEthernet1/0/" + i, 10_000, 363_000L * i, 753_299_121_188L + 1_000_000_007L * i,
                    181_000L * i, 412_000_000_000L + 999_999_937L * i));
        }
        return new IfMibAgent(sysName, ports);
    }

    public static IfMibAgent of(String sysName, List<Port> ports) {
        return new IfMibAgent(sysName, ports);
    }

    /** Leave out the 64-bit ifHC* columns: the octets only exist as wrapping Counter32 in ifTable. */
    public IfMibAgent counter32Only() {
        this.counter32Only = true;
        return this;
    }

    /** Answer sysUpTime.0 only after {@code ms}: a slow agent (needs its own snmpsimd process). */
    public IfMibAgent slowUptime(long ms) {
        this.uptimeWaitMs = ms;
        return this;
    }

    /**
     * Answer each ifSpeed only after {@code ms}: every GETBULK of the table walk is slow, so the
     * whole poll takes about (ports x ms) while each request stays within a normal timeout.
     */
    public IfMibAgent slowTable(long ms) {
        this.speedWaitMs = ms;
        return this;
    }

    public String sysName() {
        return sysName;
    }

    public List<Port> ports() {
        return ports;
    }

    public Snmprec snmprec() {
        Snmprec r = new Snmprec();
        r.string(SYS_DESCR, "Teleflux test switch " + sysName);
        r.objectId("1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.25506.1.1");
        if (uptimeWaitMs > 0) {
            r.delayed(SYS_UPTIME, Snmprec.TIME_TICKS, 4242, uptimeWaitMs);
        } else {
            r.numeric(SYS_UPTIME, Snmprec.TIME_TICKS, 100, 0, false); // ticks since snmpsimd started
        }
        r.string(SYS_NAME, sysName);
        r.number("1.3.6.1.2.1.2.1.0", Snmprec.INTEGER, ports.size());
        for (Port p : ports) {
            int i = p.ifIndex();
            r.number(IF + "1." + i, Snmprec.INTEGER, i);
            r.string(IF + "2." + i, "port " + p.name());
            r.number(IF + "3." + i, Snmprec.INTEGER, 6);
            long ifSpeed = Math.min(p.speedMbps() * 1_000_000L, 4_294_967_295L);
            if (speedWaitMs > 0) {
                r.delayed(IF + "5." + i, Snmprec.GAUGE32, ifSpeed, speedWaitMs);
            } else {
                r.number(IF + "5." + i, Snmprec.GAUGE32, ifSpeed);
            }
            r.number(IF + "7." + i, Snmprec.INTEGER, 1);
            r.number(IF + "8." + i, Snmprec.INTEGER, p.operStatus());
            r.numeric(IF + "10." + i, Snmprec.COUNTER32, p.inRate(), p.inInitial() % 4_294_967_295L, true);
            r.numeric(IF + "11." + i, Snmprec.COUNTER32, p.inUcastRate(), p.ucastInitial(), true);
            r.number(IF + "13." + i, Snmprec.COUNTER32, p.inDiscards());
            r.number(IF + "14." + i, Snmprec.COUNTER32, p.inErrors());
            r.numeric(IF + "16." + i, Snmprec.COUNTER32, p.outRate(), p.outInitial() % 4_294_967_295L, true);
            r.numeric(IF + "17." + i, Snmprec.COUNTER32, p.outUcastRate(), p.ucastInitial(), true);
            r.number(IF + "19." + i, Snmprec.COUNTER32, p.outDiscards());
            r.number(IF + "20." + i, Snmprec.COUNTER32, p.outErrors());
            r.string(IFX + "1." + i, p.name());
            if (!counter32Only) {
                r.numeric(IFX + "6." + i, Snmprec.COUNTER64, p.inRate(), p.inInitial(), false);
                r.numeric(IFX + "7." + i, Snmprec.COUNTER64, p.inUcastRate(), p.ucastInitial(), false);
                r.number(IFX + "8." + i, Snmprec.COUNTER64, p.multicast());
                r.number(IFX + "9." + i, Snmprec.COUNTER64, p.broadcast());
                r.numeric(IFX + "10." + i, Snmprec.COUNTER64, p.outRate(), p.outInitial(), false);
                r.numeric(IFX + "11." + i, Snmprec.COUNTER64, p.outUcastRate(), p.ucastInitial(), false);
                r.number(IFX + "12." + i, Snmprec.COUNTER64, p.multicast());
                r.number(IFX + "13." + i, Snmprec.COUNTER64, p.broadcast());
            }
            r.number(IFX + "15." + i, Snmprec.GAUGE32, p.speedMbps());
            r.string(IFX + "18." + i, p.alias());
        }
        return r;
    }
}
