package io.teleflux.bench;

import io.teleflux.testsupport.ProcessStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time (user + system, all threads) of a process from {@code /proc/<pid>/stat}, the same
 * source for the JVM collector, the Python baseline and the driver itself.
 */
final class ProcCpu {
    private static final double TICKS_PER_SECOND = clockTicks();

    private ProcCpu() {
    }

    static double seconds(long pid) {
        double s = ProcessStats.cpuSeconds(pid);
        if (s < 0) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid + " (Linux /proc needed)");
        }
        return s;
    }

    /** CPU seconds per thread group of {@code pid}: thread names without their trailing numbers. */
    static Map<String, Double> byThread(long pid) {
        Map<String, Double> m = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    m.merge(name.replaceAll("[0-9]+$", "").replaceAll("[#_ -]+$", ""), cpu, Double::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the threads of process " + pid, e);
        }
        return m;
    }

    /**
     * Per thread group of {@code pid} (as {@link #byThread}): {@code [seconds on a CPU, seconds
     * runnable but waiting for a CPU, threads]} from {@code /proc/<pid>/task/<tid>/schedstat}. The
     * waiting time tells a collector starved of CPU by the machine's other work from one that sleeps
     * because no work reaches it; empty where the kernel keeps no schedstat.
     */
    static Map<String, double[]> schedByThread(long pid) {
        Map<String, double[]> m = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    String[] f = Files.readString(t.resolve("schedstat")).strip().split(" ");
                    double[] v = m.computeIfAbsent(comm.replaceAll("[0-9]+$", "").replaceAll("[#_ -]+$", ""),
                            k -> new double[3]);
                    v[0] += Long.parseLong(f[0]) / 1e9;
                    v[1] += Long.parseLong(f[1]) / 1e9;
                    v[2] += 1;
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile, or no schedstat
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return m;
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // the Linux default USER_HZ
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
