package io.teleflux.gnmi;

import io.teleflux.Components;
import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.HostPort;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.proto.gnmi.CapabilityResponse;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.ModelData;
import io.teleflux.proto.gnmi.SubscriptionList;
import io.teleflux.proto.gnmi.SubscriptionMode;
import io.teleflux.testsupport.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code teleflux.gnmi}: defaults, merging, secrets, targets files, every validation error naming its key, and what is subscribed. */
class GnmiConfigTest {
    static final String INFLUX = "teleflux.influx { api = v1 }\n";
    @TempDir
    Path dir;

    private Path write(String name, String hocon) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, hocon);
        return f;
    }

    private GnmiConfig load(String hocon, Map<String, String> env) throws Exception {
        return Components.load(write("teleflux.conf", INFLUX + hocon), env).get(GnmiConfig.SECTION);
    }

    private GnmiConfig load(String hocon) throws Exception {
        return load(hocon, Map.of());
    }

    private List<String> problems(String hocon) throws Exception {
        Path f = write("teleflux.conf", INFLUX + hocon);
        return assertThrows(ConfigException.class, () -> Components.load(f, Map.of())).problems();
    }

    @Test
    void noTargetsMeansGnmiIsOffWithReferenceDefaults() throws Exception {
        GnmiConfig c = load("");
        assertThat(c.enabled()).isFalse();
        assertThat(c.redial()).isEqualTo(new GnmiConfig.Redial(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0, 0.2));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.idleTimeout()).isNull();
        assertThat(c.maxMessageSize()).isEqualTo(16 << 20);
        assertThat(c.limits()).isEqualTo(GnmiConfig.Limits.DEFAULTS);
    }

    @Test
    void targetsInheritDefaultsAndOverrideThemKeyByKey() throws Exception {
        Path ca = TestPki.ca("gNMI test CA").write(dir, "ca");
        GnmiConfig c = load("""
                teleflux.gnmi {
                  defaults { username = telemetry, password = ${?GNMI_PASSWORD}, sample-interval = 5s
                             tls { ca-file = "%s", server-name = "gnmi.example.net" } }
                  targets = [
                    { name = leaf1, address = "192.0.2.11:57400" }
                    { name = leaf2, address = "[2001:db8::12]:6030", sample-interval = 30s, encoding = json_ietf,
                      tls { server-name = "" }, state-mode = sample, target = "leaf2", origin = openconfig,
                      subscriptions = [ "/interfaces/interface[name=Ethernet1/1]/state/counters" ] }
                    { name = lab, address = "127.0.0.1:50051", tls.enabled = false,
                      username = "", password = "" }
                  ]
                  idle-timeout = 0s
                }
                """.formatted(ca), Map.of("GNMI_PASSWORD", "s3cret-gnmi"));
        assertThat(c.targets()).hasSize(3);
        GnmiTarget a = c.targets().get(0);
        assertThat(a.key()).isEqualTo("teleflux.gnmi.targets[0]");
        assertThat(a.address()).isEqualTo(new HostPort("192.0.2.11", 57400));
        assertThat(a.username()).isEqualTo("telemetry");
        assertThat(a.password().reveal()).isEqualTo("s3cret-gnmi");
        assertThat(a.tls()).isEqualTo(new GnmiTls(true, ca, null, null, "gnmi.example.net"));
        assertThat(a.sampleInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.encoding()).isEqualTo(GnmiTarget.EncodingChoice.AUTO);
        assertThat(a.stateMode()).isEqualTo(GnmiTarget.StateMode.AUTO);
        assertThat(a.subscriptions()).isEmpty();
        GnmiTarget b = c.targets().get(1);
        assertThat(b.address()).isEqualTo(new HostPort("2001:db8::12", 6030));
        assertThat(b.tls()).isEqualTo(new GnmiTls(true, ca, null, null, ""));
        assertThat(b.encoding()).isEqualTo(GnmiTarget.EncodingChoice.JSON_IETF);
        assertThat(b.stateMode()).isEqualTo(GnmiTarget.StateMode.SAMPLE);
        assertThat(b.target()).isEqualTo("leaf2");
        assertThat(b.origin()).isEqualTo("openconfig");
        assertThat(b.subscriptions()).containsExactly("/interfaces/interface[name=Ethernet1/1]/state/counters");
        GnmiTarget lab = c.targets().get(2);
        assertThat(lab.tls()).isEqualTo(GnmiTls.PLAINTEXT);
        assertThat(lab.password().isEmpty()).isTrue();
        assertThat(c.idleTimeout()).isZero();
        assertThat(c.idleTimeoutFor(a, true)).isZero();
    }

    @Test
    void thePasswordNeverShowsInCheckConfigOutput() throws Exception {
        Path pw = write("pw", "from-a-file\n");
        TelefluxConfig cfg = Components.load(write("teleflux.conf", INFLUX + """
                teleflux.gnmi.targets = [ { name = leaf1, address = "192.0.2.11:57400", username = u,
                  password-file = "%s", tls.enabled = false } ]
                """.formatted(pw)), Map.of());
        GnmiTarget t = cfg.get(GnmiConfig.SECTION).targets().get(0);
        assertThat(t.password().reveal()).isEqualTo("from-a-file");
        String described = ConfigLoader.describe(cfg);
        assertThat(described).contains("leaf1 at 192.0.2.11:57400, plaintext, user u, password (set, redacted)")
                .doesNotContain("from-a-file");
        assertThat(t.toString()).doesNotContain("from-a-file");
    }

    @Test
    void targetsFileAddsTargets() throws Exception {
        Path f = write("gnmi-targets.conf", """
                targets = [ { name = spine1, address = "192.0.2.21:57400", tls.enabled = false } ]
                """);
        GnmiConfig c = load("""
                teleflux.gnmi { targets-file = "%s", targets = [ { name = leaf1, address = "192.0.2.11:57400", tls.enabled = false } ] }
                """.formatted(f));
        assertThat(c.targets()).extracting(GnmiTarget::name).containsExactly("leaf1", "spine1");
        assertThat(c.targets().get(1).key()).isEqualTo(f + ": targets[0]");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() throws Exception {
        Path cert = TestPki.ca("x").client("c").write(dir, "client").cert();
        Path garbage = write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        List<String> p = problems("""
                teleflux.gnmi {
                  redial { initial-delay = 10s, max-delay = 1s, jitter = 2 }
                  defaults { tls.ca-file = "/no/such/ca.pem" }
                  targets = [
                    { address = "192.0.2.11" }
                    { name = leaf2, address = "192.0.2.12:57400", pasword = x, tls { enabled = false, cert-file = "%s" } }
                    { name = leaf2, address = "192.0.2.13:57400", encoding = xml, state-mode = sometimes,
                      sample-interval = 1ms, password = p, tls { ca-file = "", cert-file = "%s" } }
                    { name = leaf4, address = "192.0.2.14:57400", subscriptions = [ "interfaces/interface", "/a[b" ],
                      tls { ca-file = "%s", servername = y } }
                    "192.0.2.15:57400"
                    { name = leaf6, address = "192.0.2.16:57400", password = p, password-file = "/no/such/file",
                      username = u, tls.enabled = false }
                  ]
                }
                """.formatted(cert, cert, garbage));
        assertThat(p).contains(
                "teleflux.gnmi.redial.max-delay: PT1S is shorter than redial.initial-delay (PT10S)",
                "teleflux.gnmi.redial.jitter: 2.0 is out of range 0.0..1.0",
                "teleflux.gnmi.targets[0].name: required (the device tag of everything this target sends)",
                "teleflux.gnmi.targets[0].address: missing port in '192.0.2.11' (expected host:port)",
                "teleflux.gnmi.defaults.tls.ca-file: cannot read '/no/such/ca.pem'",
                "teleflux.gnmi.targets[1].pasword: unknown key (did you mean password?)",
                "teleflux.gnmi.targets[1].tls.cert-file: set, but tls.enabled = false (plaintext): enable TLS or remove it",
                "teleflux.gnmi.targets[2].name: 'leaf2' is already the name of teleflux.gnmi.targets[1] (two targets would write the same series)",
                "teleflux.gnmi.targets[2].encoding: 'xml' is not one of auto, proto, json_ietf",
                "teleflux.gnmi.targets[2].state-mode: 'sometimes' is not one of auto, on-change, sample",
                "teleflux.gnmi.targets[2].sample-interval: PT0.001S is shorter than the minimum PT0.1S",
                "teleflux.gnmi.targets[2].username: required when a password is set",
                "teleflux.gnmi.targets[2].tls.key-file: required with tls.cert-file (a client certificate needs its key, and a key its certificate)",
                "teleflux.gnmi.targets[3].subscriptions[0]: 'interfaces/interface' must start with / (e.g. /interfaces/interface/state/counters)",
                "teleflux.gnmi.targets[3].subscriptions[1]: '/a[b': a key needs a value, as in [name=Ethernet1]",
                "teleflux.gnmi.targets[3].tls.servername: unknown key (did you mean server-name?)",
                "teleflux.gnmi.targets[4]: must be an object like { name = \"leaf1\", address = \"192.0.2.11:57400\" }, got string",
                "teleflux.gnmi.targets[5].password-file: set, but so is teleflux.gnmi.targets[5].password: use one of the two");
        assertThat(p).anyMatch(s -> s.startsWith("teleflux.gnmi.targets[3].tls: cannot load tls(ca " + garbage));
    }

    @Test
    void theSameAddressTwiceNeedsDifferentTargets() throws Exception {
        assertThat(problems("""
                teleflux.gnmi.targets = [
                  { name = a, address = "127.0.0.1:50051", tls.enabled = false, target = "sim-0001" }
                  { name = b, address = "127.0.0.1:50051", tls.enabled = false, target = "sim-0002" }
                  { name = c, address = "127.0.0.1:50051", tls.enabled = false, target = "sim-0002" }
                ]
                """)).containsExactly("teleflux.gnmi.targets[2].address: 127.0.0.1:50051 with target 'sim-0002' is already "
                + "subscribed to by teleflux.gnmi.targets[1] (set target to tell devices behind one server apart)");
    }

    @Test
    void unknownKeysInTheBlockAndItsDefaultsAreFoundByTheLoader() throws Exception {
        assertThat(problems("teleflux.gnmi { conect-timeout = 1s, defaults.tls.ca-fle = x }\n"))
                .anyMatch(s -> s.startsWith("teleflux.gnmi.conect-timeout: unknown key (did you mean teleflux.gnmi.connect-timeout?)"))
                .anyMatch(s -> s.startsWith("teleflux.gnmi.defaults.tls.ca-fle: unknown key"));
    }

    // ---- what is subscribed ----

    static GnmiTarget target(String hocon, Path dir) throws Exception {
        Path f = dir.resolve("t.conf");
        Files.writeString(f, INFLUX + "teleflux.gnmi.targets = [ { name = t, address = \"127.0.0.1:1\", tls.enabled = false "
                + hocon + " } ]\n");
        return Components.load(f, Map.of()).get(GnmiConfig.SECTION).targets().get(0);
    }

    @Test
    void theDefaultsFollowTheModelsTheTargetOffersAndStateLeavesAreOnChange() throws Exception {
        CapabilityResponse caps = CapabilityResponse.newBuilder()
                .addSupportedModels(ModelData.newBuilder().setName("openconfig-interfaces"))
                .addSupportedModels(ModelData.newBuilder().setName("openconfig-if-ethernet"))
                .addSupportedModels(ModelData.newBuilder().setName("openconfig-platform"))
                .addSupportedEncodings(Encoding.JSON_IETF).addSupportedEncodings(Encoding.PROTO).build();
        Subscriptions.Plan plan = Subscriptions.plan(target(", target = sim-0001", dir), caps, false);
        SubscriptionList l = plan.request().getSubscribe();
        assertThat(l.getMode()).isEqualTo(SubscriptionList.Mode.STREAM);
        assertThat(l.getEncoding()).isEqualTo(Encoding.PROTO);
        assertThat(l.getPrefix().getTarget()).isEqualTo("sim-0001");
        assertThat(plan.paths()).containsExactly("/interfaces/interface/state/counters",
                "/interfaces/interface/state/oper-status", "/interfaces/interface/state/admin-status",
                "/interfaces/interface/state/ifindex", "/interfaces/interface/state/description",
                "/interfaces/interface/ethernet/state/port-speed", "/interfaces/interface/ethernet/state/negotiated-port-speed",
                "/components/component/cpu/utilization/state/instant", "/components/component/state/memory");
        assertThat(l.getSubscription(0).getMode()).isEqualTo(SubscriptionMode.SAMPLE);
        assertThat(l.getSubscription(0).getSampleInterval()).isEqualTo(10_000_000_000L);
        assertThat(l.getSubscription(1).getMode()).isEqualTo(SubscriptionMode.ON_CHANGE);
        assertThat(l.getSubscription(1).getHeartbeatInterval()).isEqualTo(60_000_000_000L);
        assertThat(l.getSubscription(7).getMode()).isEqualTo(SubscriptionMode.SAMPLE);

        // a target that offers openconfig-system without platform, and only JSON_IETF
        CapabilityResponse sys = CapabilityResponse.newBuilder()
                .addSupportedModels(ModelData.newBuilder().setName("openconfig-interfaces"))
                .addSupportedModels(ModelData.newBuilder().setName("openconfig-system"))
                .addSupportedEncodings(Encoding.JSON_IETF).build();
        Subscriptions.Plan p2 = Subscriptions.plan(target("", dir), sys, true);
        assertThat(p2.encoding()).isEqualTo(Encoding.JSON_IETF);
        assertThat(p2.paths()).contains("/system/cpus/cpu/state/total/instant", "/system/memory/state", "/system/state/boot-time")
                .doesNotContain("/components/component/state/memory", "/interfaces/interface/ethernet/state/port-speed");
        assertThat(p2.request().getSubscribe().getSubscriptionList()).allMatch(s -> s.getMode() == SubscriptionMode.SAMPLE);
        assertThat(p2.anyOnChange()).isFalse();
        assertThat(p2.request().getSubscribe().hasPrefix()).isFalse();
    }
}
