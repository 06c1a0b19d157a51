package io.teleflux.sim.gnmi;

import io.grpc.Status;
import io.grpc.StatusException;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.PathElem;
import io.teleflux.proto.gnmi.Subscription;
import io.teleflux.proto.gnmi.SubscriptionList;
import io.teleflux.proto.gnmi.SubscriptionMode;
import io.teleflux.sim.CounterModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Path matching against the served schema, and how a SubscriptionList is resolved or refused. */
class OcPathsTest {
    static final CounterModel MODEL = new CounterModel(7, 6, "sim-");
    static final SubscriptionPlan.Served SERVED = new SubscriptionPlan.Served(MODEL, 3, 5000, 100);

    /** {@code /a/b[k=v]/c} as gNMI tools write it (no escaping needed here). */
    static List<PathElem> elems(String path) {
        List<PathElem> out = new ArrayList<>();
        for (String part : path.replaceFirst("^/", "").split("/(?![^\\[]*\\])")) {
            if (part.isEmpty()) {
                continue;
            }
            PathElem.Builder b = PathElem.newBuilder();
            int br = part.indexOf('[');
            b.setName(br < 0 ? part : part.substring(0, br));
            if (br >= 0) {
                for (String kv : part.substring(br + 1, part.length() - 1).split("\\]\\[")) {
                    String[] p = kv.split("=", 2);
                    b.putKey(p[0], p[1]);
                }
            }
            out.add(b.build());
        }
        return out;
    }

    static Path path(String p) {
        return Path.newBuilder().addAllElem(elems(p)).build();
    }

    static Set<OcLeaf> selected(String path, String entry, OcLeaf.Container c) {
        Set<OcLeaf> out = EnumSet.noneOf(OcLeaf.class);
        for (OcLeaf l : OcLeaf.of(c)) {
            if (OcPaths.matches(elems(path), OcPaths.schemaPath(l, entry))) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void aContainerSelectsTheLeavesBelowIt() {
        String ge = "GigabitEthernet1/0/1";
        Set<OcLeaf> counters = selected("/interfaces/interface/state/counters", ge, OcLeaf.Container.INTERFACE);
        assertThat(counters).hasSize(14).contains(OcLeaf.IN_OCTETS, OcLeaf.OUT_ERRORS).doesNotContain(OcLeaf.OPER_STATUS);
        assertThat(selected("/interfaces/interface/state", ge, OcLeaf.Container.INTERFACE))
                .hasSize(20).doesNotContain(OcLeaf.PORT_SPEED);
        assertThat(selected("/interfaces", ge, OcLeaf.Container.INTERFACE)).hasSize(22);
        assertThat(selected("/", ge, OcLeaf.Container.INTERFACE)).hasSize(22);
        assertThat(selected("/interfaces/interface/state/oper-status", ge, OcLeaf.Container.INTERFACE))
                .containsExactly(OcLeaf.OPER_STATUS);
        assertThat(selected("/interfaces/interface/ethernet/state/port-speed", ge, OcLeaf.Container.INTERFACE))
                .containsExactly(OcLeaf.PORT_SPEED);
        assertThat(selected("/components/component/state/memory", "CPU0", OcLeaf.Container.COMPONENT))
                .containsExactly(OcLeaf.MEMORY_AVAILABLE, OcLeaf.MEMORY_UTILIZED);
        assertThat(selected("/components/component/cpu/utilization/state/instant", "CPU0", OcLeaf.Container.COMPONENT))
                .containsExactly(OcLeaf.CPU_INSTANT);
        // interface paths never select component leaves, and a leaf path selects nothing longer
        assertThat(selected("/interfaces/interface/state", "CPU0", OcLeaf.Container.COMPONENT)).isEmpty();
        assertThat(selected("/interfaces/interface/state/counters/in-octets/x", ge, OcLeaf.Container.INTERFACE)).isEmpty();
        assertThat(selected("/interfaces/interface/stat", ge, OcLeaf.Container.INTERFACE)).isEmpty();
    }

    @Test
    void keysAndWildcardsMatchByElement() {
        String ge = "GigabitEthernet1/0/1";
        OcLeaf.Container i = OcLeaf.Container.INTERFACE;
        assertThat(selected("/interfaces/interface[name=GigabitEthernet1/0/1]/state/counters/in-octets", ge, i))
                .containsExactly(OcLeaf.IN_OCTETS);
        assertThat(selected("/interfaces/interface[name=GigabitEthernet1/0/2]/state/counters/in-octets", ge, i)).isEmpty();
        assertThat(selected("/interfaces/interface[name=*]/state/counters/in-octets", ge, i)).containsExactly(OcLeaf.IN_OCTETS);
        assertThat(selected("/interfaces/*/state/counters/in-octets", ge, i)).containsExactly(OcLeaf.IN_OCTETS);
        assertThat(selected("/*/*/state/oper-status", ge, i)).containsExactly(OcLeaf.OPER_STATUS);
        assertThat(selected("/interfaces/interface/*/counters/out-octets", ge, i)).containsExactly(OcLeaf.OUT_OCTETS);
        assertThat(selected("/.../in-octets", ge, i)).containsExactly(OcLeaf.IN_OCTETS);
        assertThat(selected("/interfaces/.../state/port-speed", ge, i)).containsExactly(OcLeaf.PORT_SPEED);
        // a key the list does not have, or a key on an element that is no list, selects nothing
        assertThat(selected("/interfaces/interface[ifindex=1]/state", ge, i)).isEmpty();
        assertThat(selected("/interfaces/interface/state[name=x]", ge, i)).isEmpty();
        assertThat(OcPaths.text(elems("/interfaces/interface[name=Ten-GigabitEthernet1/0/49]/state")))
                .isEqualTo("/interfaces/interface[name=Ten-GigabitEthernet1/0/49]/state");
    }

    static SubscriptionList.Builder list(String target, Encoding enc, Subscription... subs) {
        return SubscriptionList.newBuilder().setPrefix(Path.newBuilder().setTarget(target)).setEncoding(enc)
                .addAllSubscription(List.of(subs));
    }

    static Subscription sub(String path, SubscriptionMode mode, long intervalNs) {
        return Subscription.newBuilder().setPath(path(path)).setMode(mode).setSampleInterval(intervalNs).build();
    }

    @Test
    void aPlanGroupsLeavesByCadence() throws StatusException {
        SubscriptionPlan p = SubscriptionPlan.of(list("sim-0002", Encoding.PROTO,
                sub("/interfaces/interface/state/counters", SubscriptionMode.SAMPLE, 1_000_000_000L),
                sub("/interfaces/interface/state/oper-status", SubscriptionMode.ON_CHANGE, 0),
                sub("/components/component", SubscriptionMode.TARGET_DEFINED, 0)).build(), SERVED);
        assertThat(p.device).isEqualTo(1);
        assertThat(p.target).isEqualTo("sim-0002");
        assertThat(p.origin).isEmpty();
        assertThat(p.entryNames).hasSize(MODEL.interfacesPerDevice() + 1).endsWith("CPU0");
        assertThat(p.unmatched).isEmpty();
        assertThat(p.groups).extracting(g -> g.cadence).containsExactly(
                new SubscriptionPlan.Cadence(1000, false, false, 0),
                new SubscriptionPlan.Cadence(5000, true, false, 0),
                new SubscriptionPlan.Cadence(5000, false, false, 0));
        assertThat(p.groups.get(0).updatesPerRound()).isEqualTo(14 * MODEL.interfacesPerDevice());
        assertThat(p.groups.get(1).updatesPerRound()).isEqualTo(MODEL.interfacesPerDevice());
        assertThat(p.groups.get(2).entries).containsExactly(MODEL.interfacesPerDevice());
        assertThat(p.groups.get(2).updatesPerRound()).isEqualTo(3);

        SubscriptionPlan once = SubscriptionPlan.of(list("sim-0001", Encoding.JSON_IETF,
                sub("/interfaces/interface[name=nope]", SubscriptionMode.SAMPLE, 0))
                .setMode(SubscriptionList.Mode.ONCE).setPrefix(Path.newBuilder().setTarget("sim-0001")
                        .setOrigin("openconfig")).build(), SERVED);
        assertThat(once.once).isTrue();
        assertThat(once.origin).isEqualTo("openconfig");
        assertThat(once.unmatched).containsExactly("/interfaces/interface[name=nope]");
        assertThat(once.groups).isEmpty();
    }

    static void refused(SubscriptionList l, SubscriptionPlan.Served served, Status.Code code, String message) {
        assertThatThrownBy(() -> SubscriptionPlan.of(l, served)).isInstanceOfSatisfying(StatusException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    @Test
    void whatATargetWouldRefuseIsRefusedWithTheFieldNamed() {
        Subscription counters = sub("/interfaces/interface/state/counters", SubscriptionMode.SAMPLE, 0);
        refused(list("", Encoding.PROTO, counters).build(), SERVED, Status.Code.INVALID_ARGUMENT,
                "prefix.target is empty, but this simulator serves 3 devices (sim-0001 .. sim-0003)");
        refused(list("sim-0004", Encoding.PROTO, counters).build(), SERVED, Status.Code.NOT_FOUND,
                "no device named 'sim-0004'");
        refused(list("router1", Encoding.PROTO, counters).build(), SERVED, Status.Code.NOT_FOUND,
                "no device named 'router1'");
        refused(list("sim-0001", Encoding.JSON, counters).build(), SERVED, Status.Code.UNIMPLEMENTED,
                "encoding JSON is not served; ask for PROTO or JSON_IETF");
        refused(list("sim-0001", Encoding.ASCII, counters).build(), SERVED, Status.Code.UNIMPLEMENTED,
                "encoding ASCII is not served");
        refused(list("sim-0001", Encoding.PROTO, counters).setEncodingValue(42).build(), SERVED,
                Status.Code.INVALID_ARGUMENT, "encoding 42 is not a gNMI encoding");
        refused(list("sim-0001", Encoding.PROTO, counters).setMode(SubscriptionList.Mode.POLL).build(), SERVED,
                Status.Code.UNIMPLEMENTED, "mode POLL is not served");
        refused(list("sim-0001", Encoding.PROTO).build(), SERVED, Status.Code.INVALID_ARGUMENT, "no subscription");
        refused(list("sim-0001", Encoding.PROTO, sub("/interfaces", SubscriptionMode.SAMPLE, 10_000_000L)).build(),
                SERVED, Status.Code.INVALID_ARGUMENT,
                "subscription[0].sample_interval 10000000ns is below this target's minimum of 100ms");
        refused(list("sim-0001", Encoding.PROTO, Subscription.newBuilder().setPath(Path.newBuilder()
                .setOrigin("openconfig-interfaces")).build()).build(), SERVED, Status.Code.INVALID_ARGUMENT,
                "subscription[0].path.origin 'openconfig-interfaces' is not served");
        refused(list("sim-0001", Encoding.PROTO, counters).setUseAliases(true).build(), SERVED,
                Status.Code.UNIMPLEMENTED, "aliases");
    }

    @Test
    void anEmptyTargetNamesTheOnlyDevice() throws StatusException {
        SubscriptionPlan.Served one = new SubscriptionPlan.Served(MODEL, 1, 5000, 100);
        SubscriptionPlan p = SubscriptionPlan.of(list("", Encoding.PROTO,
                sub("/interfaces/interface/state/counters", SubscriptionMode.SAMPLE, 0)).build(), one);
        assertThat(p.target).isEqualTo("sim-0001");
        assertThat(p.groups.get(0).cadence.periodMs()).isEqualTo(5000);
        refused(list("sim-0002", Encoding.PROTO).build(), one, Status.Code.NOT_FOUND, "serves sim-0001");
    }
}
