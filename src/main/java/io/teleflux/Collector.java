package io.teleflux;

import io.teleflux.config.DialoutConfig;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.dialout.DialoutServer;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.dialout.h3c.H3cDialoutService;
import io.teleflux.influx.InfluxWriter;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.SelfmonReporter;
import io.teleflux.config.SnmpTarget;
import io.teleflux.snmp.PollResult;
import io.teleflux.snmp.SnmpPoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The running collector: inputs → rates → writer, plus self-monitoring. Stops in the reverse
 * order, so that whatever the inputs had received is written before the writer closes.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    /** The interval H3C devices are usually configured with; only used to derive rate.max-gap = auto. */
    static final Duration TELEMETRY_EXPECTED_INTERVAL = Duration.ofSeconds(5);

    private final TelefluxConfig cfg;
    private final LongSupplier replayClock;
    private final Metrics metrics = new Metrics();
    private final long startedMs = System.currentTimeMillis();
    private InfluxWriter writer;
    private RateStage rates;
    private DialoutServer dialout;
    private SnmpPoller snmp;
    private HttpEndpoint http;
    private SelfmonReporter reporter;
    private boolean closed;

    public Collector(TelefluxConfig cfg) {
        this(cfg, null);
    }

    /**
     * Replay mode, for tests that walk simulated devices through the past (a dashboard needs
     * minutes of history, a test has seconds): SNMP points and self-monitoring snapshots are stamped
     * by {@code replayClock}; SNMP polls run only when {@link #pollSnmpNow()} is called, and
     * snapshots are written on {@link #reportSelfmonNow()} and, after {@link #startSelfmonSchedule()},
     * on their schedule too (a scheduled snapshot in the middle of a replay would be stamped with
     * whatever replayed time it happened to meet).
     */
    Collector(TelefluxConfig cfg, LongSupplier replayClock) {
        this.cfg = cfg;
        this.replayClock = replayClock;
    }

    public Collector start() throws IOException {
        LogSetup.bridgeJul(); // also when embedded (tests): gRPC's JUL records go through logback
        metrics.describe("teleflux_up", Metrics.Type.GAUGE, "1 while the collector runs");
        metrics.gauge("teleflux_up", () -> 1);
        writer = new InfluxWriter(cfg.influx(), metrics);
        writer.start();
        long telemetryGap = cfg.rate().maxGapFor(TELEMETRY_EXPECTED_INTERVAL).toMillis();
        long snmpGap = cfg.rate().maxGapFor(cfg.snmp().interval()).toMillis();
        rates = new RateStage(writer, source -> "snmp".equals(source) ? snmpGap : telemetryGap,
                cfg.rate().idleExpiry().toMillis(), cfg.rate().maxSeries(), metrics);
        if (cfg.dialout().enabled()) {
            DialoutConfig d = cfg.dialout();
            dialout = new DialoutServer(d, metrics);
            dialout.register(new H3cDialoutService(new H3cDecoder(metrics, d.maxRows(), d.maxDepth()), dialout.context(rates)));
            dialout.start();
        }
        if (cfg.snmp().enabled()) {
            if (replayClock == null) {
                snmp = new SnmpPoller(cfg.snmp(), rates, metrics).start();
            } else {
                snmp = new SnmpPoller(cfg.snmp(), rates, metrics, replayClock);
            }
        }
        if (cfg.http().enabled()) {
            http = new HttpEndpoint(cfg.http().listen().host(), cfg.http().listen().port(), metrics, this::health);
            http.start();
        }
        if (cfg.selfmon().enabled()) {
            reporter = new SelfmonReporter(metrics, writer, cfg.instance(), cfg.selfmon().interval().toMillis(),
                    replayClock == null ? System::currentTimeMillis : replayClock);
            if (replayClock == null) {
                reporter.start();
            }
        }
        LOG.info("teleflux started: instance {}, dial-out {}, {} SNMP target(s), writing to {} ({} API)", cfg.instance(),
                cfg.dialout().enabled() ? cfg.dialout().listen() : "off", cfg.snmp().targets().size(), cfg.influx().url(),
                cfg.influx().api().name().toLowerCase(java.util.Locale.ROOT));
        return this;
    }

    private HttpEndpoint.Health health() {
        double lastWrite = metrics.value("teleflux_write_last_success_ms");
        String json = "{\"status\":\"ok\",\"instance\":\"" + jsonEscape(cfg.instance()) + "\""
                + ",\"uptime_s\":" + (System.currentTimeMillis() - startedMs) / 1000
                + ",\"dialout_streams\":" + (long) metrics.value("teleflux_dialout_streams")
                + ",\"queue_points\":" + (long) metrics.value("teleflux_queue_points")
                + ",\"spool_points\":" + (long) metrics.value("teleflux_spool_points")
                + ",\"last_write_ms\":" + (long) lastWrite + "}";
        // an InfluxDB outage is reported in the body but keeps /health at 200: restarting the
        // collector would not help and would lose what it holds
        return new HttpEndpoint.Health(true, json);
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The bound dial-out port, or -1 when dial-out is disabled. */
    public int dialoutPort() {
        return dialout == null ? -1 : dialout.port();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Replay mode: polls every SNMP target once now, stamped by the replay clock. */
    Map<SnmpTarget, PollResult> pollSnmpNow() throws InterruptedException {
        if (replayClock == null || snmp == null) {
            throw new IllegalStateException("only in replay mode with SNMP targets");
        }
        return snmp.pollAllOnce();
    }

    /** Writes one self-monitoring snapshot now (stamped by the replay clock in replay mode). */
    void reportSelfmonNow() {
        if (reporter == null) {
            throw new IllegalStateException("self-monitoring is disabled");
        }
        reporter.report();
    }

    /** Replay mode: from now on, self-monitoring snapshots are also written on their schedule. */
    void startSelfmonSchedule() {
        if (replayClock == null || reporter == null) {
            throw new IllegalStateException("only in replay mode with self-monitoring enabled");
        }
        reporter.start();
    }

    /** Waits until everything accepted so far is written (tests). */
    public void flush() throws InterruptedException {
        writer.flush();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return; // a second close (shutdown hook after a test's own) must not report into a closed writer
        }
        closed = true;
        LOG.info("teleflux stopping");
        if (dialout != null) {
            dialout.stop(5_000);
        }
        if (snmp != null) {
            snmp.close();
        }
        if (reporter != null) {
            reporter.close();
            reporter.report();
        }
        if (writer != null) {
            writer.close();
        }
        if (http != null) {
            http.close();
        }
        LOG.info("teleflux stopped");
    }
}
