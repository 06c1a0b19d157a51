package io.teleflux.sim;

/**
 * One direction of one interface at one instant. Counters are unsigned 64-bit magnitudes since the
 * device's last boot; {@code packets == unicast + multicast + broadcast}.
 *
 * @param bitsPerSec        instantaneous rate at the instant
 * @param recentBytesPerSec average over the last 300 s (or since boot), as H3C reports {@code InRate}
 */
public record FlowCounters(long octets, long packets, long unicast, long multicast, long broadcast, long errors,
                           long discards, double bitsPerSec, long recentBytesPerSec) {

    /** H3C {@code InNUcastPkts}/{@code OutNUcastPkts}. */
    public long nonUnicast() {
        return multicast + broadcast;
    }
}
