package io.teleflux.selfmon;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * Ends the process on a {@link VirtualMachineError} (OutOfMemoryError, StackOverflowError, InternalError).
 *
 * <p>Why: after an OutOfMemoryError the JVM keeps running with whatever threads survived. The
 * collector was seen half-dead that way (writer, flush and HTTP threads gone, the process still up),
 * so {@code restart: unless-stopped} never fired. A process that exits is restarted by Docker or
 * systemd and replays its spool; a half-dead one silently loses everything that arrives. The image
 * runs with {@code -XX:+ExitOnOutOfMemoryError}, which catches every OOM, including those a library
 * swallows; this class is the equivalent for people who run the jar without that flag.
 *
 * <p>It halts ({@link Runtime#halt}) instead of exiting: shutdown hooks would try to drain the writer
 * in a heap that is broken and may hang forever. What is in the spool is on disk already; what was
 * in memory is lost either way.
 */
public final class FatalErrors {
    /** The exit code, the same as the JVM's own {@code -XX:+ExitOnOutOfMemoryError}. */
    public static final int EXIT_CODE = 3;

    private FatalErrors() {
    }

    /** Makes every thread that dies of an uncaught {@link VirtualMachineError} halt the process. */
    public static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            haltIfFatal(t, e);
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                // what ThreadGroup.uncaughtException prints without a handler
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
    }

    /** Halts the process when {@code e} is a {@link VirtualMachineError}; otherwise returns. */
    public static void haltIfFatal(Thread t, Throwable e) {
        if (!(e instanceof VirtualMachineError)) {
            return;
        }
        try {
            // one line, to stderr: no logger, whose appenders may need memory or a lock held by a dead thread
            System.err.println("teleflux: fatal " + e + " in thread " + t.getName() + "; halting the process (exit "
                    + EXIT_CODE + ") so that it is restarted");
            System.err.flush();
        } catch (Throwable ignored) {
            // nothing more can be done with a heap this broken: halt anyway
        } finally {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    /**
     * A scheduler whose tasks' {@link VirtualMachineError}s halt the process. A plain
     * {@link ScheduledThreadPoolExecutor} keeps a task's error in its Future, where nobody looks:
     * a periodic task then silently stops running, and the uncaught-exception handler never hears of it.
     */
    public static ScheduledThreadPoolExecutor scheduler(int threads, ThreadFactory factory) {
        return new ScheduledThreadPoolExecutor(threads, factory) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                super.afterExecute(r, t);
                if (t == null && r instanceof Future<?> f && f.isDone()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        t = e.getCause();
                    } catch (CancellationException | InterruptedException e) {
                        // cancelled or closing: not an error
                    }
                }
                if (t != null) {
                    haltIfFatal(Thread.currentThread(), t);
                }
            }
        };
    }
}
