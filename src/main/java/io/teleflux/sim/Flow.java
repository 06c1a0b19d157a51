package io.teleflux.sim;

/**
 * One direction of one interface: a traffic rate with a closed-form integral, and the rules that
 * derive packet, error and discard counters from the octet counter.
 *
 * <p>Rate in bytes/ms: {@code r(t) = base + Σ amp_k·sin(2π(t−phase_k)/period_k) + (t in a burst ? burstHeight : 0)},
 * bursts being {@code burstLength} ms at the start of every {@code burstPeriod}, offset by
 * {@code burstPhase}. The integer parts (base, burst) are integrated in {@code long} arithmetic and
 * only the bounded sine part in double, so counters stay exact far beyond 2^53 bytes.
 * Construction guarantees {@code base − Σ amp ≥ 0.1·base > 0}, so the integral strictly grows.
 */
final class Flow {
    static final Flow SILENT = new Flow(0, new double[0], new long[0], new long[0], 0, 1, 0, 0, 1, 0, 0, 0, 0, 0);

    final long base;
    private final double[] amp;
    private final long[] period;
    private final long[] phase;
    private final double[] area; // amp·period/2π: the sine integral's amplitude
    final long burstHeight;
    final long burstPeriod;
    final long burstLength;
    final long burstPhase;

    final long packetBytes;
    /** One packet in this many is non-unicast (0: none). */
    final long nonUnicastDiv;
    /** One non-unicast packet in this many is broadcast; the rest is multicast (0: none). */
    final long broadcastDiv;
    final long errorDiv;
    final long discardDiv;
    /** Discards per second while a burst overflows the port's buffers. */
    final long burstDiscardsPerSec;

    Flow(long base, double[] amp, long[] period, long[] phase, long burstHeight, long burstPeriod, long burstLength,
         long burstPhase, long packetBytes, long nonUnicastDiv, long broadcastDiv, long errorDiv, long discardDiv,
         long burstDiscardsPerSec) {
        if (amp.length != period.length || amp.length != phase.length) {
            throw new IllegalArgumentException("sine parameter arrays differ in length");
        }
        if (burstPeriod <= 0 || burstLength < 0 || burstLength > burstPeriod || packetBytes <= 0) {
            throw new IllegalArgumentException("bad burst or packet parameters");
        }
        this.base = base;
        this.amp = amp.clone();
        this.period = period.clone();
        this.phase = phase.clone();
        this.area = new double[amp.length];
        for (int k = 0; k < amp.length; k++) {
            area[k] = amp[k] * period[k] / (2 * Math.PI);
        }
        this.burstHeight = burstHeight;
        this.burstPeriod = burstPeriod;
        this.burstLength = burstLength;
        this.burstPhase = burstPhase;
        this.packetBytes = packetBytes;
        this.nonUnicastDiv = nonUnicastDiv;
        this.broadcastDiv = broadcastDiv;
        this.errorDiv = errorDiv;
        this.discardDiv = discardDiv;
        this.burstDiscardsPerSec = burstDiscardsPerSec;
    }

    /** Highest rate this flow can reach, bytes/ms. */
    double peak() {
        double p = base + burstHeight;
        for (double a : amp) {
            p += a;
        }
        return p;
    }

    boolean inBurst(long t) {
        return Math.floorMod(t - burstPhase, burstPeriod) < burstLength;
    }

    /** Instantaneous rate at {@code t}, bytes per millisecond. */
    double rate(long t) {
        double r = base;
        for (int k = 0; k < amp.length; k++) {
            r += amp[k] * Math.sin(angle(t, k));
        }
        return inBurst(t) ? r + burstHeight : r;
    }

    /** Bytes sent in [from, to), {@code from <= to}: the exact integral of {@link #rate}, floored. */
    long octets(long from, long to) {
        long exact = base * (to - from) + burstHeight * burstMs(from, to);
        double sines = 0;
        for (int k = 0; k < amp.length; k++) {
            sines += area[k] * (Math.cos(angle(from, k)) - Math.cos(angle(to, k)));
        }
        return exact + (long) Math.floor(sines);
    }

    /** Milliseconds of burst in [from, to). */
    long burstMs(long from, long to) {
        return burstClock(to) - burstClock(from);
    }

    private long burstClock(long x) {
        long rel = x - burstPhase;
        return Math.floorDiv(rel, burstPeriod) * burstLength + Math.min(Math.floorMod(rel, burstPeriod), burstLength);
    }

    private double angle(long t, int k) {
        // reducing in long arithmetic first keeps full double precision at epoch-sized t
        return 2 * Math.PI * Math.floorMod(t - phase[k], period[k]) / period[k];
    }
}
