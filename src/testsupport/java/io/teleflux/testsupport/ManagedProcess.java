package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server process started by a test fixture (or a benchmark): the shared start / wait-until-ready /
 * stop / kill / log-tail code of every fixture.
 *
 * <ul>
 *   <li>stdout and stderr go to a log file (appended across restarts, with a marker line per start),
 *       so that a failing start can show what the server said;</li>
 *   <li>{@link #stop} sends SIGTERM and escalates to SIGKILL after a grace period; {@link #kill}
 *       sends SIGKILL at once (a crash, for outage tests). Both act on this process's PID only;</li>
 *   <li>a JVM shutdown hook kills whatever is still running, so an aborted test run leaves no
 *       servers behind.</li>
 * </ul>
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : LIVE) {
                Process proc = p.process;
                if (proc != null) {
                    proc.destroyForcibly();
                }
            }
        }, "managed-process-reaper"));
    }

    /** A readiness check; exceptions count as "not ready yet". */
    @FunctionalInterface
    public interface Probe {
        boolean ready() throws Exception;
    }

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final Map<String, String> env = new TreeMap<>();
    private volatile Process process;

    /**
     * @param name    for messages ("influxd")
     * @param command the executable and its arguments
     * @param workDir the working directory (usually the fixture's temp dir)
     * @param logFile where stdout and stderr go
     */
    public ManagedProcess(String name, List<String> command, Path workDir, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /**
     * Fails (never skips) when {@code path} is not an executable file: the servers are part of the
     * test environment, and a missing one must break the build, not hide tests.
     */
    public static Path requireExecutable(String path, String installHint) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new IllegalStateException(path + " is missing or not executable; " + installHint);
        }
        return p;
    }

    /** Sets an environment variable for the next {@link #start()}. */
    public ManagedProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.writeString(logFile, "=== " + Instant.now() + " starting: " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            process = pb.start();
            LIVE.add(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /**
     * Polls {@code probe} until it says ready. Fails with the log tail if the process exits first or
     * {@code timeout} passes (and then kills it).
     */
    public void awaitReady(Duration timeout, String what, Probe probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                String code = p == null ? "never started" : "exit code " + p.exitValue();
                LIVE.remove(this);
                throw new IllegalStateException(name + " exited before " + what + " (" + code + "); log " + logFile
                        + " ends with:\n" + tail(40));
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name + " did not reach " + what + " within " + timeout.toSeconds() + " s"
                        + (last == null ? "" : " (last probe error: " + last + ")") + "; log " + logFile
                        + " ends with:\n" + tail(40));
            }
            Thread.sleep(20);
        }
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return p.pid();
    }

    /**
     * Waits for a process that ends by itself (a tool run) and returns its exit code; kills it and
     * fails when it runs longer than {@code timeout}.
     */
    public int waitFor(Duration timeout) throws InterruptedException {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " still ran after " + timeout.toSeconds() + " s; killed. Log:\n"
                        + tail(40));
            }
            return p.exitValue();
        } finally {
            LIVE.remove(this);
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns at once when not running. */
    public synchronized void stop(Duration grace) {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** SIGKILL: the server gets no chance to shut down cleanly. Waits until it is gone. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** The last {@code lines} lines of the log file ("" when there is none). */
    public String tail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            Deque<String> last = new ArrayDeque<>();
            // an InputStreamReader replaces malformed bytes instead of failing, unlike Files.newBufferedReader
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(logFile),
                    StandardCharsets.UTF_8))) {
                for (String l = reader.readLine(); l != null; l = reader.readLine()) {
                    last.addLast(l);
                    if (last.size() > lines) {
                        last.removeFirst();
                    }
                }
            }
            return String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        Process p = process;
        return name + (p == null ? " (not started)" : " pid " + p.pid() + (p.isAlive() ? "" : " (exited)"));
    }
}
