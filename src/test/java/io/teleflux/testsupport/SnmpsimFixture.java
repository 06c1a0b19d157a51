package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Simulated SNMP agents: one real {@code snmpsimd} (Debian {@code snmpsim} 0.4.5) process on
 * 127.0.0.1 and a free UDP port, serving one agent per v2c community from {@code <community>.snmprec}
 * files written by {@link Snmprec}.
 *
 * <ul>
 *   <li>As root, snmpsimd must drop to {@code nobody:nogroup} (given on the command line); the
 *       data dir is made world-readable and the cache dir world-writable for that;</li>
 *   <li>{@link #restart()} stops and starts it on the same port and data: counters of the
 *       {@code numeric} variation start again from their {@code initial} value, as after a real
 *       agent reboot;</li>
 *   <li>one snmpsimd answers one request at a time (and at most 64 varbinds per answer, which
 *       exercises GETBULK answers cut short), so a {@code delay}ed agent slows every agent of its
 *       process: put a slow agent in a fixture of its own;</li>
 *   <li>{@link #bootWindow(String)} says when the process's clock for {@code numeric} started, from
 *       the agent's sysUpTime.0, so that tests can compute the exact values it answers.</li>
 * </ul>
 *
 * A missing binary fails the test: CI installs the Debian packages {@code snmpsim} and {@code snmp}.
 */
public final class SnmpsimFixture implements AutoCloseable {
    public static final String BINARY = "/usr/bin/snmpsimd";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Agents to serve, by community. */
    public static final class Builder {
        private final Map<String, Snmprec> agents = new LinkedHashMap<>();
        private int port;
        private int addresses = 1;

        private Builder() {
        }

        /**
         * Listen on 127.0.0.1 .. 127.0.0.n (same port), so that its agents can be polled as distinct
         * targets: the community picks the agent whatever the address.
         */
        public Builder addresses(int n) {
            this.addresses = n;
            return this;
        }

        public Builder agent(String community, Snmprec data) {
            agents.put(community, data);
            return this;
        }

        /** Listen on this UDP port instead of a free one (e.g. one a test first used as a dead address). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Writes the data files, starts snmpsimd and waits until every agent answers. */
        public SnmpsimFixture launch() {
            if (agents.isEmpty()) {
                throw new IllegalArgumentException("no agents");
            }
            SnmpsimFixture f = new SnmpsimFixture(this);
            try {
                f.firstStart();
                return f;
            } catch (RuntimeException | Error e) {
                f.close();
                throw e;
            }
        }
    }

    /**
     * When snmpsimd's {@code numeric} clock started, as epoch ms: between {@code earliestMs} and
     * {@code latestMs} (the width is one round trip plus the 10 ms resolution of TimeTicks).
     */
    public record BootWindow(double earliestMs, double latestMs) {
    }

    private final Path dir;
    private final Map<String, Snmprec> agents;
    private final int fixedPort;
    private final int addresses;
    private int port;
    private ManagedProcess process;

    private SnmpsimFixture(Builder b) {
        ManagedProcess.requireExecutable(BINARY, "install the Debian package 'snmpsim' (see environment.md)");
        ManagedProcess.requireExecutable(SnmpdFixture.SNMPGET, "install the Debian package 'snmp' (see environment.md)");
        this.agents = new LinkedHashMap<>(b.agents);
        this.fixedPort = b.port;
        this.addresses = b.addresses;
        this.dir = TempDirs.create("teleflux-snmpsim-");
    }

    public static Builder builder() {
        return new Builder();
    }

    private void firstStart() {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(dataDir());
            Files.setPosixFilePermissions(dataDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(cacheDir());
            Files.setPosixFilePermissions(cacheDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
            for (Map.Entry<String, Snmprec> a : agents.entrySet()) {
                Path f = dataDir().resolve(a.getKey() + ".snmprec");
                Files.writeString(f, a.getValue().render(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 1; ; attempt++) {
            port = fixedPort > 0 ? fixedPort : FreePorts.nextUdp();
            List<String> cmd = new ArrayList<>(List.of(BINARY, "--data-dir=" + dataDir(), "--cache-dir=" + cacheDir()));
            for (int i = 1; i <= addresses; i++) {
                cmd.add("--agent-udpv4-endpoint=127.0.0." + i + ":" + port);
            }
            cmd.addAll(List.of("--process-user=nobody", "--process-group=nogroup", "--logging-method=null"));
            process = new ManagedProcess("snmpsimd", cmd, dir, dir.resolve("snmpsimd.log"));
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || fixedPort > 0 || !process.tail(40).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** Starts snmpsimd (again) on this fixture's port and data; waits until every agent answers. */
    public void start() {
        process.start();
        try {
            process.awaitReady(READY_TIMEOUT, "answers from every agent", () -> {
                for (String community : agents.keySet()) {
                    if (get(community, IfMibAgent.SYS_DESCR) == null) {
                        return false;
                    }
                }
                return true;
            });
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting snmpsimd", e);
        }
    }

    /** Graceful stop (SIGTERM, then SIGKILL). */
    public void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    /** An agent reboot: stop, start; counters start again from their initial values. */
    public void restart() {
        stop();
        start();
    }

    /**
     * The value of one object as {@code snmpget -Oqv -Ot} prints it (TimeTicks as plain hundredths),
     * or null when the agent does not answer.
     */
    public String get(String community, String oid) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SnmpdFixture.SNMPGET, "-v2c", "-c", community, "-m", "", "-M", "/dev/null",
                "-r", "0", "-t", "1", "-Oqv", "-Ot", "127.0.0.1:" + port, oid));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("client").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
    }

    /**
     * When the running snmpsimd's {@code numeric} clock started, measured from the sysUpTime.0 of
     * {@code community}'s agent (written by {@link IfMibAgent} as a numeric TimeTicks counter with rate
     * 100 from 0: hundredths of a second since that moment, truncated).
     */
    public BootWindow bootWindow(String community) throws IOException, InterruptedException {
        long before = System.currentTimeMillis();
        String ticks = get(community, IfMibAgent.SYS_UPTIME);
        long after = System.currentTimeMillis();
        if (ticks == null) {
            throw new IllegalStateException("no sysUpTime.0 from agent " + community);
        }
        long t = Long.parseLong(ticks);
        // the agent read its clock at some moment m in [before, after]: t <= 100 * (m - boot) / 1000 < t + 1
        return new BootWindow(before - (t + 1) * 10.0, after - t * 10.0);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as a target address. */
    public String address() {
        return address(1);
    }

    /** {@code 127.0.0.<n>:<port>}, n = 1 .. {@link Builder#addresses(int)}. */
    public String address(int n) {
        if (n < 1 || n > addresses) {
            throw new IllegalArgumentException("address 1.." + addresses);
        }
        return "127.0.0." + n + ":" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    private Path cacheDir() {
        return dir.resolve("cache");
    }

    /** Stops snmpsimd and deletes the temp dir. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.stop(Duration.ofSeconds(10));
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Override
    public String toString() {
        return "snmpsimd udp:" + address() + " " + agents.keySet() + " in " + dir + " (" + process + ")";
    }
}
