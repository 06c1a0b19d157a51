package io.teleflux.dialout.h3cv3;

/**
 * Device time values as epoch milliseconds. H3C documents ms; the third-party Telegraf H3C plugin
 * reads a value below 10^11 as seconds, and a firmware sending µs or ns is cheap to accept, so the
 * unit is told by magnitude: below 10^11 seconds (10^11 ms would be 1973), below 10^14 ms (10^14 ms
 * is the year 5138), below 10^17 µs, else ns.
 */
final class Epoch {
    private Epoch() {
    }

    /** {@code v} (read as unsigned: values of 2^63 and more are not times) in epoch ms; 0 when it is no time. */
    static long toMs(long v) {
        if (v <= 0) {
            return 0;
        }
        if (v < 100_000_000_000L) {
            return v * 1000;
        }
        if (v < 100_000_000_000_000L) {
            return v;
        }
        if (v < 100_000_000_000_000_000L) {
            return v / 1000;
        }
        return v / 1_000_000;
    }
}
