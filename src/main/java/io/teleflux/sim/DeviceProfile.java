package io.teleflux.sim;

import java.util.List;

/** The fixed facts of one simulated device. */
public final class DeviceProfile {
    private final int index;
    private final String name;
    private final String model;
    private final String ipAddress;
    private final List<InterfaceProfile> interfaces;
    private final long memTotalKb;

    /** Scheduled reboots happen every {@code rebootCycleMs}, offset by {@code rebootPhaseMs}. */
    final long rebootCycleMs;
    final long rebootPhaseMs;
    final double cpuBase;
    final double cpuDaily;
    final double cpuShort;
    final long dailyPhaseMs;
    final double memBase;

    DeviceProfile(int index, String name, String model, String ipAddress, List<InterfaceProfile> interfaces,
                  long memTotalKb, long rebootCycleMs, long rebootPhaseMs, double cpuBase, double cpuDaily,
                  double cpuShort, long dailyPhaseMs, double memBase) {
        this.index = index;
        this.name = name;
        this.model = model;
        this.ipAddress = ipAddress;
        this.interfaces = List.copyOf(interfaces);
        this.memTotalKb = memTotalKb;
        this.rebootCycleMs = rebootCycleMs;
        this.rebootPhaseMs = rebootPhaseMs;
        this.cpuBase = cpuBase;
        this.cpuDaily = cpuDaily;
        this.cpuShort = cpuShort;
        this.dailyPhaseMs = dailyPhaseMs;
        this.memBase = memBase;
    }

    /** 0-based; the name carries index + 1. */
    public int index() {
        return index;
    }

    /** The sysname, e.g. {@code sim-0001}. */
    public String name() {
        return name;
    }

    /** e.g. {@code S6850-56HF}. */
    public String model() {
        return model;
    }

    /** A management address from the RFC 2544 benchmarking range; only ever written into payloads. */
    public String ipAddress() {
        return ipAddress;
    }

    public List<InterfaceProfile> interfaces() {
        return interfaces;
    }

    public long memTotalKb() {
        return memTotalKb;
    }

    @Override
    public String toString() {
        return name + " (" + model + ", " + interfaces.size() + " interfaces)";
    }
}
