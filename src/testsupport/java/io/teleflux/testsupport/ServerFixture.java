package io.teleflux.testsupport;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server a test runs as a process of its own in a temp dir: the stop, kill and clean-up
 * every such fixture shares, so that each fixture only says how its server starts.
 */
public abstract class ServerFixture implements AutoCloseable {
    protected final Path dir;
    protected ManagedProcess process;

    /** Creates the temp dir; {@code binary} (null for none) must be installed first, or nothing is created. */
    protected ServerFixture(String binary, String installHint, String dirPrefix) {
        this.dir = TempDirs.create(checked(binary, installHint, dirPrefix));
    }

    private static String checked(String binary, String installHint, String dirPrefix) {
        if (binary != null) {
            ManagedProcess.requireExecutable(binary, installHint);
        }
        return dirPrefix;
    }

    /** Picks ports, writes the config and starts the server for the first time; throws when it cannot. */
    protected abstract void firstStart();

    /** {@code f} started for the first time, or closed (its temp dir deleted) and the failure rethrown. */
    protected static <F extends ServerFixture> F launched(F f) {
        try {
            f.firstStart();
            return f;
        } catch (RuntimeException | Error e) {
            f.close();
            throw e;
        }
    }

    /** Graceful stop (SIGTERM), escalating to SIGKILL after 30 s. */
    public void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    /** SIGKILL: a crash; the server recovers on its next start. */
    public void kill() {
        process.kill();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The running server's process id (to read its CPU time and memory). */
    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    /** Stops the server and deletes the temp dir. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.stop(Duration.ofSeconds(30));
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
