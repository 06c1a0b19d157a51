package io.teleflux.sim;

/** The switch models the fleet is made of: access and uplink port kinds, memory size. */
enum HardwareModel {
    S5560X("S5560X-54C-EI", PortKind.GE, PortKind.XGE, 2L * 1024 * 1024),
    S6520X("S6520X-54QC-EI", PortKind.XGE, PortKind.HGE, 4L * 1024 * 1024),
    S6850("S6850-56HF", PortKind.WGE, PortKind.HGE, 8L * 1024 * 1024);

    final String modelName;
    final PortKind access;
    final PortKind uplink;
    final long memoryKb;

    HardwareModel(String modelName, PortKind access, PortKind uplink, long memoryKb) {
        this.modelName = modelName;
        this.access = access;
        this.uplink = uplink;
        this.memoryKb = memoryKb;
    }

    /** Mostly 1G access switches, as in a real campus/DC mix. */
    static HardwareModel pick(SimRandom r) {
        double x = r.nextDouble();
        return x < 0.5 ? S5560X : x < 0.75 ? S6520X : S6850;
    }
}
