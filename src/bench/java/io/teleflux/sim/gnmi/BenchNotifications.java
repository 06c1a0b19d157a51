package io.teleflux.sim.gnmi;

import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.Update;
import io.teleflux.sim.CounterModel;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gNMI simulator sends for one SAMPLE round of {@code /interfaces/interface/state} (every
 * interface leaf, PROTO-encoded): one serialized SubscribeResponse per interface, built with the
 * simulator's own paths and value encoding, for the decode benchmark.
 */
public final class BenchNotifications {
    private BenchNotifications() {
    }

    public static List<byte[]> interfaces(CounterModel model, int device, String target, long timeMs) {
        Reading r = new Reading(model, device, timeMs);
        List<byte[]> out = new ArrayList<>();
        for (int p = 0; p < model.interfacesPerDevice(); p++) {
            r.at(p);
            Notification.Builder n = Notification.newBuilder().setTimestamp(timeMs * 1_000_000L)
                    .setPrefix(OcPaths.prefix(target, SubscriptionPlan.OPENCONFIG, OcLeaf.Container.INTERFACE, r.profile().name()));
            for (OcLeaf leaf : OcLeaf.values()) {
                if (leaf.container != OcLeaf.Container.INTERFACE) {
                    continue;
                }
                Object v = r.value(leaf);
                if (v != null) {
                    n.addUpdate(Update.newBuilder().setPath(OcPaths.relative(leaf)).setVal(ValueEncoder.encode(leaf.type, v, Encoding.PROTO)));
                }
            }
            out.add(SubscribeResponse.newBuilder().setUpdate(n).build().toByteArray());
        }
        return out;
    }
}
