package io.teleflux;

import io.teleflux.config.DialoutConfig;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.dialout.DialoutServer;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.dialout.h3c.H3cDialoutService;
import io.teleflux.influx.InfluxWriter;
import io.teleflux.point.PointSink;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.HandOffWatch;
import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Liveness;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.SelfmonReporter;
import io.teleflux.config.SnmpTarget;
import io.teleflux.snmp.PollResult;
import io.teleflux.snmp.SnmpPoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

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
    private final Liveness liveness = Liveness.systemClock();
    private UnaryOperator<PointSink> testWedge = UnaryOperator.identity();
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

    /**
     * Tests only: wraps the sink between the inputs' hand-off watch and the rate stage, so that a
     * test can wedge the pipeline as a deadlocked stage would. Call before {@link #start()}.
     */
    Collector wrapPipelineForTest(UnaryOperator<PointSink> wrapper) {
        this.testWedge = wrapper;
        return this;
    }

    /**
     * Starts the components. The HTTP endpoint binds first and the dial-out listener last of the
     * listeners, so that a port in use fails before devices could connect, and the error names the
     * address and the key.
     *
     * @throws IOException when a port cannot be bound or the spool cannot be used; the message
     *                     names the key. The caller closes the collector.
     */
    public Collector start() throws IOException {
        LogSetup.bridgeJul(); // also when embedded (tests): gRPC's JUL records go through logback
        metrics.describe("teleflux_up", Metrics.Type.GAUGE, "1 while the collector runs");
        metrics.gauge("teleflux_up", () -> 1);
        if (cfg.http().enabled()) {
            var listen = cfg.http().listen();
            try {
                http = new HttpEndpoint(listen.host(), listen.port(), metrics, this::health);
            } catch (IOException e) {
                throw bindFailure("the HTTP endpoint", listen.host() + ":" + listen.port(), "teleflux.http.listen", e);
            }
            // bound now, served once everything is started: /health does not answer before dial-out listens
        }
        writer = new InfluxWriter(cfg.influx(), metrics);
        writer.start();
        long stallMs = cfg.health().stallTimeout().toMillis();
        liveness.register("influx", now -> writer.problem(now, stallMs));
        long telemetryGap = cfg.rate().maxGapFor(TELEMETRY_EXPECTED_INTERVAL).toMillis();
        long snmpGap = cfg.rate().maxGapFor(cfg.snmp().interval()).toMillis();
        rates = new RateStage(writer, source -> "snmp".equals(source) ? snmpGap : telemetryGap,
                cfg.rate().idleExpiry().toMillis(), cfg.rate().maxSeries(), metrics);
        // every input hands its points on through this watch: /health sees points that do not move on
        HandOffWatch inputs = new HandOffWatch(testWedge.apply(rates), liveness);
        liveness.register("pipeline", inputs.check(stallMs, writer::holdingBack));
        if (cfg.dialout().enabled()) {
            DialoutConfig d = cfg.dialout();
            dialout = new DialoutServer(d, metrics);
            dialout.register(new H3cDialoutService(new H3cDecoder(metrics, d.maxRows(), d.maxDepth()), dialout.context(inputs)));
            try {
                dialout.start();
            } catch (IOException e) {
                throw bindFailure("the dial-out listener", d.listen().host() + ":" + d.listen().port(),
                        "teleflux.dialout.listen", e);
            }
            liveness.register("dialout", now -> {
                double stalled = metrics.value("teleflux_dialout_decode_stalled_seconds");
                return stalled * 1000 > stallMs && !writer.holdingBack()
                        ? "no decode worker has finished a message for " + (long) stalled + " s while messages wait"
                        : null;
            });
        }
        if (cfg.snmp().enabled()) {
            if (replayClock == null) {
                snmp = new SnmpPoller(cfg.snmp(), inputs, metrics).start();
                liveness.register("snmp", now -> snmp.problem(now, stallMs));
            } else {
                snmp = new SnmpPoller(cfg.snmp(), inputs, metrics, replayClock);
            }
        }
        if (cfg.selfmon().enabled()) {
            reporter = new SelfmonReporter(metrics, writer, cfg.instance(), cfg.selfmon().interval().toMillis(),
                    replayClock == null ? System::currentTimeMillis : replayClock);
            if (replayClock == null) {
                reporter.start();
            }
            liveness.register("selfmon", now -> reporter.problem());
        }
        if (http != null) {
            http.start();
        }
        LOG.info("teleflux started: instance {}, dial-out {}, {} SNMP target(s), writing to {} ({} API)", cfg.instance(),
                cfg.dialout().enabled() ? cfg.dialout().listen() : "off", cfg.snmp().targets().size(), cfg.influx().url(),
                cfg.influx().api().name().toLowerCase(java.util.Locale.ROOT));
        return this;
    }

    /**
     * A port in use says which address and which key, instead of a bare BindException. Other I/O
     * failures (e.g. TLS files) keep their own message. gRPC's Netty reports a bind failure as
     * "Failed to bind to address" with a native exception ("bind(..) failed: Address already in use")
     * as its cause, not a BindException.
     */
    private static IOException bindFailure(String what, String address, String key, IOException e) {
        boolean bind = false;
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            root = t;
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            bind |= t instanceof BindException || m.contains("failed to bind") || m.contains("bind(");
        }
        if (!bind) {
            return e;
        }
        return new IOException("cannot start " + what + ": " + address + " (" + key + ") cannot be bound: "
                + root.getMessage() + "; is another process (another collector?) listening there? Change " + key
                + " or stop that process", e);
    }

    /**
     * /health: 200 while every liveness check passes, else 503 with the reasons in {@code problems}.
     * Restarting must be able to cure what makes it 503 (see {@link Liveness}): an InfluxDB outage
     * is shown in the body (last_write_ms, spool_points) but keeps 200, since a restart would not
     * bring InfluxDB back and would only lose what the collector holds in memory.
     */
    HttpEndpoint.Health health() {
        List<String> problems = liveness.problems();
        double lastWrite = metrics.value("teleflux_write_last_success_ms");
        StringBuilder p = new StringBuilder("[");
        for (String s : problems) {
            p.append(p.length() > 1 ? "," : "").append('"').append(jsonEscape(s)).append('"');
        }
        p.append(']');
        String json = "{\"status\":\"" + (problems.isEmpty() ? "ok" : "unhealthy") + "\""
                + ",\"instance\":\"" + jsonEscape(cfg.instance()) + "\""
                + ",\"uptime_s\":" + (System.currentTimeMillis() - startedMs) / 1000
                + ",\"dialout_streams\":" + (long) metrics.value("teleflux_dialout_streams")
                + ",\"queue_points\":" + (long) metrics.value("teleflux_queue_points")
                + ",\"spool_points\":" + (long) metrics.value("teleflux_spool_points")
                + ",\"last_write_ms\":" + (long) lastWrite
                + ",\"problems\":" + p + "}";
        return new HttpEndpoint.Health(problems.isEmpty(), json);
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

    /** Closes within about {@code teleflux.shutdown-timeout}; see {@link #close(Duration)}. */
    @Override
    public void close() throws InterruptedException {
        close(cfg.shutdownTimeout());
    }

    /**
     * Stops the inputs, then drains the writer, sharing {@code budget} between them so that the
     * writer still has time to put what it holds in memory into the spool. Every step is bounded
     * on its own too; RunCommand's watchdog halts the process if all of it still takes too long.
     */
    public synchronized void close(Duration budget) throws InterruptedException {
        if (closed) {
            return; // a second close (shutdown hook after a test's own) must not report into a closed writer
        }
        closed = true;
        LOG.info("teleflux stopping");
        long deadline = System.nanoTime() + budget.toNanos();
        if (dialout != null) {
            // stop() may wait its grace twice (streams, then decoding): a fifth of the budget each
            dialout.stop(Math.max(100, Math.min(5_000, budget.toMillis() / 5)));
        }
        if (snmp != null) {
            snmp.close();
        }
        if (reporter != null) {
            reporter.close();
            if (writer != null && !writer.holdingBack()) {
                reporter.report(); // the last counts; skipped when it would only wait for room in a full writer
            }
        }
        if (writer != null) {
            // drain for at most half of what is left, then wait for the senders for what remains
            // but a second, which is left for putting what is still in memory into the spool
            long left = Math.max(0, deadline - System.nanoTime());
            long drain = Math.min(cfg.influx().timeout().plus(cfg.influx().flushInterval()).toNanos(), left / 2);
            long join = Math.min(cfg.influx().timeout().plusSeconds(2).toNanos(),
                    Math.max(100_000_000L, left - drain - 1_000_000_000L));
            writer.close(Duration.ofNanos(drain), Duration.ofNanos(join));
        }
        if (http != null) {
            http.close();
        }
        LOG.info("teleflux stopped");
    }
}
