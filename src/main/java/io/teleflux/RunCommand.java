package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.selfmon.FatalErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = {"Run the collector: receive gRPC dial-out telemetry, poll SNMP targets, compute rates and write to InfluxDB.",
                "Stops cleanly on SIGINT/SIGTERM, writing or spooling what it has received first, within teleflux.shutdown-timeout"
                        + " (then halts, exit 124). Exits 3 on an OutOfMemoryError, 1 when a port cannot be bound."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Exit code when the shutdown watchdog halts the process (as timeout(1) does). */
    static final int SHUTDOWN_TIMEOUT_EXIT = 124;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "HOCON configuration file (keys under `teleflux`, see reference.conf / docs/configuration.md).")
    Path config;

    @Override
    public Integer call() throws Exception {
        TelefluxConfig cfg;
        try {
            cfg = Components.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        LogSetup.apply(cfg.log());
        // an OutOfMemoryError must end the process, not leave it half-dead (see FatalErrors);
        // the image also runs with -XX:+ExitOnOutOfMemoryError, this covers `java -jar` without it
        FatalErrors.install();
        Collector collector = new Collector(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Duration deadline = cfg.shutdownTimeout();
        Thread hook = Thread.ofPlatform().name("shutdown").unstarted(() -> {
            startWatchdog(deadline);
            try {
                collector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        });
        try {
            collector.start();
        } catch (java.io.IOException e) {
            LOG.error("cannot start: {}", e.getMessage());
            collector.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }

    /**
     * A stop must end the process even when closing hangs (a write stuck on a dead InfluxDB, a
     * wedged thread): after {@code teleflux.shutdown-timeout} this halts it. Halt, not exit: exit
     * would wait for the shutdown hooks, the very thing that hangs. The spool is on disk already
     * (fsync per its setting), so what it holds is replayed on the next start.
     */
    static void startWatchdog(Duration deadline) {
        Thread.ofPlatform().name("shutdown-watchdog").daemon().start(() -> {
            try {
                Thread.sleep(deadline);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("teleflux: still stopping after teleflux.shutdown-timeout = " + deadline.toMillis()
                    + " ms; halting (exit " + SHUTDOWN_TIMEOUT_EXIT + "). The spool keeps what it holds; points that "
                    + "were only in memory are lost");
            System.err.flush();
            Runtime.getRuntime().halt(SHUTDOWN_TIMEOUT_EXIT);
        });
    }
}
