package io.teleflux.sim.gnmi;

import io.grpc.Status;
import io.grpc.StatusException;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.PathElem;
import io.teleflux.proto.gnmi.Subscription;
import io.teleflux.proto.gnmi.SubscriptionList;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.InterfaceProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SubscriptionList} checked and resolved against one device: which leaves of which list
 * entries are sent, grouped by cadence (period, on change or sampled, suppression, heartbeat).
 * Everything a target would refuse is refused here, with the status code the gNMI specification
 * gives and a message that names the field.
 */
final class SubscriptionPlan {
    static final String OPENCONFIG = "openconfig";
    private static final long NANOS_PER_MS = 1_000_000L;

    /** What the simulator offers every plan: the devices, and the default and least period. */
    record Served(CounterModel model, int devices, long defaultPeriodMs, long minPeriodMs) {
    }

    /**
     * When the leaves of a group are looked at, and which of them are then sent.
     *
     * @param periodMs          the sample interval, or for on-change leaves how often they are checked
     * @param onChange          send a leaf only when its value differs from the last one sent
     * @param suppressRedundant (SAMPLE) likewise, for sampled leaves
     * @param heartbeatMs       with either of the two above: send an unchanged leaf again after this long; 0 never
     */
    record Cadence(long periodMs, boolean onChange, boolean suppressRedundant, long heartbeatMs) {
        boolean changesOnly() {
            return onChange || suppressRedundant;
        }
    }

    /** The leaves (a bit per {@link OcLeaf} ordinal) of each list entry sent at one cadence. */
    static final class Group {
        final Cadence cadence;
        /** Entries: interface positions 0..n-1, then n for the component. */
        final int[] entries;
        final long[] leaves;
        /** The last value seen and the instant it was last sent, per entry and leaf ordinal. */
        final Object[][] last;
        final long[][] lastSentMs;

        Group(Cadence cadence, int[] entries, long[] leaves) {
            this.cadence = cadence;
            this.entries = entries;
            this.leaves = leaves;
            this.last = new Object[entries.length][OcLeaf.values().length];
            this.lastSentMs = new long[entries.length][OcLeaf.values().length];
        }

        int updatesPerRound() {
            int n = 0;
            for (long l : leaves) {
                n += Long.bitCount(l);
            }
            return n;
        }
    }

    final int device;
    final String target;
    final String origin;
    final Encoding encoding;
    final boolean once;
    final boolean updatesOnly;
    final List<Group> groups;
    /** Requested paths that select no served leaf of this device (accepted; nothing is sent for them). */
    final List<String> unmatched;
    /** Entry names: the interfaces' names in the model's order, then {@link OcLeaf#COMPONENT_NAME}. */
    final List<String> entryNames;

    private SubscriptionPlan(int device, String target, String origin, Encoding encoding, boolean once,
                             boolean updatesOnly, List<Group> groups, List<String> unmatched, List<String> entryNames) {
        this.device = device;
        this.target = target;
        this.origin = origin;
        this.encoding = encoding;
        this.once = once;
        this.updatesOnly = updatesOnly;
        this.groups = groups;
        this.unmatched = unmatched;
        this.entryNames = entryNames;
    }

    int interfaces() {
        return entryNames.size() - 1;
    }

    OcLeaf.Container container(int entry) {
        return entry < interfaces() ? OcLeaf.Container.INTERFACE : OcLeaf.Container.COMPONENT;
    }

    static SubscriptionPlan of(SubscriptionList list, Served served) throws StatusException {
        boolean once = switch (list.getMode()) {
            case STREAM -> false;
            case ONCE -> true;
            case POLL -> throw unimplemented("SubscriptionList.mode POLL is not served; use STREAM or ONCE");
            default -> throw invalid("SubscriptionList.mode " + list.getModeValue() + " is not a gNMI mode");
        };
        Encoding encoding = list.getEncoding();
        if (encoding == Encoding.UNRECOGNIZED) {
            throw invalid("SubscriptionList.encoding " + list.getEncodingValue() + " is not a gNMI encoding");
        }
        if (!ValueEncoder.served(encoding)) {
            throw unimplemented("SubscriptionList.encoding " + encoding + " is not served; ask for PROTO or JSON_IETF"
                    + (encoding == Encoding.JSON ? " (JSON is what an unset encoding field means)" : ""));
        }
        if (list.getUseAliases()) {
            throw unimplemented("SubscriptionList.use_aliases: aliases are not served");
        }
        Path prefix = list.getPrefix();
        int device = device(prefix.getTarget(), served);
        String target = served.model().deviceName(device);
        if (list.getSubscriptionCount() == 0) {
            throw invalid("SubscriptionList has no subscription");
        }
        boolean openconfig = checkOrigin(prefix.getOrigin(), "SubscriptionList.prefix.origin");
        checkElems(prefix, "SubscriptionList.prefix");

        List<String> names = new ArrayList<>();
        for (InterfaceProfile p : served.model().interfaces(device)) {
            names.add(p.name());
        }
        names.add(OcLeaf.COMPONENT_NAME);
        int interfaces = names.size() - 1;

        Map<Cadence, long[]> byCadence = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        for (int s = 0; s < list.getSubscriptionCount(); s++) {
            Subscription sub = list.getSubscription(s);
            String field = "subscription[" + s + "]";
            checkElems(sub.getPath(), field + ".path");
            openconfig |= checkOrigin(sub.getPath().getOrigin(), field + ".path.origin");
            List<PathElem> requested = new ArrayList<>(prefix.getElemList());
            requested.addAll(sub.getPath().getElemList());
            long sampleMs = periodMs(sub.getSampleInterval(), field + ".sample_interval", served);
            long heartbeatMs = sub.getHeartbeatInterval() == 0 ? 0
                    : periodMs(sub.getHeartbeatInterval(), field + ".heartbeat_interval", served);
            Cadence sampled;
            Cadence changed = new Cadence(served.defaultPeriodMs(), true, false, heartbeatMs);
            switch (sub.getMode()) {
                case SAMPLE -> {
                    sampled = new Cadence(sampleMs, false, sub.getSuppressRedundant(),
                            sub.getSuppressRedundant() ? heartbeatMs : 0);
                    changed = sampled;
                }
                case ON_CHANGE -> sampled = changed;
                case TARGET_DEFINED -> sampled = new Cadence(sampleMs, false, false, 0);
                default -> throw invalid(field + ".mode " + sub.getModeValue() + " is not a gNMI subscription mode");
            }
            if (once) {
                sampled = new Cadence(served.defaultPeriodMs(), false, false, 0);
                changed = sampled;
            }
            boolean any = false;
            for (int e = 0; e < names.size(); e++) {
                OcLeaf.Container c = e < interfaces ? OcLeaf.Container.INTERFACE : OcLeaf.Container.COMPONENT;
                for (OcLeaf leaf : OcLeaf.of(c)) {
                    if (OcPaths.matches(requested, OcPaths.schemaPath(leaf, names.get(e)))) {
                        Cadence cadence = leaf.sampled ? sampled : changed;
                        byCadence.computeIfAbsent(cadence, k -> new long[names.size()])[e] |= 1L << leaf.ordinal();
                        any = true;
                    }
                }
            }
            if (!any) {
                unmatched.add(OcPaths.text(requested));
            }
        }
        List<Group> groups = new ArrayList<>();
        byCadence.forEach((cadence, masks) -> {
            int n = 0;
            for (long m : masks) {
                n += m != 0 ? 1 : 0;
            }
            int[] entries = new int[n];
            long[] leaves = new long[n];
            for (int e = 0, k = 0; e < masks.length; e++) {
                if (masks[e] != 0) {
                    entries[k] = e;
                    leaves[k++] = masks[e];
                }
            }
            groups.add(new Group(cadence, entries, leaves));
        });
        return new SubscriptionPlan(device, target, openconfig ? OPENCONFIG : "", encoding, once,
                list.getUpdatesOnly(), List.copyOf(groups), List.copyOf(unmatched), List.copyOf(names));
    }

    /** The device {@code prefix.target} names: gNMI's way to address one of several targets behind one server. */
    static int device(String target, Served served) throws StatusException {
        CounterModel model = served.model();
        String range = served.devices() == 1 ? model.deviceName(0)
                : model.deviceName(0) + " .. " + model.deviceName(served.devices() - 1);
        if (target.isEmpty()) {
            if (served.devices() == 1) {
                return 0;
            }
            throw invalid("SubscriptionList.prefix.target is empty, but this simulator serves " + served.devices()
                    + " devices (" + range + "): set prefix.target to the device's name");
        }
        int d = model.deviceIndex(target);
        if (d < 0 || d >= served.devices()) {
            throw Status.NOT_FOUND.withDescription("no device named '" + target
                    + "' (SubscriptionList.prefix.target); this simulator serves " + range).asException();
        }
        return d;
    }

    private static boolean checkOrigin(String origin, String field) throws StatusException {
        if (origin.isEmpty()) {
            return false;
        }
        if (origin.equals(OPENCONFIG)) {
            return true;
        }
        throw invalid(field + " '" + origin + "' is not served; use '" + OPENCONFIG + "' or leave it empty");
    }

    @SuppressWarnings("deprecation") // the deprecated 'element' field is only looked at to refuse it clearly
    private static void checkElems(Path p, String field) throws StatusException {
        if (p.getElemCount() == 0 && p.getElementCount() > 0) {
            throw invalid(field + " uses the deprecated 'element' field; send 'elem' (PathElem) instead");
        }
        for (PathElem e : p.getElemList()) {
            if (e.getName().isEmpty()) {
                throw invalid(field + " has an element without a name: " + OcPaths.text(p.getElemList()));
            }
        }
    }

    private static long periodMs(long nanos, String field, Served served) throws StatusException {
        if (nanos == 0) {
            return served.defaultPeriodMs();
        }
        if (nanos < 0) {
            throw invalid(field + " " + Long.toUnsignedString(nanos) + "ns is too large");
        }
        long ms = (nanos + NANOS_PER_MS - 1) / NANOS_PER_MS;
        if (ms < served.minPeriodMs()) {
            throw invalid(field + " " + nanos + "ns is below this target's minimum of " + served.minPeriodMs()
                    + "ms (the value is in nanoseconds)");
        }
        return ms;
    }

    private static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }

    private static StatusException unimplemented(String message) {
        return Status.UNIMPLEMENTED.withDescription(message).asException();
    }
}
