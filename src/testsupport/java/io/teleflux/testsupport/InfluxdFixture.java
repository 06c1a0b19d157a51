package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real InfluxDB 1.6.7 ({@code /usr/bin/influxd}) for integration tests.
 *
 * <p>Every directory (meta, data, wal) is in a fresh temp dir, and both of its ports are moved to
 * free ports on 127.0.0.1: the HTTP API and the RPC bind address (8088 by default), so that
 * fixtures never collide with each other or a system InfluxDB. Usage reporting and the internal
 * monitor store are off. influxd's output goes to {@code influxd.log} in the temp dir, and its tail
 * is in the exception when a start fails.
 *
 * <pre>{@code
 * try (InfluxdFixture influx = InfluxdFixture.launch()) {
 *     influx.createDatabase("telemetry");
 *     ... write to influx.url() ...
 *     InfluxQueryResult r = influx.query("telemetry", "SELECT * FROM interface");
 *     influx.kill();   // crash it (SIGKILL) ...
 *     influx.start();  // ... and bring it back on the same data dir and ports
 * }
 * }</pre>
 *
 * A missing binary fails the test (it does not skip it): CI installs the Debian package
 * {@code influxdb}. {@link #close()} stops the server and deletes the temp dir.
 */
public final class InfluxdFixture extends ServerFixture {
    public static final String BINARY = "/usr/bin/influxd";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final long maxBodySize;
    private int httpPort;
    private int rpcPort;

    /** Options for {@link #builder()}. */
    public static final class Builder {
        private long maxBodySize = 25_000_000;

        private Builder() {
        }

        /** {@code [http] max-body-size} in bytes (of the request body as sent, so compressed when gzip). */
        public Builder maxBodySize(long bytes) {
            this.maxBodySize = bytes;
            return this;
        }

        /** Starts influxd and waits until {@code /ping} answers 204. */
        public InfluxdFixture launch() {
            return launched(new InfluxdFixture(this));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A new influxd with default settings, started (see {@link Builder#launch()}). */
    public static InfluxdFixture launch() {
        return builder().launch();
    }

    private InfluxdFixture(Builder b) {
        super(BINARY, "install the Debian package 'influxdb' (see environment.md)", "teleflux-influxd-");
        this.maxBodySize = b.maxBodySize;
    }

    @Override
    protected void firstStart() {
        // a free port can be taken by another process between probing and binding: retry with new ones
        for (int attempt = 1; ; attempt++) {
            httpPort = FreePorts.next();
            rpcPort = FreePorts.next();
            writeConfig();
            process = new ManagedProcess("influxd", List.of(BINARY, "run", "-config", configFile().toString()),
                    dir, logFile());
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !process.tail(40).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void writeConfig() {
        String conf = """
                reporting-enabled = false
                bind-address = "127.0.0.1:%d"

                [meta]
                  dir = "%s"

                [data]
                  dir = "%s"
                  wal-dir = "%s"
                  query-log-enabled = false

                [monitor]
                  store-enabled = false

                [continuous_queries]
                  enabled = false

                [http]
                  bind-address = "127.0.0.1:%d"
                  auth-enabled = false
                  log-enabled = false
                  max-body-size = %d
                """.formatted(rpcPort, dir.resolve("meta"), dir.resolve("data"), dir.resolve("wal"), httpPort,
                maxBodySize);
        try {
            Files.writeString(configFile(), conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts influxd on this fixture's data dir and ports (again, after {@link #stop()} or
     * {@link #kill()}), and waits until {@code /ping} answers 204. With data, this takes seconds.
     */
    public void start() {
        process.start();
        try {
            process.awaitReady(READY_TIMEOUT, "/ping 204", () -> SimpleHttp.answers(url().resolve("/ping"), 204));
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting influxd", e);
        }
    }





    public URI url() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int port() {
        return httpPort;
    }

    public int rpcPort() {
        return rpcPort;
    }


    public Path logFile() {
        return dir.resolve("influxd.log");
    }

    public Path configFile() {
        return dir.resolve("influxd.conf");
    }

    /** {@code CREATE DATABASE "name"}; fails on any error. */
    public void createDatabase(String name) {
        post("CREATE DATABASE \"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    /** Runs an InfluxQL statement that changes something (CREATE, DROP, ...) through POST; fails on any error. */
    public InfluxQueryResult post(String influxql) {
        try {
            SimpleHttp.Response r = SimpleHttp.postForm(url().resolve("/query"), Map.of("q", influxql));
            return check(influxql, r);
        } catch (IOException e) {
            throw new UncheckedIOException("influxd did not answer " + influxql, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs an InfluxQL query on {@code db} with timestamps as epoch milliseconds. */
    public InfluxQueryResult query(String db, String influxql) {
        URI uri = url().resolve("/query?db=" + SimpleHttp.enc(db) + "&epoch=ms&q=" + SimpleHttp.enc(influxql));
        try {
            return check(influxql, SimpleHttp.get(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("influxd did not answer " + influxql, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static InfluxQueryResult check(String influxql, SimpleHttp.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException("influxd answered HTTP " + r.status() + " to " + influxql + ": " + r.body());
        }
        return InfluxQueryResult.parse(r.body());
    }


    @Override
    public String toString() {
        return "influxd " + url() + " in " + dir + " (" + process + ")";
    }
}
