package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = {"Run the collector: receive gRPC dial-out telemetry, poll SNMP targets, compute rates and write to InfluxDB.",
                "Stops cleanly on SIGINT/SIGTERM, writing what it has received first."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "HOCON configuration file (keys under `teleflux`, see reference.conf / README).")
    Path config;

    @Override
    public Integer call() throws Exception {
        TelefluxConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        LogSetup.apply(cfg.log());
        Collector collector = new Collector(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                collector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "shutdown");
        try {
            collector.start();
        } catch (java.io.IOException e) {
            LOG.error("cannot start: {}", e.toString());
            collector.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
