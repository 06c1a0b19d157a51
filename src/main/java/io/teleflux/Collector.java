package io.teleflux;

import io.teleflux.component.BindFailure;
import io.teleflux.component.Component;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.influx.InfluxWriter;
import io.teleflux.input.InputContext;
import io.teleflux.input.InputType;
import io.teleflux.input.Ownership;
import io.teleflux.kafka.KafkaConfig;
import io.teleflux.kafka.KafkaOutput;
import io.teleflux.kafka.ShareConfig;
import io.teleflux.kafka.TargetShare;
import io.teleflux.live.LiveConfig;
import io.teleflux.live.LiveTap;
import io.teleflux.point.PointSink;
import io.teleflux.rate.RateConfig;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.HandOffWatch;
import io.teleflux.selfmon.HealthConfig;
import io.teleflux.selfmon.HttpConfig;
import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Liveness;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.SelfmonConfig;
import io.teleflux.selfmon.SelfmonReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The running collector: an ordered list of {@link Component}s (writer, live view, rate stage,
 * self-monitoring, the inputs, the HTTP endpoint), started in order and closed in reverse, so that
 * whatever the inputs had received is written before the writer closes.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final TelefluxConfig cfg;
    private final List<InputType<?>> inputTypes;
    private final LongSupplier clock;
    private final Metrics metrics = new Metrics();
    private final long startedMs = System.currentTimeMillis();
    private final Liveness liveness = Liveness.systemClock();
    private final List<Component> components = new ArrayList<>();
    private final List<Component> started = new ArrayList<>();
    private UnaryOperator<PointSink> testWedge = UnaryOperator.identity();
    private PointSink pipeline;
    private boolean kafkaOutput;
    private boolean closed;

    public Collector(TelefluxConfig cfg) {
        this(cfg, Components.INPUTS, System::currentTimeMillis);
    }

    /**
     * @param inputTypes the inputs whose blocks {@code cfg} was loaded with
     * @param clock      epoch ms for what the collector stamps itself (SNMP polls, self-monitoring)
     */
    Collector(TelefluxConfig cfg, List<InputType<?>> inputTypes, LongSupplier clock) {
        this.cfg = cfg;
        this.inputTypes = List.copyOf(inputTypes);
        this.clock = clock;
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
     * Builds and starts the components. The HTTP endpoint binds first and serves last, so that a
     * port in use fails before devices could connect, and /health does not answer before every
     * input runs.
     *
     * @throws IOException when a port cannot be bound or the spool cannot be used; the message
     *                     names the key. The caller closes the collector.
     */
    public Collector start() throws IOException {
        LogSetup.bridgeJul(); // also when embedded (tests): gRPC's JUL records go through logback
        metrics.describe(CollectorMetrics.UP, Metrics.Type.GAUGE, "1 while the collector runs");
        metrics.gauge(CollectorMetrics.UP, () -> 1);
        HttpConfig httpCfg = cfg.get(HttpConfig.SECTION);
        HttpEndpoint http = null;
        if (httpCfg.enabled()) {
            var listen = httpCfg.listen();
            try {
                http = new HttpEndpoint(listen.host(), listen.port(), metrics, this::health, httpCfg.token());
            } catch (IOException e) {
                throw BindFailure.of("the HTTP endpoint", listen.host() + ":" + listen.port(), "teleflux.http.listen", e);
            }
        }
        long stallMs = cfg.get(HealthConfig.SECTION).stallTimeout().toMillis();

        // the outputs: InfluxDB, Kafka, or both (Components.load requires at least one)
        List<InfluxWriter> writers = new ArrayList<>();
        InfluxConfig influxCfg = cfg.get(InfluxConfig.SECTION);
        if (influxCfg.enabled()) {
            writers.add(new InfluxWriter(influxCfg, metrics));
        }
        KafkaConfig kafkaCfg = cfg.get(KafkaConfig.SECTION);
        if (kafkaCfg.enabled()) {
            writers.add(KafkaOutput.create(kafkaCfg, cfg.instance(), metrics));
            kafkaOutput = true;
        }
        for (InfluxWriter w : writers) {
            add(w);
            liveness.register(w.name(), now -> w.problem(now, stallMs));
        }
        Outputs writer = new Outputs(writers);

        RateConfig rate = cfg.get(RateConfig.SECTION);
        InputContext[] ctx = new InputContext[1]; // the rate stage asks it for intervals the inputs declare below
        PointSink afterRates = LiveTap.wire(cfg.get(LiveConfig.SECTION), http, writer, metrics, clock, rate.idleExpiry().toMillis(),
                source -> declaredInterval(ctx[0], source).toMillis(), rate.maxSeries(), this::add);
        RateStage rates = new RateStage(afterRates, source ->
                rate.maxGapFor(declaredInterval(ctx[0], source)).toMillis(), rate.idleExpiry().toMillis(), rate.maxSeries(), metrics, clock);
        add(rates);

        SelfmonConfig selfmon = cfg.get(SelfmonConfig.SECTION);
        if (selfmon.enabled()) {
            SelfmonReporter reporter = new SelfmonReporter(metrics, writer, cfg.instance(), selfmon.interval().toMillis(), clock)
                    .finalReportUnless(writer::holdingBack);
            add(reporter);
            liveness.register("selfmon", now -> reporter.problem());
        }

        // every input hands its points on through this watch: /health sees points that do not move on
        HandOffWatch inputs = new HandOffWatch(testWedge.apply(rates), liveness);
        liveness.register("pipeline", inputs.check(stallMs, writer::holdingBack));
        pipeline = inputs;
        // shared polling: started before the inputs, closed after them (leaving the group hands their targets on)
        Ownership ownership = Ownership.ALL;
        ShareConfig shareCfg = cfg.get(ShareConfig.SECTION);
        if (shareCfg.enabled()) {
            TargetShare share = new TargetShare(shareCfg, kafkaCfg, cfg.instance(), metrics);
            add(share);
            liveness.register(share.name(), share::problem);
            ownership = Ownership.of(share::owns, share::onChange);
        }
        ctx[0] = new InputContext(inputs, metrics, liveness, cfg.instance(), Duration.ofMillis(stallMs), clock,
                writer::holdingBack, ownership);
        List<String> running = new ArrayList<>();
        for (InputType<?> type : inputTypes) {
            Component input = create(type, ctx[0]);
            if (input != null) {
                add(input);
                running.add(input.name());
            }
        }
        if (http != null) {
            add(http);
        }
        for (Component c : components) {
            c.start();
            started.add(c);
        }
        LOG.info("teleflux started: instance {}, inputs {}, writing to {}", cfg.instance(),
                running.isEmpty() ? "none" : String.join(", ", running), String.join(" and ",
                        writers.stream().map(w -> w.name().equals("influx") ? "InfluxDB " + influxCfg.url()
                                : "Kafka topic " + kafkaCfg.topic()).toList()));
        return this;
    }

    private static Duration declaredInterval(InputContext ctx, String source) {
        Duration declared = ctx == null ? null : ctx.interval(source);
        return declared == null ? RateConfig.DEFAULT_INTERVAL : declared;
    }

    private <C> Component create(InputType<C> type, InputContext ctx) {
        return type.create(cfg.get(type), ctx);
    }

    private void add(Component c) {
        components.add(c);
    }

    /**
     * /health: 200 while every liveness check passes, else 503 with the reasons in {@code problems}.
     * Restarting must be able to cure what makes it 503 (see {@link Liveness}): an InfluxDB outage
     * is shown in the body (last_write_ms, spool_points) but keeps 200, since a restart would not
     * bring InfluxDB back and would only lose what the collector holds in memory.
     */
    HttpEndpoint.Health health() {
        List<String> problems = liveness.problems();
        StringBuilder p = new StringBuilder("[");
        for (String s : problems) {
            p.append(p.length() > 1 ? "," : "").append('"').append(jsonEscape(s)).append('"');
        }
        p.append(']');
        String json = "{\"status\":\"" + (problems.isEmpty() ? "ok" : "unhealthy") + "\""
                + ",\"instance\":\"" + jsonEscape(cfg.instance()) + "\""
                + ",\"uptime_s\":" + (System.currentTimeMillis() - startedMs) / 1000
                + ",\"dialout_streams\":" + (long) metrics.value(CollectorMetrics.DIALOUT_STREAMS)
                + ",\"queue_points\":" + (long) metrics.value(CollectorMetrics.QUEUE_POINTS)
                + ",\"spool_points\":" + (long) metrics.value(CollectorMetrics.SPOOL_POINTS)
                + ",\"last_write_ms\":" + (long) metrics.value(CollectorMetrics.LAST_WRITE)
                + (kafkaOutput ? ",\"kafka\":{\"queue_points\":" + (long) metrics.value(CollectorMetrics.KAFKA_QUEUE_POINTS)
                        + ",\"spool_points\":" + (long) metrics.value(CollectorMetrics.KAFKA_SPOOL_POINTS)
                        + ",\"last_write_ms\":" + (long) metrics.value(CollectorMetrics.KAFKA_LAST_WRITE) + "}" : "")
                + ",\"problems\":" + p + "}";
        return new HttpEndpoint.Health(problems.isEmpty(), json);
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Where inputs hand their points: an embedding program (or a test) may hand points here too. */
    public PointSink pipeline() {
        return pipeline;
    }

    /** The running component of this class, if the configuration has one. */
    public <T> Optional<T> component(Class<T> type) {
        return components.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The bound dial-out port, or -1 when dial-out is disabled. */
    public int dialoutPort() {
        return component(io.teleflux.dialout.DialoutServer.class).map(io.teleflux.dialout.DialoutServer::port).orElse(-1);
    }

    public int httpPort() {
        return component(HttpEndpoint.class).map(HttpEndpoint::port).orElse(-1);
    }

    /** Closes within about {@code teleflux.shutdown-timeout}; see {@link #close(Duration)}. */
    @Override
    public void close() throws InterruptedException {
        close(cfg.shutdownTimeout());
    }

    /**
     * Closes the components in reverse order, each with what is left of {@code budget}; the writer,
     * closed last, keeps at least a second to put what it holds in memory into the spool.
     * RunCommand's watchdog halts the process if all of it still takes too long.
     */
    public synchronized void close(Duration budget) throws InterruptedException {
        if (closed) {
            return; // a second close (shutdown hook after a test's own) must not report into a closed writer
        }
        closed = true;
        LOG.info("teleflux stopping");
        long deadline = System.nanoTime() + budget.toNanos();
        // what was built but not started is closed too (a failed start): close is safe before start
        for (int i = components.size() - 1; i >= 0; i--) {
            Component c = components.get(i);
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                c.close(Duration.ofNanos(left));
            } catch (RuntimeException e) {
                LOG.warn("closing {}: {}", c.name(), e.toString(), e); // the others still close
            }
        }
        LOG.info("teleflux stopped");
    }
}
