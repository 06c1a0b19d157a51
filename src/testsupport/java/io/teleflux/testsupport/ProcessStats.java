package io.teleflux.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process costs, read from the outside by PID (Linux {@code /proc}, and {@code jcmd} for a
 * JVM's heap), so that the collector, influxd and the driver are measured the same way and
 * separately.
 */
public final class ProcessStats {
    /**
     * A heap's or a generation's line, which starts in the first column (its spaces' lines are
     * indented): G1 prints one ("garbage-first heap total reserved ..K, committed ..K, used ..K" on
     * JDK 25), Parallel and Serial one per generation ("PSYoungGen total ..K, used ..K").
     */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\S[^\\n]*?\\btotal\\b[^\\n]*?\\bused (\\d+)K");
    /** USER_HZ: the unit of the CPU times in /proc/PID/stat. 100 on every Linux port that runs a JDK. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** User + system CPU time of all threads of {@code pid} so far, in seconds; -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return -1;
        }
        // the command name (field 2) may contain blanks and ')': count fields from its closing ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** {@code VmRSS} and {@code VmHWM} (the peak resident set) in KiB; -1 each when unknown. */
    public static long[] rssKb(long pid) {
        long rss = -1;
        long hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // gone: unknown
        }
        return new long[] {rss, hwm};
    }

    /** Heap in use of the JVM {@code pid} ({@code jcmd PID GC.heap_info}) in KiB; -1 when jcmd fails. */
    public static long heapUsedKb(long pid) {
        return heapUsedKb(jcmd(pid, "GC.heap_info"));
    }

    /** The heap in use that {@code GC.heap_info} output reports, summed over its generations; -1 when none. */
    static long heapUsedKb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = -1;
        while (m.find()) {
            used = Math.max(used, 0) + Long.parseLong(m.group(1));
        }
        return used;
    }

    /** The live heap of the JVM {@code pid}: heap in use right after a full GC, in KiB; -1 when jcmd fails. */
    public static long liveHeapKb(long pid) {
        jcmd(pid, "GC.run");
        return heapUsedKb(pid);
    }

    /** Runs {@code jcmd PID command} with the running JDK's jcmd; its output, "" on failure. */
    public static String jcmd(long pid, String command) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
