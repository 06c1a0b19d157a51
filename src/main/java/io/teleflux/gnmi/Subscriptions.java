package io.teleflux.gnmi;

import io.teleflux.proto.gnmi.CapabilityResponse;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.ModelData;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.SubscribeRequest;
import io.teleflux.proto.gnmi.Subscription;
import io.teleflux.proto.gnmi.SubscriptionList;
import io.teleflux.proto.gnmi.SubscriptionMode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the collector asks a target for: the paths (the target's own list, or the defaults the
 * target's models allow), each SAMPLE at the sample interval or, for state leaves, ON_CHANGE with
 * heartbeats; and the encoding (PROTO when offered, else JSON_IETF).
 */
final class Subscriptions {
    /** Leaves that change rarely: subscribed ON_CHANGE unless the target's state-mode says otherwise. */
    static final Set<String> STATE_LEAVES = Set.of("oper-status", "admin-status", "ifindex", "description",
            "port-speed", "negotiated-port-speed", "lag-speed", "boot-time");

    static final List<String> INTERFACES = List.of("/interfaces/interface/state/counters",
            "/interfaces/interface/state/oper-status", "/interfaces/interface/state/admin-status",
            "/interfaces/interface/state/ifindex", "/interfaces/interface/state/description");
    static final List<String> ETHERNET = List.of("/interfaces/interface/ethernet/state/port-speed",
            "/interfaces/interface/ethernet/state/negotiated-port-speed");
    static final List<String> AGGREGATE = List.of("/interfaces/interface/aggregation/state/lag-speed");
    static final List<String> PLATFORM = List.of("/components/component/cpu/utilization/state/instant",
            "/components/component/state/memory");
    static final List<String> SYSTEM_RESOURCES = List.of("/system/cpus/cpu/state/total/instant", "/system/memory/state");
    static final List<String> SYSTEM = List.of("/system/state/boot-time");

    private Subscriptions() {
    }

    /** The request, and what it asks for (for logs, the idle timeout and the ON_CHANGE fallback). */
    record Plan(SubscribeRequest request, Encoding encoding, List<String> paths, boolean anySampled,
                boolean anyOnChange) {
    }

    /**
     * @param caps       the target's Capabilities answer; null when it has none (UNIMPLEMENTED)
     * @param sampleOnly the target refused ON_CHANGE before: state leaves are sampled too
     */
    static Plan plan(GnmiTarget t, CapabilityResponse caps, boolean sampleOnly) {
        List<String> paths = t.subscriptions().isEmpty() ? defaults(caps) : t.subscriptions();
        Encoding encoding = encoding(t.encoding(), caps);
        SubscriptionList.Builder list = SubscriptionList.newBuilder().setMode(SubscriptionList.Mode.STREAM)
                .setEncoding(encoding);
        if (!t.target().isEmpty() || !t.origin().isEmpty()) {
            list.setPrefix(Path.newBuilder().setTarget(t.target()).setOrigin(t.origin()));
        }
        boolean onChangeAllowed = !sampleOnly && t.stateMode() != GnmiTarget.StateMode.SAMPLE;
        boolean anySampled = false;
        boolean anyOnChange = false;
        for (String text : paths) {
            List<GnmiPaths.Elem> elems = GnmiPaths.parse(text);
            Subscription.Builder s = Subscription.newBuilder().setPath(GnmiPaths.toProto(elems));
            String leaf = elems.isEmpty() ? "" : elems.get(elems.size() - 1).name();
            if (onChangeAllowed && STATE_LEAVES.contains(leaf)) {
                s.setMode(SubscriptionMode.ON_CHANGE);
                if (!t.heartbeatInterval().isZero()) {
                    s.setHeartbeatInterval(t.heartbeatInterval().toNanos());
                }
                anyOnChange = true;
            } else {
                s.setMode(SubscriptionMode.SAMPLE).setSampleInterval(t.sampleInterval().toNanos());
                anySampled = true;
            }
            list.addSubscription(s);
        }
        return new Plan(SubscribeRequest.newBuilder().setSubscribe(list).build(), encoding, paths, anySampled,
                anyOnChange);
    }

    /**
     * The default paths: interface counters, state and speed; CPU and memory from
     * openconfig-platform where offered, else from openconfig-system; boot time from
     * openconfig-system. A target that lists no models gets interfaces, Ethernet speed and platform.
     */
    static List<String> defaults(CapabilityResponse caps) {
        Set<String> models = new HashSet<>();
        if (caps != null) {
            for (ModelData m : caps.getSupportedModelsList()) {
                models.add(m.getName());
            }
        }
        boolean unknown = models.isEmpty();
        List<String> out = new ArrayList<>(INTERFACES);
        if (unknown || models.contains("openconfig-if-ethernet")) {
            out.addAll(ETHERNET);
        }
        if (models.contains("openconfig-if-aggregate")) {
            out.addAll(AGGREGATE);
        }
        boolean platform = unknown || models.contains("openconfig-platform");
        if (platform) {
            out.addAll(PLATFORM);
        }
        if (models.contains("openconfig-system")) {
            if (!platform) {
                out.addAll(SYSTEM_RESOURCES);
            }
            out.addAll(SYSTEM);
        }
        return out;
    }

    /** PROTO or JSON_IETF as configured; auto: PROTO when offered (or nothing is said), else JSON_IETF, else JSON. */
    static Encoding encoding(GnmiTarget.EncodingChoice choice, CapabilityResponse caps) {
        return switch (choice) {
            case PROTO -> Encoding.PROTO;
            case JSON_IETF -> Encoding.JSON_IETF;
            case AUTO -> {
                List<Encoding> offered = caps == null ? List.of() : caps.getSupportedEncodingsList();
                if (offered.isEmpty() || offered.contains(Encoding.PROTO)) {
                    yield Encoding.PROTO;
                }
                if (offered.contains(Encoding.JSON_IETF)) {
                    yield Encoding.JSON_IETF;
                }
                yield offered.contains(Encoding.JSON) ? Encoding.JSON : Encoding.PROTO;
            }
        };
    }
}
