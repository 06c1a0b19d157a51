package io.teleflux.sim;

/** The fixed facts of one simulated interface; the model derives its counters over time. */
public final class InterfaceProfile {
    private final int position;
    private final int ifIndex;
    private final String name;
    private final String abbreviatedName;
    private final String description;
    private final long speedBps;
    private final String mac;
    private final int mtu;
    private final boolean adminUp;
    private final Activity activity;
    private final boolean burstPort;
    final Flow in;
    final Flow out;
    /** IDLE ports carry traffic for this long after each boot, then stop. */
    final long idleAfterMs;

    InterfaceProfile(int position, int ifIndex, String name, String abbreviatedName, String description, long speedBps,
                     String mac, int mtu, boolean adminUp, Activity activity, boolean burstPort, Flow in, Flow out,
                     long idleAfterMs) {
        this.position = position;
        this.ifIndex = ifIndex;
        this.name = name;
        this.abbreviatedName = abbreviatedName;
        this.description = description;
        this.speedBps = speedBps;
        this.mac = mac;
        this.mtu = mtu;
        this.adminUp = adminUp;
        this.activity = activity;
        this.burstPort = burstPort;
        this.in = in;
        this.out = out;
        this.idleAfterMs = idleAfterMs;
    }

    /** 0-based position in the device's interface list (the order of every table). */
    public int position() {
        return position;
    }

    /** H3C IfIndex (= SNMP ifIndex); equals the port number, so it has gaps before the uplinks. */
    public int ifIndex() {
        return ifIndex;
    }

    /** e.g. {@code GigabitEthernet1/0/1}. */
    public String name() {
        return name;
    }

    /** e.g. {@code GE1/0/1}. */
    public String abbreviatedName() {
        return abbreviatedName;
    }

    public String description() {
        return description;
    }

    public long speedBps() {
        return speedBps;
    }

    /** Written as H3C does: {@code 38-91-D5-2F-4D-F1}. */
    public String mac() {
        return mac;
    }

    public int mtu() {
        return mtu;
    }

    public Activity activity() {
        return activity;
    }

    /** The one port per device whose utilisation periodically exceeds 80%. */
    public boolean burstPort() {
        return burstPort;
    }

    /** IF-MIB ifAdminStatus: 1 up, 2 down. */
    public int adminStatus() {
        return adminUp ? 1 : 2;
    }

    /** IF-MIB ifOperStatus: 1 up, 2 down. */
    public int operStatus() {
        return activity == Activity.DOWN ? 2 : 1;
    }

    Flow flow(Direction d) {
        return d == Direction.IN ? in : out;
    }

    @Override
    public String toString() {
        return name + "(ifIndex " + ifIndex + ", " + activity + (burstPort ? ", burst port" : "") + ")";
    }
}
