package io.teleflux.sim;

/**
 * SplitMix64 stream keyed by (seed, device, position, salt).
 *
 * <p>Every profile draws from its own stream, so a device's parameters never depend on how many
 * other devices exist or in what order they were first asked for.
 */
final class SimRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    SimRandom(long seed, long device, long position, long salt) {
        long h = mix(seed);
        h = mix(h ^ (device * GOLDEN + 1));
        h = mix(h ^ (position * 0xD1B54A32D192ED03L + 2));
        state = mix(h ^ (salt * 0x8CB92BA72F3D8DD7L + 3));
    }

    static long mix(long z) {
        z += GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    double uniform(double from, double to) {
        return from + (to - from) * nextDouble();
    }

    /** Uniform in [from, to). */
    long uniform(long from, long to) {
        return from + Math.floorMod(nextLong(), to - from);
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }
}
