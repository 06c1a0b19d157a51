package io.teleflux.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws device and interface profiles from the seed. Every interface has its own random stream,
 * so changing one rule here never shifts the parameters of unrelated interfaces.
 */
final class ProfileFactory {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    /** The burst port of every device: 3 minutes of 82-94% utilisation every 10 minutes. */
    static final int BURST_IFINDEX = 1;
    static final long BURST_PERIOD_MS = 10 * MINUTE;
    static final long BURST_LENGTH_MS = 3 * MINUTE;

    private static final long SALT_DEVICE = 1;
    private static final long SALT_IFACE = 2;
    private static final long SALT_IN = 3;
    private static final long SALT_OUT = 4;

    private final long seed;
    private final int interfacesPerDevice;
    private final String prefix;

    ProfileFactory(long seed, int interfacesPerDevice, String prefix) {
        this.seed = seed;
        this.interfacesPerDevice = interfacesPerDevice;
        this.prefix = prefix;
    }

    DeviceProfile device(int index) {
        SimRandom r = new SimRandom(seed, index, -1, SALT_DEVICE);
        HardwareModel hw = HardwareModel.pick(r);
        long cycle = r.uniform(200 * DAY, 400 * DAY);
        long cyclePhase = r.uniform(0, cycle);
        long peak = r.uniform(10 * HOUR, 16 * HOUR);
        long burstPhase = r.uniform(0, BURST_PERIOD_MS / 1000) * 1000;
        long macBase = (r.nextLong() & 0xFFFF) << 8;
        double cpuBase = r.uniform(5, 25);
        double cpuDaily = r.uniform(2, 10);
        double cpuShort = r.uniform(1, 5);
        double memBase = r.uniform(0.35, 0.6);

        int uplinks = Math.min(8, interfacesPerDevice / 12);
        int access = interfacesPerDevice - uplinks;
        List<InterfaceProfile> ifaces = new ArrayList<>(interfacesPerDevice);
        for (int p = 0; p < interfacesPerDevice; p++) {
            boolean uplink = p >= access;
            // uplinks sit after the 48 front ports, as on a real 48+4/48+8 switch
            int port = uplink ? Math.max(access, 48) + (p - access) + 1 : p + 1;
            ifaces.add(iface(index, p, port, uplink ? hw.uplink : hw.access, uplink, p - access + 1, peak,
                    burstPhase, macBase));
        }
        return new DeviceProfile(index, name(index), hw.modelName, ipAddress(index), ifaces, hw.memoryKb, cycle,
                cyclePhase, cpuBase, cpuDaily, cpuShort, Math.floorMod(peak - DAY / 4, DAY), memBase);
    }

    String name(int index) {
        return prefix + String.format("%04d", index + 1);
    }

    private InterfaceProfile iface(int device, int position, int port, PortKind kind, boolean uplink, int uplinkNo,
                                   long devicePeak, long burstPhase, long macBase) {
        SimRandom r = new SimRandom(seed, device, position, SALT_IFACE);
        String name = kind.longName + "1/0/" + port;
        String abbr = kind.shortName + "1/0/" + port;
        boolean burst = port == BURST_IFINDEX && !uplink;
        Activity activity = Activity.ACTIVE;
        boolean adminUp = true;
        double x = r.nextDouble();
        if (!burst && !uplink) {
            if (x < 0.05) {
                activity = Activity.DOWN;
                adminUp = false;
            } else if (x < 0.10) {
                activity = Activity.DOWN;
            } else if (x < 0.22) {
                activity = Activity.IDLE;
            }
        }
        long idleAfter = r.uniform(HOUR, 48 * HOUR);
        long peak = devicePeak + r.uniform(-HOUR, HOUR);
        String description = burst ? "to-backup-server"
                : uplink ? "uplink-to-core-" + uplinkNo
                : name + " Interface";
        Flow in;
        Flow out;
        if (activity == Activity.DOWN) {
            in = Flow.SILENT;
            out = Flow.SILENT;
        } else if (burst) {
            in = burstFlow(new SimRandom(seed, device, position, SALT_IN), kind, peak, burstPhase, 1200, 0);
            out = burstFlow(new SimRandom(seed, device, position, SALT_OUT), kind, peak, burstPhase, 1000, 40);
        } else {
            in = normalFlow(new SimRandom(seed, device, position, SALT_IN), kind, uplink, peak, true);
            out = normalFlow(new SimRandom(seed, device, position, SALT_OUT), kind, uplink, peak, false);
        }
        String mac = mac(0x3891D5L, macBase + (port & 0xFF));
        return new InterfaceProfile(position, port, name, abbr, description, kind.speedBps, mac,
                uplink ? 9216 : 1500, adminUp, activity, burst, in, out, idleAfter);
    }

    /**
     * Utilisation = m + daily + medium + short sines (amplitudes at most 0.9·m) + optional small
     * bursts: m ≤ 0.25 and bursts ≤ 0.15 keep every ordinary port below 62.5%.
     */
    private static Flow normalFlow(SimRandom r, PortKind kind, boolean uplink, long peak, boolean in) {
        long bpms = kind.bytesPerMs();
        double m = uplink ? r.uniform(0.15, 0.25) : r.uniform(0.02, 0.25);
        long p2 = r.uniform(40 * MINUTE, 3 * HOUR);
        long p3 = r.uniform(45_000L, 6 * MINUTE);
        double[] amp = {m * r.uniform(0.3, 0.6) * bpms, m * r.uniform(0.05, 0.2) * bpms,
                m * r.uniform(0.02, 0.1) * bpms};
        long[] period = {DAY, p2, p3};
        long[] phase = {Math.floorMod(peak - DAY / 4, DAY), r.uniform(0, p2), r.uniform(0, p3)};
        long burstHeight = 0;
        long burstPeriod = 1;
        long burstLength = 0;
        long burstPhase = 0;
        if (r.chance(0.5)) {
            burstHeight = Math.round(r.uniform(0.05, 0.15) * bpms);
            burstPeriod = r.uniform(5 * MINUTE, 30 * MINUTE);
            burstLength = r.uniform(5_000L, 60_000L);
            burstPhase = r.uniform(0, burstPeriod);
        }
        long packetBytes = uplink ? r.uniform(500L, 1200L) : r.uniform(250L, 1000L);
        long errorDiv = r.chance(in ? 0.15 : 0.03) ? r.uniform(100_000_000L, 10_000_000_000L) : 0;
        long discardDiv = r.chance(in ? 0.10 : 0.20) ? r.uniform(10_000_000L, 1_000_000_000L) : 0;
        return new Flow(Math.round(m * bpms), amp, period, phase, burstHeight, burstPeriod, burstLength, burstPhase,
                packetBytes, r.uniform(150L, 3000L), r.uniform(3L, 12L), errorDiv, discardDiv, 0);
    }

    /** Utilisation 0.30 ± 0.06 outside bursts and 0.88 ± 0.06 inside: always above 80% while bursting. */
    private static Flow burstFlow(SimRandom r, PortKind kind, long peak, long burstPhase, long packetBytes,
                                  long burstDiscardsPerSec) {
        long bpms = kind.bytesPerMs();
        long p3 = 2 * MINUTE;
        double[] amp = {0.04 * bpms, 0.015 * bpms, 0.005 * bpms};
        long[] period = {DAY, HOUR, p3};
        long[] phase = {Math.floorMod(peak - DAY / 4, DAY), r.uniform(0, HOUR), r.uniform(0, p3)};
        return new Flow(Math.round(0.30 * bpms), amp, period, phase, Math.round(0.58 * bpms), BURST_PERIOD_MS,
                BURST_LENGTH_MS, burstPhase, packetBytes, r.uniform(500L, 3000L), r.uniform(3L, 12L), 0, 0,
                burstDiscardsPerSec);
    }

    private static String ipAddress(int index) {
        long n = index + 1L;
        return "198." + (18 + ((n >> 16) & 1)) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
    }

    private static String mac(long oui, long nic) {
        long v = (oui << 24) | (nic & 0xFFFFFF);
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (sb.length() > 0) {
                sb.append('-');
            }
            int b = (int) (v >>> shift) & 0xFF;
            sb.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
        return sb.toString();
    }
}
