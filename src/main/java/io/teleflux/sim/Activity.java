package io.teleflux.sim;

/** What a port does over time. */
public enum Activity {
    /** Up and carrying traffic. */
    ACTIVE,
    /** Up, carried traffic for a while after boot, then fell silent: its counters stand still. */
    IDLE,
    /** Down since boot (admin-down or no link): counters stay at 0. */
    DOWN
}
