package io.teleflux;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;

import java.util.Map;
import java.util.function.BooleanSupplier;

/** Starts a real {@link Collector} on loopback free ports from a HOCON snippet (test helper). */
final class TestCollector {
    private TestCollector() {
    }

    /** {@code extra} is HOCON under the root; dial-out and HTTP listen on 127.0.0.1:0 unless it says otherwise. */
    static Collector start(String extra) throws Exception {
        return new Collector(config(extra)).start();
    }

    /** The configuration {@link #start(String)} runs with. */
    static TelefluxConfig config(String extra) {
        String base = """
                teleflux {
                  instance = it
                  dialout.listen = "127.0.0.1:0"
                  http.listen = "127.0.0.1:0"
                  selfmon.interval = 1s
                  influx.flush-interval = 100ms
                  influx.spool.dir = "%s"
                }
                """.formatted(spoolDir());
        TelefluxConfig cfg = Components.fromConfig(ConfigFactory.parseString(extra)
                .withFallback(ConfigFactory.parseString(base)), Map.of());
        return cfg;
    }

    /** Waits until everything the collector accepted so far is written. */
    static void flush(Collector c) throws InterruptedException {
        io.teleflux.influx.Drain.await(c.metrics());
    }

    /** A fresh spool directory per collector: collectors in one JVM must never share one (it is locked). */
    static String spoolDir() {
        java.nio.file.Path d = io.teleflux.testsupport.TempDirs.create("teleflux-spool-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> io.teleflux.testsupport.TempDirs.delete(d)));
        return d.toString();
    }

    static String v1(java.net.URI url) {
        return "teleflux.influx { api = v1, url = \"" + url + "\", database = telemetry }\n";
    }

    /** Polls {@code condition} every 100 ms for up to {@code seconds}; returns whether it became true. */
    static boolean await(int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
