package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real gNMI target for integration tests: {@code src/test/python/gnmi_target.py} on Debian's
 * python3-grpcio, with stubs generated from {@code proto/gnmi/} at test time (once per JVM). It
 * listens on a free port on 127.0.0.1 and is stopped by its PID ({@link ManagedProcess}).
 *
 * <p>Its values are a function of the sample time (see the script's docstring); the static
 * methods here compute them, so that a test can compare what InfluxDB holds with what was sent.
 *
 * <pre>{@code
 * try (GnmiTargetFixture t = GnmiTargetFixture.builder().startMs(T).samples(3).launch()) {
 *     ... teleflux.gnmi.targets = [ { name = leaf1, address = "<t.address()>", tls.enabled = false } ] ...
 * }
 * }</pre>
 */
public final class GnmiTargetFixture implements AutoCloseable {
    public static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio is only visible to the system python
    private static final Path SCRIPT = Path.of("src/test/python/gnmi_target.py").toAbsolutePath();
    private static Path generated;

    private final Path dir;
    private final int port;
    private final ManagedProcess process;

    /** Options, as the script's command-line flags. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private long startMs = System.currentTimeMillis() / 1000 * 1000 - 60_000;

        private Builder() {
        }

        private Builder add(String... a) {
            args.addAll(List.of(a));
            return this;
        }

        /** Device names, chosen by the subscription prefix's target (the first when one and no target). */
        public Builder devices(String... names) {
            return add("--devices", String.join(",", names));
        }

        public Builder interfaces(int n) {
            return add("--interfaces", Integer.toString(n));
        }

        /** Epoch ms of the first sample (a whole second). */
        public Builder startMs(long ms) {
            this.startMs = ms;
            return this;
        }

        /** Samples sent at once on Subscribe, {@code stepMs} apart. */
        public Builder samples(int n) {
            return add("--samples", Integer.toString(n));
        }

        public Builder stepMs(long ms) {
            return add("--step-ms", Long.toString(ms));
        }

        /** After the samples, one more per step of wall clock, for as long as the stream lasts. */
        public Builder live() {
            return add("--live");
        }

        public Builder encodings(String commaSeparated) {
            return add("--encodings", commaSeparated);
        }

        public Builder tls(TestPki.Files server) {
            return add("--tls-cert", server.cert().toString(), "--tls-key", server.key().toString());
        }

        /** Mutual TLS: a client certificate signed by this CA is required. */
        public Builder clientCa(Path ca) {
            return add("--client-ca", ca.toString());
        }

        public Builder credentials(String username, String password) {
            return add("--username", username, "--password", password);
        }

        /** Before the first sample: a notification with bad values, and one with a nameless path element. */
        public Builder malformed() {
            return add("--malformed");
        }

        /** Every stream ends (OK) after its first notification. */
        public Builder closeAfterOne() {
            return add("--close-after-one");
        }

        /** ON_CHANGE subscriptions are refused with INVALID_ARGUMENT. */
        public Builder noOnChange() {
            return add("--no-on-change");
        }

        /** JSON_IETF as one object per container. */
        public Builder jsonContainer() {
            return add("--json-container");
        }

        /** After the sync_response, one notification deleting /interfaces/interface[name=Ethernet1/99]. */
        public Builder delete() {
            return add("--delete");
        }

        /** The fixture with its port chosen, not started: for a target that is down at first. */
        public GnmiTargetFixture build() {
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of("--start-ms", Long.toString(startMs)));
            return new GnmiTargetFixture(all);
        }

        /** Starts it and waits until it listens. */
        public GnmiTargetFixture launch() {
            GnmiTargetFixture f = build();
            try {
                f.start();
                return f;
            } catch (RuntimeException | InterruptedException e) {
                f.close();
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private GnmiTargetFixture(List<String> args) {
        ManagedProcess.requireExecutable(PYTHON, "install Debian's python3-grpcio and python3-grpc-tools");
        this.dir = TempDirs.create("gnmi-target-");
        this.port = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), "--port", Integer.toString(port),
                "--gen-dir", stubs().toString()));
        cmd.addAll(args);
        this.process = new ManagedProcess("gnmi_target.py", cmd, dir, dir.resolve("gnmi_target.log"));
    }

    /** The gNMI stubs, generated once per JVM with grpc_tools.protoc from proto/gnmi/. */
    static synchronized Path stubs() {
        if (generated != null) {
            return generated;
        }
        Path out = TempDirs.create("gnmi-py-stubs-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(out)));
        List<String> cmd = List.of(PYTHON, "-m", "grpc_tools.protoc", "-I" + Path.of("proto").toAbsolutePath(),
                "--python_out=" + out, "--grpc_python_out=" + out, "gnmi/gnmi.proto", "gnmi/gnmi_ext.proto");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed:\n" + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        generated = out;
        return out;
    }

    /** Starts (or restarts, on the same port) and waits until it listens. */
    public void start() throws InterruptedException {
        int before = readyLines();
        process.start();
        process.awaitReady(Duration.ofSeconds(60), "READY", () -> readyLines() > before);
    }

    private int readyLines() {
        return (int) lines().stream().filter(l -> l.startsWith("READY ")).count();
    }

    /** SIGTERM, and wait until it is gone. */
    public void stop() {
        process.stop(Duration.ofSeconds(5));
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything it printed so far. */
    public List<String> lines() {
        try {
            return Files.exists(process.logFile()) ? Files.readAllLines(process.logFile(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The SubscriptionLists received, as the JSON the script printed (one per Subscribe). */
    public List<String> subscribeRequests() {
        return lines().stream().filter(l -> l.startsWith("SUBSCRIBE ")).map(l -> l.substring(10)).toList();
    }

    @Override
    public void close() {
        process.close();
        TempDirs.delete(dir);
    }

    // ---- the values the script serves (see its docstring) ----

    static long e(long tMs, long startMs) {
        return (tMs - startMs) / 1000;
    }

    /** in-octets of interface {@code i} (0-based) of device {@code d} at {@code tMs}. */
    public static long inOctets(int d, int i, long tMs, long startMs) {
        return 1_000_000_000L * (i + 1) + 10_000_000L * d + 125_000L * (i + 1) * e(tMs, startMs);
    }

    public static long outOctets(int d, int i, long tMs, long startMs) {
        return 2_000_000_000L * (i + 1) + 10_000_000L * d + 250_000L * (i + 1) * e(tMs, startMs);
    }

    /** in-unicast + in-multicast + in-broadcast. */
    public static long inPkts(int i, long tMs, long startMs) {
        long e = e(tMs, startMs);
        return 1_000_000 + 100L * (i + 1) * e + 1000 + 10 * e + 100 + e;
    }

    public static long outPkts(int i, long tMs, long startMs) {
        long e = e(tMs, startMs);
        return 2_000_000 + 200L * (i + 1) * e + 2000 + 20 * e + 200 + 2 * e;
    }

    public static long inUcastPkts(int i, long tMs, long startMs) {
        return 1_000_000 + 100L * (i + 1) * e(tMs, startMs);
    }

    /** The interface's name: Ethernet1/&lt;i+1&gt;. */
    public static String iface(int i) {
        return "Ethernet1/" + (i + 1);
    }

    @Override
    public String toString() {
        return "gnmi_target.py on " + address() + " (" + process + ")";
    }
}
