package io.teleflux.sim;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of a simulated fleet as a pure function of (seed, device, interface, time): no
 * state accumulates, so any instant can be asked for in any order, from any thread, by any
 * protocol front end, and the answers agree.
 *
 * <p>Counters are the exact integral of the traffic rate since the device's last boot (see
 * {@link Flow}). Devices reboot on a deterministic schedule every 200-400 days, and whenever
 * {@link #reboot} says so. The interface with ifIndex {@value #BURST_PORT_IFINDEX} of every device
 * is its burst port: 3 minutes above 80% utilisation in every 10 (phase per device); every other
 * port stays below 63%.
 *
 * <p>Devices are numbered from 0; device {@code i} is named {@code prefix + (i + 1)} zero-padded to
 * four digits. Interfaces are addressed by their 0-based position in the device's list.
 */
public final class CounterModel {
    public static final int BURST_PORT_IFINDEX = ProfileFactory.BURST_IFINDEX;
    public static final long BURST_PERIOD_MS = ProfileFactory.BURST_PERIOD_MS;
    public static final long BURST_LENGTH_MS = ProfileFactory.BURST_LENGTH_MS;
    /** H3C InRate/OutRate are averages over the last 5 minutes. */
    public static final long RECENT_RATE_WINDOW_MS = 300_000L;

    private static final long CPU_SHORT_PERIOD_MS = 7 * ProfileFactory.MINUTE;
    private static final long BOOT_CPU_SPIKE_MS = 10 * ProfileFactory.MINUTE;

    private final long seed;
    private final int interfacesPerDevice;
    private final String devicePrefix;
    private final ProfileFactory factory;
    private final ConcurrentHashMap<Integer, DeviceProfile> devices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, long[]> reboots = new ConcurrentHashMap<>();

    public CounterModel(long seed, int interfacesPerDevice, String devicePrefix) {
        if (interfacesPerDevice < 1) {
            throw new IllegalArgumentException("interfacesPerDevice must be at least 1, got " + interfacesPerDevice);
        }
        if (devicePrefix == null) {
            throw new IllegalArgumentException("devicePrefix must not be null");
        }
        this.seed = seed;
        this.interfacesPerDevice = interfacesPerDevice;
        this.devicePrefix = devicePrefix;
        this.factory = new ProfileFactory(seed, interfacesPerDevice, devicePrefix);
    }

    public long seed() {
        return seed;
    }

    public int interfacesPerDevice() {
        return interfacesPerDevice;
    }

    public String devicePrefix() {
        return devicePrefix;
    }

    public DeviceProfile device(int device) {
        checkDevice(device);
        return devices.computeIfAbsent(device, factory::device);
    }

    public List<InterfaceProfile> interfaces(int device) {
        return device(device).interfaces();
    }

    public InterfaceProfile iface(int device, int position) {
        return interfaces(device).get(position);
    }

    public String deviceName(int device) {
        checkDevice(device);
        return factory.name(device);
    }

    /** The index of a device named by this model, or -1. */
    public int deviceIndex(String name) {
        if (name == null || !name.startsWith(devicePrefix)) {
            return -1;
        }
        try {
            int i = Integer.parseInt(name.substring(devicePrefix.length())) - 1;
            return i >= 0 && factory.name(i).equals(name) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Restarts the device at {@code atMs}: from then on its counters count from 0 and its uptime from 0. */
    public void reboot(int device, long atMs) {
        checkDevice(device);
        reboots.compute(device, (k, old) -> {
            long[] a = old == null ? new long[1] : Arrays.copyOf(old, old.length + 1);
            a[a.length - 1] = atMs;
            Arrays.sort(a);
            return a;
        });
    }

    /** The device's last boot at or before {@code t}. */
    public long bootMs(int device, long t) {
        DeviceProfile d = device(device);
        long cycle = d.rebootCycleMs;
        long boot = d.rebootPhaseMs + Math.floorDiv(t - d.rebootPhaseMs, cycle) * cycle;
        long[] manual = reboots.get(device);
        if (manual != null) {
            int i = Arrays.binarySearch(manual, t);
            int last = i >= 0 ? i : -i - 2; // the latest reboot <= t
            if (last >= 0 && manual[last] > boot) {
                boot = manual[last];
            }
        }
        return boot;
    }

    public InterfaceSample sample(int device, int position, long t) {
        InterfaceProfile p = iface(device, position);
        long boot = bootMs(device, t);
        return new InterfaceSample(p, t, boot, counters(p, Direction.IN, boot, t), counters(p, Direction.OUT, boot, t));
    }

    public FlowCounters counters(int device, int position, Direction dir, long t) {
        return counters(iface(device, position), dir, bootMs(device, t), t);
    }

    /** Octets since boot; the same number {@link #sample} reports. */
    public long octets(int device, int position, Direction dir, long t) {
        InterfaceProfile p = iface(device, position);
        long boot = bootMs(device, t);
        return octetsSinceBoot(p, p.flow(dir), boot, t);
    }

    /** Instantaneous rate at {@code t}: the derivative of {@link #octets}, times 8. */
    public double rateBitsPerSec(int device, int position, Direction dir, long t) {
        InterfaceProfile p = iface(device, position);
        long boot = bootMs(device, t);
        return silentAt(p, boot, t) ? 0 : p.flow(dir).rate(t) * 8000;
    }

    /** Whether the device's burst port is inside a burst at {@code t}. */
    public boolean burstActive(int device, long t) {
        for (InterfaceProfile p : interfaces(device)) {
            if (p.burstPort()) {
                return p.in.inBurst(t);
            }
        }
        return false;
    }

    public DeviceSample deviceSample(int device, long t) {
        DeviceProfile d = device(device);
        long boot = bootMs(device, t);
        double daily = Math.sin(2 * Math.PI * Math.floorMod(t - d.dailyPhaseMs, ProfileFactory.DAY) / ProfileFactory.DAY);
        double shortWave = Math.sin(2 * Math.PI * Math.floorMod(t, CPU_SHORT_PERIOD_MS) / CPU_SHORT_PERIOD_MS);
        double cpu = d.cpuBase + d.cpuDaily * daily + d.cpuShort * shortWave + (t - boot < BOOT_CPU_SPIKE_MS ? 40 : 0);
        int cpuPct = (int) Math.max(1, Math.min(100, Math.round(cpu)));
        double uptimeDays = (t - boot) / (double) ProfileFactory.DAY;
        double memFrac = d.memBase + 0.04 * daily + 0.08 * Math.min(1, uptimeDays / 200);
        long used = (long) Math.floor(d.memTotalKb() * memFrac);
        return new DeviceSample(t, boot, cpuPct, d.memTotalKb(), used);
    }

    private static FlowCounters counters(InterfaceProfile p, Direction dir, long boot, long t) {
        Flow f = p.flow(dir);
        long end = activeEnd(p, boot, t);
        long octets = f.octets(boot, end);
        long packets = octets / f.packetBytes;
        long nonUnicast = f.nonUnicastDiv > 0 ? packets / f.nonUnicastDiv : 0;
        long broadcast = f.broadcastDiv > 0 ? nonUnicast / f.broadcastDiv : 0;
        long errors = f.errorDiv > 0 ? packets / f.errorDiv : 0;
        long discards = (f.discardDiv > 0 ? packets / f.discardDiv : 0)
                + f.burstMs(boot, end) * f.burstDiscardsPerSec / 1000;
        double bps = silentAt(p, boot, t) ? 0 : f.rate(t) * 8000;
        long from = Math.max(boot, t - RECENT_RATE_WINDOW_MS);
        long recent = t == from ? 0 : (octets - octetsSinceBoot(p, f, boot, from)) * 1000 / (t - from);
        return new FlowCounters(octets, packets, packets - nonUnicast, nonUnicast - broadcast, broadcast, errors,
                discards, bps, recent);
    }

    private static long octetsSinceBoot(InterfaceProfile p, Flow f, long boot, long t) {
        return f.octets(boot, activeEnd(p, boot, t));
    }

    /** IDLE ports stop carrying traffic {@code idleAfterMs} after each boot; their counters then stand still. */
    private static long activeEnd(InterfaceProfile p, long boot, long t) {
        return p.activity() == Activity.IDLE ? Math.min(t, boot + p.idleAfterMs) : t;
    }

    private static boolean silentAt(InterfaceProfile p, long boot, long t) {
        return p.activity() == Activity.DOWN || (p.activity() == Activity.IDLE && t >= boot + p.idleAfterMs);
    }

    private static void checkDevice(int device) {
        if (device < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + device);
        }
    }

    @Override
    public String toString() {
        return "CounterModel(seed " + seed + ", " + interfacesPerDevice + " interfaces, prefix '" + devicePrefix + "')";
    }
}
