package io.teleflux.bench;

import io.teleflux.testsupport.ProcessStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used so far by the collector, influxd and this driver (which runs the simulator),
 * and by the whole machine, at one instant. Two snapshots give each one's share of a window, and
 * the machine's busy time that none of them used: the other work on this shared machine.
 */
record CpuSnapshot(long nanos, double collector, double influxd, double driver, double machineBusy) {

    static CpuSnapshot take(long collectorPid, long influxdPid) {
        return new CpuSnapshot(System.nanoTime(), ProcessStats.cpuSeconds(collectorPid),
                ProcessStats.cpuSeconds(influxdPid), ProcessStats.cpuSeconds(ProcessHandle.current().pid()),
                machineBusySeconds());
    }

    /** What each used between {@code start} and this snapshot, in CPU seconds (and the wall seconds). */
    Delta since(CpuSnapshot start) {
        return new Delta((nanos - start.nanos) / 1e9, collector - start.collector, influxd - start.influxd,
                driver - start.driver, machineBusy - start.machineBusy);
    }

    record Delta(double wallSeconds, double collector, double influxd, double driver, double machineBusy) {
        double ours() {
            return collector + influxd + driver;
        }

        /** Busy CPU seconds of everything else on the machine (other builds, the kernel's own work). */
        double others() {
            return Math.max(0, machineBusy - ours());
        }

        String describe() {
            return String.format("CPU over %.1f s: collector %.1f s, influxd %.1f s, simulator+driver %.1f s,"
                            + " other work on the machine %.1f s (%.2f of %d cores busy in total)", wallSeconds,
                    collector, influxd, driver, others(), machineBusy / wallSeconds,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /** The load averages (1, 5, 15 min) and runnable/all tasks, as {@code uptime} shows them. */
    static String loadAverage() {
        try {
            return "load average " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    /** All CPUs' non-idle time from the first line of /proc/stat, in seconds. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...: everything except idle and iowait
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / 100.0;
        } catch (IOException e) {
            return -1;
        }
    }
}
