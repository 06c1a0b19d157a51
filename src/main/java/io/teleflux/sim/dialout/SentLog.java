package io.teleflux.sim.dialout;

import io.teleflux.sim.CounterModel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulator's own record of the {@code Ifmgr/Statistics} samples it sent: per device, the
 * device timestamp of every such message, each carrying one row (point) per interface.
 *
 * <p>A message counts as sent when it is handed to a stream that is live at that moment: one that
 * a device dropped (disconnected, or its backlog full) is not in here. A stream that fails after
 * a message was handed to it may have lost that message in transit, so the log is exact only while
 * no stream fails ({@link DialoutStats#streamFailures()} stays 0): keep the collector up, and the
 * log is exactly what the collector received. Each entry also says on which of the device's streams
 * it went (1 for the first, 2 after the first reconnect, ...), so a test that kills a collector can
 * tell what was handed to the dead stream from what went to the next one.
 */
public final class SentLog {
    private final CounterModel model;
    private final long[][] times;
    private final int[][] connections;
    private final int[] counts;

    SentLog(CounterModel model, int devices) {
        this.model = model;
        this.times = new long[devices][16];
        this.connections = new int[devices][16];
        this.counts = new int[devices];
    }

    /** One series: a device's interface. */
    public record Series(String device, String iface) {
    }

    synchronized void statistics(int device, long timeMs, int connection) {
        if (counts[device] == times[device].length) {
            times[device] = Arrays.copyOf(times[device], times[device].length * 2);
            connections[device] = Arrays.copyOf(connections[device], times[device].length);
        }
        connections[device][counts[device]] = connection;
        times[device][counts[device]++] = timeMs;
    }

    /** For each entry of {@link #times(int)}, the number of the device's stream it was handed to (1, 2, ...). */
    public synchronized int[] connections(int device) {
        return Arrays.copyOf(connections[device], counts[device]);
    }

    /** The timestamps of the statistics samples {@code device} sent, in the order sent. */
    public synchronized long[] times(int device) {
        return Arrays.copyOf(times[device], counts[device]);
    }

    /** Every series with the timestamps of its points, in the order sent. */
    public Map<Series, long[]> series() {
        Map<Series, long[]> out = new LinkedHashMap<>();
        for (int d = 0; d < counts.length; d++) {
            long[] t = times(d);
            for (int p = 0; p < model.interfacesPerDevice(); p++) {
                out.put(new Series(model.deviceName(d), model.iface(d, p).name()), t);
            }
        }
        return out;
    }

    /** Points (interface rows) sent in statistics samples, over all devices. */
    public synchronized long points() {
        long n = 0;
        for (int c : counts) {
            n += c;
        }
        return n * model.interfacesPerDevice();
    }
}
