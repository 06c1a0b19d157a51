package io.teleflux.sim;

/** Every counter of one interface at device time {@code timeMs}. */
public record InterfaceSample(InterfaceProfile iface, long timeMs, long bootMs, FlowCounters in, FlowCounters out) {

    public FlowCounters get(Direction d) {
        return d == Direction.IN ? in : out;
    }

    /** Instantaneous utilisation in percent of {@link InterfaceProfile#speedBps()}. */
    public double utilPct(Direction d) {
        return 100.0 * get(d).bitsPerSec() / iface.speedBps();
    }
}
