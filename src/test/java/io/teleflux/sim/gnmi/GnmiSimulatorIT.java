package io.teleflux.sim.gnmi;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.teleflux.proto.gnmi.CapabilityRequest;
import io.teleflux.proto.gnmi.CapabilityResponse;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.ModelData;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.PathElem;
import io.teleflux.proto.gnmi.SubscribeRequest;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.Subscription;
import io.teleflux.proto.gnmi.SubscriptionList;
import io.teleflux.proto.gnmi.SubscriptionMode;
import io.teleflux.proto.gnmi.Update;
import io.teleflux.proto.gnmi.gNMIGrpc;
import io.teleflux.sim.Activity;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.teleflux.sim.gnmi.SimulateCommandGnmiTest.simulate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gNMI face on a loopback port, read with the generated gNMI stubs: what a collector
 * subscribes to is sent on the interval grid with the model's values at each notification's
 * timestamp, and it agrees with the SNMP face of the same {@code teleflux simulate} run.
 */
class GnmiSimulatorIT {
    static final long SECOND_NS = 1_000_000_000L;
    static final int INTERFACES = 4;
    static CounterModel model;
    static GnmiSimulator sim;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        model = new CounterModel(5, INTERFACES, "sim-");
        sim = new GnmiSimulator(model, 3, GnmiSettings.plaintext("127.0.0.1", 0, Duration.ofSeconds(1)));
        sim.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", sim.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (sim != null) {
            sim.close();
        }
    }

    /** What a collector's Subscribe call received, in order, and how it ended. */
    static final class Recorder implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {
        final BlockingQueue<SubscribeResponse> got = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        private final int initialRequest;
        ClientCallStreamObserver<SubscribeRequest> call;

        /** @param initialRequest messages to take before stopping reading (a stalled collector); 0: read all */
        Recorder(int initialRequest) {
            this.initialRequest = initialRequest;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> c) {
            call = c;
            if (initialRequest > 0) {
                c.disableAutoRequestWithInitial(initialRequest);
            }
        }

        @Override
        public void onNext(SubscribeResponse r) {
            got.add(r);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        SubscribeResponse next() throws InterruptedException {
            SubscribeResponse r = got.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a response within 10 s (ended: %s)", end.getNow(null)).isNotNull();
            return r;
        }

        /** The notifications up to {@code sync_response}. */
        List<Notification> untilSync() throws InterruptedException {
            List<Notification> out = new ArrayList<>();
            for (SubscribeResponse r = next(); !r.getSyncResponse(); r = next()) {
                assertThat(r.hasUpdate()).isTrue();
                out.add(r.getUpdate());
            }
            return out;
        }

        List<Notification> notifications(int n) throws InterruptedException {
            List<Notification> out = new ArrayList<>();
            while (out.size() < n) {
                SubscribeResponse r = next();
                assertThat(r.getSyncResponse()).as("one sync_response per stream").isFalse();
                out.add(r.getUpdate());
            }
            return out;
        }

        Status ended() throws Exception {
            return end.get(10, TimeUnit.SECONDS);
        }

        void cancel() {
            call.cancel("test done", null);
        }
    }

    static Path path(String p) {
        return OcPathsTest.path(p);
    }

    static Subscription sample(String p, long intervalNs) {
        return Subscription.newBuilder().setPath(path(p)).setMode(SubscriptionMode.SAMPLE).setSampleInterval(intervalNs)
                .build();
    }

    static SubscriptionList list(String target, Encoding enc, Subscription... subs) {
        return SubscriptionList.newBuilder().setPrefix(Path.newBuilder().setTarget(target)).setEncoding(enc)
                .setMode(SubscriptionList.Mode.STREAM).addAllSubscription(List.of(subs)).build();
    }

    static Recorder subscribe(ManagedChannel ch, SubscriptionList l) {
        return subscribe(gNMIGrpc.newStub(ch), l, 0);
    }

    static Recorder subscribe(gNMIGrpc.gNMIStub stub, SubscriptionList l, int initialRequest) {
        Recorder r = new Recorder(initialRequest);
        stub.subscribe(r).onNext(SubscribeRequest.newBuilder().setSubscribe(l).build());
        return r;
    }

    /** The update values of a notification by relative path, e.g. {@code state/counters/in-octets}. */
    static Map<String, Update> byPath(Notification n) {
        Map<String, Update> out = new HashMap<>();
        for (Update u : n.getUpdateList()) {
            out.put(String.join("/", u.getPath().getElemList().stream().map(PathElem::getName).toList()), u);
        }
        return out;
    }

    static String entry(Notification n) {
        assertThat(n.getPrefix().getElemCount()).isEqualTo(2);
        return n.getPrefix().getElem(1).getKeyOrThrow("name");
    }

    static int position(int device, String ifName) {
        List<InterfaceProfile> ifs = model.interfaces(device);
        for (int p = 0; p < ifs.size(); p++) {
            if (ifs.get(p).name().equals(ifName)) {
                return p;
            }
        }
        throw new AssertionError("no interface " + ifName);
    }

    /** Every counter of the notification equals the model's at the notification's timestamp. */
    static void assertModelCounters(int device, Notification n) {
        long t = n.getTimestamp() / 1_000_000L;
        int p = position(device, entry(n));
        FlowCounters in = model.counters(device, p, Direction.IN, t);
        FlowCounters out = model.counters(device, p, Direction.OUT, t);
        Map<String, Update> u = byPath(n);
        assertThat(u).hasSize(14);
        long[] expected = {in.octets(), in.packets(), in.unicast(), in.broadcast(), in.multicast(), in.discards(),
                in.errors(), out.octets(), out.packets(), out.unicast(), out.broadcast(), out.multicast(),
                out.discards(), out.errors()};
        String[] names = {"in-octets", "in-pkts", "in-unicast-pkts", "in-broadcast-pkts", "in-multicast-pkts",
                "in-discards", "in-errors", "out-octets", "out-pkts", "out-unicast-pkts", "out-broadcast-pkts",
                "out-multicast-pkts", "out-discards", "out-errors"};
        for (int k = 0; k < names.length; k++) {
            assertThat(u.get("state/counters/" + names[k]).getVal().getUintVal()).as(names[k]).isEqualTo(expected[k]);
        }
    }

    @Test
    void capabilitiesNameTheModelsEncodingsAndVersion() {
        CapabilityResponse c = gNMIGrpc.newBlockingStub(channel).capabilities(CapabilityRequest.getDefaultInstance());
        assertThat(c.getSupportedModelsList()).extracting(ModelData::getName)
                .contains("openconfig-interfaces", "openconfig-platform");
        assertThat(c.getSupportedEncodingsList()).containsExactlyInAnyOrder(Encoding.PROTO, Encoding.JSON_IETF);
        assertThat(c.getGNMIVersion()).isEqualTo("0.8.0");
    }

    @Test
    void streamSampleSendsTheModelsCountersOnTheIntervalGrid() throws Exception {
        Recorder r = subscribe(channel, list("sim-0002", Encoding.PROTO,
                sample("/interfaces/interface/state/counters", SECOND_NS)));
        try {
            List<Notification> first = r.untilSync();
            assertThat(first).hasSize(INTERFACES);
            assertThat(first).extracting(GnmiSimulatorIT::entry)
                    .containsExactlyElementsOf(model.interfaces(1).stream().map(InterfaceProfile::name).toList());
            Notification n0 = first.get(0);
            assertThat(n0.getPrefix().getTarget()).isEqualTo("sim-0002");
            assertThat(n0.getPrefix().getElem(0).getName()).isEqualTo("interfaces");
            assertThat(n0.getPrefix().getElem(1).getName()).isEqualTo("interface");
            long now = System.currentTimeMillis() * 1_000_000L;
            assertThat(n0.getTimestamp()).isBetween(now - 2 * SECOND_NS, now);
            List<Notification> later = r.notifications(2 * INTERFACES);
            List<Notification> all = new ArrayList<>(first);
            all.addAll(later);
            for (Notification n : all) {
                assertThat(n.getTimestamp() % SECOND_NS).as("on the 1 s grid").isZero();
                assertModelCounters(1, n);
            }
            for (int round = 1; round <= 2; round++) {
                for (int k = 0; k < INTERFACES; k++) {
                    Notification before = all.get((round - 1) * INTERFACES + k);
                    Notification after = all.get(round * INTERFACES + k);
                    assertThat(entry(after)).isEqualTo(entry(before));
                    assertThat(after.getTimestamp() - before.getTimestamp()).isEqualTo(SECOND_NS);
                    long b = byPath(before).get("state/counters/in-octets").getVal().getUintVal();
                    long a = byPath(after).get("state/counters/in-octets").getVal().getUintVal();
                    if (model.iface(1, k).activity() == Activity.ACTIVE) {
                        assertThat(a).as("%s in-octets grows", entry(after)).isGreaterThan(b);
                    } else {
                        assertThat(a).isGreaterThanOrEqualTo(b);
                    }
                }
            }
            assertThat(model.iface(1, 0).activity()).as("the burst port carries traffic").isEqualTo(Activity.ACTIVE);
            assertThat(sim.stats().streams()).isPositive();
        } finally {
            r.cancel();
        }
        await("the cancelled stream is forgotten", () -> sim.stats().streams() == 0);
    }

    @Test
    void jsonIetfCarriesTheSameValuesAs64BitStrings() throws Exception {
        String ifName = model.iface(1, 0).name();
        Recorder r = subscribe(channel, list("sim-0002", Encoding.JSON_IETF,
                sample("/interfaces/interface[name=" + ifName + "]/state/counters/in-octets", SECOND_NS),
                sample("/interfaces/interface[name=" + ifName + "]/state/ifindex", SECOND_NS),
                sample("/interfaces/interface[name=" + ifName + "]/ethernet/state/port-speed", SECOND_NS)));
        try {
            List<Notification> first = r.untilSync();
            assertThat(first).hasSize(1);
            List<Notification> all = new ArrayList<>(first);
            all.addAll(r.notifications(1));
            for (Notification n : all) {
                Map<String, Update> u = byPath(n);
                long t = n.getTimestamp() / 1_000_000L;
                assertThat(u.get("state/counters/in-octets").getVal().getJsonIetfVal().toStringUtf8())
                        .isEqualTo("\"" + model.octets(1, 0, Direction.IN, t) + "\"");
                assertThat(u.get("state/ifindex").getVal().getJsonIetfVal().toStringUtf8())
                        .isEqualTo(Integer.toString(model.iface(1, 0).ifIndex()));
                assertThat(u.get("ethernet/state/port-speed").getVal().getJsonIetfVal().toStringUtf8())
                        .isEqualTo("\"openconfig-if-ethernet:" + OcLeaf.portSpeed(model.iface(1, 0).speedBps()) + "\"");
            }
        } finally {
            r.cancel();
        }
    }

    @Test
    void onChangeSendsTheCurrentStateOnceAndThenOnlyChanges() throws Exception {
        Recorder r = subscribe(channel, list("sim-0003", Encoding.PROTO, Subscription.newBuilder()
                .setPath(path("/interfaces/interface/state/oper-status")).setMode(SubscriptionMode.ON_CHANGE).build(),
                Subscription.newBuilder().setPath(path("/interfaces/interface/state/admin-status"))
                        .setMode(SubscriptionMode.ON_CHANGE).build()));
        try {
            List<Notification> first = r.untilSync();
            assertThat(first).hasSize(INTERFACES);
            for (Notification n : first) {
                InterfaceProfile p = model.iface(2, position(2, entry(n)));
                Map<String, Update> u = byPath(n);
                assertThat(u).containsOnlyKeys("state/oper-status", "state/admin-status");
                assertThat(u.get("state/oper-status").getVal().getStringVal()).isEqualTo(p.operStatus() == 1 ? "UP" : "DOWN");
                assertThat(u.get("state/admin-status").getVal().getStringVal()).isEqualTo(p.adminStatus() == 1 ? "UP" : "DOWN");
            }
            // the model's port states do not change: two more checks send nothing
            assertThat(r.got.poll(2500, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            r.cancel();
        }
    }

    @Test
    void onceSendsOneRoundOfComponentsAndEnds() throws Exception {
        Recorder r = subscribe(channel, SubscriptionList.newBuilder()
                .setPrefix(Path.newBuilder().setTarget("sim-0001").setOrigin("openconfig"))
                .setEncoding(Encoding.PROTO).setMode(SubscriptionList.Mode.ONCE)
                .addSubscription(sample("/components/component/cpu/utilization/state/instant", 0))
                .addSubscription(sample("/components/component/state/memory", 0)).build());
        List<Notification> first = r.untilSync();
        assertThat(r.ended().getCode()).isEqualTo(Status.Code.OK);
        assertThat(first).hasSize(1);
        Notification n = first.get(0);
        assertThat(n.getPrefix().getOrigin()).isEqualTo("openconfig");
        assertThat(n.getPrefix().getElem(0).getName()).isEqualTo("components");
        assertThat(entry(n)).isEqualTo("CPU0");
        long t = n.getTimestamp() / 1_000_000L;
        Map<String, Update> u = byPath(n);
        assertThat(u.get("cpu/utilization/state/instant").getVal().getUintVal())
                .isEqualTo(model.deviceSample(0, t).cpuPct());
        assertThat(u.get("state/memory/utilized").getVal().getUintVal())
                .isEqualTo(model.deviceSample(0, t).memUsedKb() * 1024);
        assertThat(u.get("state/memory/available").getVal().getUintVal()).isEqualTo(model.device(0).memTotalKb() * 1024);
    }

    @Test
    void aWrongTargetIsNotFoundAndAnEmptyOneIsAmbiguous() throws Exception {
        Recorder wrong = subscribe(channel, list("sim-0009", Encoding.PROTO, sample("/interfaces", 0)));
        Status s = wrong.ended();
        assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(s.getDescription()).contains("no device named 'sim-0009'", "sim-0001 .. sim-0003");
        Status empty = subscribe(channel, list("", Encoding.PROTO, sample("/interfaces", 0))).ended();
        assertThat(empty.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(empty.getDescription()).contains("prefix.target is empty, but this simulator serves 3 devices");
        Status json = subscribe(channel, list("sim-0001", Encoding.JSON, sample("/interfaces", 0))).ended();
        assertThat(json.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        Status poll = subscribe(channel, list("sim-0001", Encoding.PROTO, sample("/interfaces", 0)).toBuilder()
                .setMode(SubscriptionList.Mode.POLL).build()).ended();
        assertThat(poll.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(wrong.got).isEmpty();
    }

    @Test
    void aStalledCollectorCostsSkippedRoundsNotUnboundedBuffers() throws Exception {
        CounterModel big = new CounterModel(5, 48, "sim-");
        try (GnmiSimulator s = new GnmiSimulator(big, 1, GnmiSettings.plaintext("127.0.0.1", 0, Duration.ofSeconds(1)))) {
            s.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext()
                    .flowControlWindow(64 * 1024).build();
            try {
                // reads one message, then nothing: the windows fill and the stream stops being ready
                Recorder r = subscribe(gNMIGrpc.newStub(ch), list("", Encoding.PROTO,
                        sample("/interfaces/interface/state", 100_000_000L)), 1);
                await("rounds are skipped", () -> s.stats().skipped() >= 5);
                long sent = s.stats().notifications();
                Thread.sleep(1000);
                GnmiStats later = s.stats();
                assertThat(later.notifications()).as("nothing more is queued for a stalled reader").isEqualTo(sent);
                assertThat(later.skipped()).isGreaterThanOrEqualTo(10);
                // once the collector reads again, rounds flow again
                r.call.request(Integer.MAX_VALUE);
                await("rounds flow again", () -> s.stats().notifications() > sent + 48);
                r.cancel();
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void tlsAndCredentials(@TempDir java.nio.file.Path dir) throws Exception {
        TestPki.Ca ca = TestPki.ca("gNMI test CA");
        TestPki.Files server = ca.server("127.0.0.1").write(dir, "server");
        java.nio.file.Path caFile = ca.write(dir, "ca");
        GnmiSettings settings = GnmiSettings.plaintext("127.0.0.1", 0, Duration.ofSeconds(1))
                .withTls(server.cert(), server.key()).withCredentials("telemetry", "s3cret-pass");
        assertThat(settings.toString()).doesNotContain("s3cret-pass");
        try (GnmiSimulator s = new GnmiSimulator(model, 1, settings)) {
            s.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.port())
                    .sslContext(GrpcSslContexts.forClient().trustManager(caFile.toFile()).build()).build();
            try {
                gNMIGrpc.gNMIBlockingStub anonymous = gNMIGrpc.newBlockingStub(ch);
                assertThatThrownBy(() -> anonymous.capabilities(CapabilityRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                Metadata bad = credentials("telemetry", "wrong-pass");
                assertThatThrownBy(() -> anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bad))
                        .capabilities(CapabilityRequest.getDefaultInstance()))
                        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
                Metadata good = credentials("telemetry", "s3cret-pass");
                assertThat(anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(good))
                        .capabilities(CapabilityRequest.getDefaultInstance()).getGNMIVersion()).isEqualTo("0.8.0");
                Recorder r = subscribe(gNMIGrpc.newStub(ch).withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(good)), list("", Encoding.PROTO,
                        sample("/interfaces/interface/state/counters/in-octets", 0)), 0);
                assertThat(r.untilSync()).hasSize(INTERFACES);
                r.cancel();
                assertThat(s.stats().authFailures()).isEqualTo(2);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    static Metadata credentials(String user, String pass) {
        Metadata m = new Metadata();
        m.put(GnmiSimulator.USERNAME, user);
        m.put(GnmiSimulator.PASSWORD, pass);
        return m;
    }

    /** snmp4j v2c GET of {@code oids}; the values as text, in order. */
    static List<String> snmpGet(int port, String community, String... oids) throws Exception {
        try (Snmp snmp = new Snmp(new DefaultUdpTransportMapping())) {
            snmp.listen();
            CommunityTarget<UdpAddress> target = new CommunityTarget<>(new UdpAddress("127.0.0.1/" + port),
                    new OctetString(community));
            target.setVersion(SnmpConstants.version2c);
            target.setTimeout(2000);
            target.setRetries(1);
            PDU pdu = new PDU();
            pdu.setType(PDU.GET);
            for (String o : oids) {
                pdu.add(new VariableBinding(new OID(o)));
            }
            ResponseEvent<UdpAddress> e = snmp.send(pdu, target);
            assertThat(e.getResponse()).as("an SNMP response").isNotNull();
            assertThat(e.getResponse().getErrorStatus()).isZero();
            return e.getResponse().getVariableBindings().stream().map(vb -> vb.getVariable().toString()).toList();
        }
    }

    @Test
    void theGnmiAndSnmpFacesOfOneRunAgree() throws Exception {
        int tcp = FreePorts.next();
        int udp = FreePorts.nextUdp();
        CompletableFuture<SimulateCommandGnmiTest.Run> cli = CompletableFuture.supplyAsync(() -> simulate(
                "--gnmi-listen", "127.0.0.1:" + tcp, "--snmp-listen", "127.0.0.1:" + udp, "--devices", "2",
                "--interfaces", "4", "--interval", "1s", "--duration", "8s", "--seed", "9", "--device-prefix", "lab-"));
        CounterModel lab = new CounterModel(9, 4, "lab-");
        InterfaceProfile port = lab.iface(1, 0);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", tcp).usePlaintext().build();
        try {
            await("the gNMI face answers", () -> {
                try {
                    return gNMIGrpc.newBlockingStub(ch).capabilities(CapabilityRequest.getDefaultInstance()) != null;
                } catch (StatusRuntimeException notYet) {
                    return false;
                }
            });
            Recorder r = subscribe(ch, list("lab-0002", Encoding.PROTO,
                    sample("/interfaces/interface[name=" + port.name() + "]/state/counters/in-octets", SECOND_NS)));
            List<Notification> seen = new ArrayList<>(r.untilSync());
            long before = System.currentTimeMillis();
            String ifx = "1.3.6.1.2.1.31.1.1.1.";
            List<String> snmp = snmpGet(udp, "lab-0002", ifx + "1." + port.ifIndex(), ifx + "6." + port.ifIndex());
            long after = System.currentTimeMillis();
            // the notification after the request, then the ones around it bracket the SNMP value
            while (seen.get(seen.size() - 1).getTimestamp() / 1_000_000L < after) {
                seen.add(r.notifications(1).get(0));
            }
            assertThat(snmp.get(0)).as("SNMP ifName = gNMI interface name").isEqualTo(entry(seen.get(0)));
            long snmpOctets = Long.parseLong(snmp.get(1));
            long gnmiBefore = -1;
            long gnmiAfter = -1;
            for (Notification n : seen) {
                long v = byPath(n).get("state/counters/in-octets").getVal().getUintVal();
                long t = n.getTimestamp() / 1_000_000L;
                assertThat(v).as("gNMI = the model at the timestamp").isEqualTo(lab.octets(1, 0, Direction.IN, t));
                if (t <= before) {
                    gnmiBefore = v;
                } else if (t >= after && gnmiAfter < 0) {
                    gnmiAfter = v;
                }
            }
            assertThat(gnmiBefore).as("a gNMI sample before the SNMP request").isNotNegative();
            assertThat(gnmiAfter).isGreaterThan(gnmiBefore);
            assertThat(snmpOctets).as("SNMP lies between the gNMI samples around it").isBetween(gnmiBefore, gnmiAfter);

            SimulateCommandGnmiTest.Run run = cli.get(60, TimeUnit.SECONDS);
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(r.ended().getCode()).as("the stream ends when the simulator stops").isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(run.err()).contains("sim: serving gNMI for 2 devices on tcp 127.0.0.1:" + tcp + " (plaintext;"
                            + " prefix.target = device name, e.g. lab-0001)")
                    .containsPattern("sim: 2 devices, snmp: [0-9]+ requests, .*, gnmi: [0-9]+ streams, [0-9]+"
                            + " notifications, [0-9.]+ notif/s")
                    .contains("(stopped)");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void gnmiAloneNeedsNoOtherFace() throws Exception {
        int tcp = FreePorts.next();
        CompletableFuture<SimulateCommandGnmiTest.Run> cli = CompletableFuture.supplyAsync(() -> simulate(
                "--gnmi-listen", "127.0.0.1:" + tcp, "--devices", "1", "--interfaces", "2", "--duration", "6s"));
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", tcp).usePlaintext().build();
        try {
            await("the gNMI face answers", () -> {
                try {
                    return gNMIGrpc.newBlockingStub(ch).capabilities(CapabilityRequest.getDefaultInstance()) != null;
                } catch (StatusRuntimeException notYet) {
                    return false;
                }
            });
            Recorder r = subscribe(ch, list("", Encoding.PROTO, sample("/interfaces/interface/state/counters", 0)));
            List<Notification> first = r.untilSync();
            assertThat(first).hasSize(2);
            assertThat(first.get(0).getPrefix().getTarget()).isEqualTo("sim-0001");
            assertThat(first.get(0).getTimestamp() % (5 * SECOND_NS)).as("sample_interval 0 = --interval 5s").isZero();
            SimulateCommandGnmiTest.Run run = cli.get(60, TimeUnit.SECONDS);
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).containsPattern("sim: 1 devices, gnmi: [01] streams, [0-9]+ notifications");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
