package io.teleflux.grafana;

import io.teleflux.config.InfluxConfig;
import io.teleflux.influx.InfluxWriter;
import io.teleflux.point.Point;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.InterfaceSample;

import java.util.ArrayList;
import java.util.List;

/**
 * STAND-IN FOR THE SNMP POLLER until it is merged (it is being built on another branch): it writes
 * what the poller writes when it polls the simulator's SNMP agent, through the real {@link RateStage}
 * and {@link InfluxWriter}, so that the dashboards' and alerts' source=snmp queries can be run on
 * real InfluxDB data today.
 *
 * <p>The shapes follow the contract and the poller's code on its branch ({@code snmp/PointMaker},
 * {@code snmp/SnmpPoller}), and the values follow the simulator's SNMP agent ({@code sim/snmp}), which
 * serves {@link CounterModel}: per poll one {@code device} point (uptime_s, device_ip) and per
 * interface one {@code interface} point tagged device / interface (ifName) / source=snmp with
 * ifindex, in/out_octets (ifHC*), in/out_pkts (HC unicast + multicast + broadcast),
 * in/out_ucast_pkts, in/out_errors and in/out_discards (Counter32), speed_bps (ifHighSpeed × 10^6),
 * oper_status, admin_status and description (ifAlias); rates come from the rate stage as for every
 * input. The poller's self-monitoring is reproduced in its own {@link Metrics} registry with the
 * contract's names — teleflux_snmp_polls_total{device,result} (ok, timeout, auth_error, error, all
 * present from the start), teleflux_snmp_poll_seconds{device}, teleflux_snmp_last_success_ms{device},
 * teleflux_snmp_interfaces{device}, teleflux_points_received_total{source=snmp} — and written as the
 * collector's SelfmonReporter writes its registry ({@link Metrics#toPoints}).
 *
 * <p>After the merge, DashboardQueriesIT should poll the simulator's SNMP agent with the real
 * poller inside the collector instead, and this class should be deleted.
 */
public final class PollerShapedSnmpFeed implements AutoCloseable {
    public static final String SOURCE = "snmp";
    private static final long COUNTER32 = 0xFFFF_FFFFL;
    private static final String[] RESULTS = {"ok", "timeout", "auth_error", "error"};

    private final CounterModel model;
    private final String instance;
    private final String targetIp;
    private final InfluxWriter writer;
    private final RateStage rates;
    private final Metrics selfmon = new Metrics();
    private final Metrics.Counter pointsIn;
    private final double[] pollSeconds;

    /**
     * @param devices  the devices 0..devices-1 of {@code model} that are SNMP targets
     * @param targetIp the address the targets are polled at (the {@code device_ip} field)
     */
    public PollerShapedSnmpFeed(CounterModel model, int devices, InfluxConfig influx, String instance, String targetIp) {
        this.model = model;
        this.instance = instance;
        this.targetIp = targetIp;
        // the writer's and rate stage's own counters are not the poller's: they stay unreported
        Metrics internal = new Metrics();
        try {
            this.writer = new InfluxWriter(influx, internal);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // the collector's default rate.max-gap for every source: 3 minutes
        this.rates = new RateStage(writer, source -> 180_000L, 1_800_000L, 1_000_000, internal);
        this.pollSeconds = new double[devices];
        selfmon.describe("teleflux_snmp_polls_total", Metrics.Type.COUNTER, "SNMP polls by device and result")
                .describe("teleflux_snmp_poll_seconds", Metrics.Type.GAUGE, "Duration of the device's last SNMP poll")
                .describe("teleflux_snmp_last_success_ms", Metrics.Type.GAUGE, "Epoch ms of the last successful poll")
                .describe("teleflux_snmp_interfaces", Metrics.Type.GAUGE, "Interfaces of the last successful poll")
                .describe("teleflux_snmp_polls_skipped_total", Metrics.Type.COUNTER, "Skipped poll cycles");
        for (int d = 0; d < devices; d++) {
            String name = model.deviceName(d);
            for (String r : RESULTS) {
                selfmon.counter("teleflux_snmp_polls_total", "device", name, "result", r);
            }
            int i = d;
            selfmon.gauge("teleflux_snmp_poll_seconds", () -> pollSeconds[i], "device", name);
            selfmon.settableGauge("teleflux_snmp_last_success_ms", "device", name).set(0);
            selfmon.settableGauge("teleflux_snmp_interfaces", "device", name).set(0);
            selfmon.counter("teleflux_snmp_polls_skipped_total", "device", name);
        }
        selfmon.gauge("teleflux_snmp_targets", () -> devices);
        this.pointsIn = selfmon.counter("teleflux_points_received_total", "source", SOURCE);
    }

    public void start() {
        writer.start();
    }

    /** A successful poll of {@code device} whose last answer arrived at {@code timeMs}. */
    public void poll(int device, long timeMs, double seconds) throws InterruptedException {
        String name = model.deviceName(device);
        List<Point> points = new ArrayList<>();
        long boot = model.bootMs(device, timeMs);
        points.add(Point.builder("device").tag("device", name).tag("source", SOURCE).time(timeMs)
                .field("uptime_s", (timeMs - boot) / 1000).field("device_ip", targetIp).build());
        List<InterfaceProfile> ifaces = model.interfaces(device);
        for (int p = 0; p < ifaces.size(); p++) {
            InterfaceProfile iface = ifaces.get(p);
            InterfaceSample s = model.sample(device, p, timeMs);
            FlowCounters in = s.in();
            FlowCounters out = s.out();
            points.add(Point.builder("interface").tag("device", name).tag("interface", iface.name()).tag("source", SOURCE)
                    .time(timeMs)
                    .field("ifindex", (long) iface.ifIndex())
                    .field("in_octets", in.octets()).field("out_octets", out.octets())
                    .field("in_pkts", in.unicast() + in.multicast() + in.broadcast())
                    .field("out_pkts", out.unicast() + out.multicast() + out.broadcast())
                    .field("in_ucast_pkts", in.unicast()).field("out_ucast_pkts", out.unicast())
                    .field("in_errors", in.errors() & COUNTER32).field("out_errors", out.errors() & COUNTER32)
                    .field("in_discards", in.discards() & COUNTER32).field("out_discards", out.discards() & COUNTER32)
                    .field("speed_bps", iface.speedBps() / 1_000_000 * 1_000_000)
                    .field("oper_status", (long) iface.operStatus()).field("admin_status", (long) iface.adminStatus())
                    .field("description", iface.description())
                    .build());
        }
        rates.accept(points);
        pointsIn.add(points.size());
        selfmon.counter("teleflux_snmp_polls_total", "device", name, "result", "ok").inc();
        selfmon.settableGauge("teleflux_snmp_last_success_ms", "device", name).set(timeMs);
        selfmon.settableGauge("teleflux_snmp_interfaces", "device", name).set(ifaces.size());
        pollSeconds[device] = seconds;
    }

    /** A poll of {@code device} that ended with {@code result} (timeout, auth_error, error): no points. */
    public void failedPoll(int device, String result, double seconds) {
        selfmon.counter("teleflux_snmp_polls_total", "device", model.deviceName(device), "result", result).inc();
        pollSeconds[device] = seconds;
    }

    /** One self-monitoring report of the poller's metrics at {@code timeMs}, as SelfmonReporter writes it. */
    public void report(long timeMs) throws InterruptedException {
        writer.accept(selfmon.toPoints(instance, timeMs));
    }

    public void flush() throws InterruptedException {
        writer.flush();
    }

    @Override
    public void close() {
        writer.close();
    }
}
