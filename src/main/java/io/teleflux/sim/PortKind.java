package io.teleflux.sim;

/** H3C Ethernet port types: full name prefix, abbreviated prefix, nominal speed. */
enum PortKind {
    GE("GigabitEthernet", "GE", 1_000_000_000L),
    XGE("Ten-GigabitEthernet", "XGE", 10_000_000_000L),
    WGE("Twenty-FiveGigE", "WGE", 25_000_000_000L),
    HGE("HundredGigE", "HGE", 100_000_000_000L);

    final String longName;
    final String shortName;
    final long speedBps;

    PortKind(String longName, String shortName, long speedBps) {
        this.longName = longName;
        this.shortName = shortName;
        this.speedBps = speedBps;
    }

    /** Line rate in bytes per millisecond; an integer for every kind, which keeps the integrals exact. */
    long bytesPerMs() {
        return speedBps / 8000;
    }
}
