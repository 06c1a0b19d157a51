package io.teleflux;

import io.teleflux.selfmon.SelfmonReporter;
import io.teleflux.snmp.PollResult;
import io.teleflux.snmp.SnmpConfig;
import io.teleflux.snmp.SnmpPoller;
import io.teleflux.snmp.SnmpTarget;

import java.util.Map;

/**
 * A collector that walks simulated devices through the past (a dashboard needs minutes of
 * history, a test has seconds): its SNMP poller and self-monitoring reporter belong to the test,
 * read {@code clock}, and run only when the test says ({@link #pollSnmpNow()},
 * {@link #reportSelfmonNow()}), handing their points to the collector's pipeline as its own
 * inputs would. A scheduled snapshot in the middle of a replay would be stamped with whatever
 * replayed time it happened to meet; {@link #startSelfmonSchedule()} starts the schedule once the
 * clock is live again.
 */
final class Replay implements AutoCloseable {
    final Collector collector;
    private final SnmpPoller snmp;
    private final SelfmonReporter selfmon;

    private Replay(Collector collector, SnmpPoller snmp, SelfmonReporter selfmon) {
        this.collector = collector;
        this.snmp = snmp;
        this.selfmon = selfmon;
    }

    /** {@code extra} configures the collector; {@code snmp} is a {@code teleflux.snmp} block for the test's poller. */
    static Replay start(String extra, String snmp, ReplayClock clock) throws Exception {
        Collector c = TestCollector.start(extra + "\nteleflux.selfmon.enabled = false\n");
        SnmpConfig snmpCfg = TestCollector.config(extra + "\n" + snmp).get(SnmpConfig.SECTION);
        SnmpPoller poller = new SnmpPoller(snmpCfg, c.pipeline(), c.metrics(), clock);
        SelfmonReporter reporter = new SelfmonReporter(c.metrics(), c.pipeline(), "it", 1_000, clock);
        return new Replay(c, poller, reporter);
    }

    int dialoutPort() {
        return collector.dialoutPort();
    }

    io.teleflux.selfmon.Metrics metrics() {
        return collector.metrics();
    }

    /** Polls every SNMP target once now, stamped by the replay clock. */
    Map<SnmpTarget, PollResult> pollSnmpNow() throws InterruptedException {
        return snmp.pollAllOnce();
    }

    /** Writes one self-monitoring snapshot now, stamped by the replay clock. */
    void reportSelfmonNow() {
        selfmon.report();
    }

    void startSelfmonSchedule() {
        selfmon.start();
    }

    @Override
    public void close() throws InterruptedException {
        snmp.close();
        selfmon.close(java.time.Duration.ofSeconds(5));
        collector.close();
    }
}
