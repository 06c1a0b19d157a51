package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.component.BindFailure;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.kafka.KafkaConfig;
import io.teleflux.kafka.Relay;
import io.teleflux.kafka.RelayConfig;
import io.teleflux.selfmon.FatalErrors;
import io.teleflux.selfmon.HttpConfig;
import io.teleflux.selfmon.HttpEndpoint;
import io.teleflux.selfmon.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = {"Relay line protocol from Kafka (teleflux.kafka.topic) to InfluxDB (teleflux.influx) as a member of "
                + "the consumer group teleflux.relay.group-id; several relays share the topic's partitions.",
                "Offsets are committed only after InfluxDB acknowledged the lines (at least once). Serves /metrics and "
                        + "/health on teleflux.http.listen. Stops on SIGINT/SIGTERM; exits 2 on a bad configuration, "
                        + "1 when the HTTP port cannot be bound."})
final class RelayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "HOCON configuration file: teleflux.kafka (brokers, topic, security), teleflux.relay, "
                    + "teleflux.influx, teleflux.http (see docs/kafka.md).")
    Path config;

    @Override
    public Integer call() throws Exception {
        TelefluxConfig cfg;
        try {
            cfg = Components.loadRelay(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        LogSetup.apply(cfg.log());
        FatalErrors.install();
        Metrics metrics = new Metrics();
        Relay relay = new Relay(cfg.get(KafkaConfig.SECTION), cfg.get(RelayConfig.SECTION), cfg.get(InfluxConfig.SECTION),
                cfg.instance(), metrics);
        HttpEndpoint http = null;
        HttpConfig httpCfg = cfg.get(HttpConfig.SECTION);
        if (httpCfg.enabled()) {
            var listen = httpCfg.listen();
            try {
                http = new HttpEndpoint(listen.host(), listen.port(), metrics, () -> health(relay, cfg.instance()));
            } catch (IOException e) {
                LOG.error("cannot start: {}", BindFailure.of("the HTTP endpoint", listen.host() + ":" + listen.port(),
                        "teleflux.http.listen", e).getMessage());
                relay.close(Duration.ZERO);
                return 1;
            }
        }
        HttpEndpoint endpoint = http;
        CountDownLatch stopped = new CountDownLatch(1);
        Duration deadline = cfg.shutdownTimeout();
        Thread hook = Thread.ofPlatform().name("shutdown").unstarted(() -> {
            RunCommand.startWatchdog(deadline);
            try {
                if (endpoint != null) {
                    endpoint.close(Duration.ofSeconds(1));
                }
                relay.close(deadline.minusSeconds(1).isNegative() ? deadline : deadline.minusSeconds(1));
            } finally {
                stopped.countDown();
            }
        });
        relay.start();
        if (endpoint != null) {
            endpoint.start();
        }
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }

    static HttpEndpoint.Health health(Relay relay, String instance) {
        String problem = relay.problem();
        String json = "{\"status\":\"" + (problem == null ? "ok" : "unhealthy") + "\",\"instance\":\""
                + instance.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"problems\":["
                + (problem == null ? "" : "\"" + problem.replace("\\", "\\\\").replace("\"", "\\\"") + "\"") + "]}";
        return new HttpEndpoint.Health(problem == null, json);
    }
}
