package io.teleflux.sim.snmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.teleflux.sim.snmp.NetSnmp.END_OF_MIB_VIEW;
import static io.teleflux.sim.snmp.NetSnmp.run;
import static io.teleflux.sim.snmp.NetSnmp.v2c;
import static io.teleflux.sim.snmp.NetSnmp.v3;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated agent on a loopback UDP port, read with net-snmp's snmpget / snmpbulkwalk. The
 * request instant is not known exactly, so values are bracketed: the model's value at a time
 * before the command and at a time after it; exact, since counters only grow between reboots.
 */
class SnmpAgentSimulatorIT {
    static final String SYS_UP_TIME = "1.3.6.1.2.1.1.3.0";
    static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    static final String IF_TABLE = "1.3.6.1.2.1.2.2.1";
    static final String IFX_TABLE = "1.3.6.1.2.1.31.1.1.1";
    static final String HC_IN = IFX_TABLE + ".6.";
    static final String HC_OUT = IFX_TABLE + ".10.";
    static final int[] IF_COLUMNS = {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 16, 17, 19, 20};
    static final int[] IFX_COLUMNS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18};

    static final List<V3User> USERS = List.of(
            V3User.parse("shaaes:SHA:authpass-sha:AES:privpass-aes"),
            V3User.parse("sha512:SHA-512:authpass-512:AES-256:privpass-256"),
            V3User.parse("md5only:MD5:authpass-md5"));

    static CounterModel model;
    static SnmpAgentSimulator agent;
    static String address;

    @BeforeAll
    static void start() throws Exception {
        model = new CounterModel(5, 48, "sim-");
        agent = new SnmpAgentSimulator(model, 3, "127.0.0.1", 0, USERS);
        agent.start();
        address = "127.0.0.1:" + agent.port();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static NetSnmp.Result ok(NetSnmp.Result r) {
        assertThat(r.exit()).as("exit; stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r;
    }

    @Test
    void theCommunitySelectsTheDeviceAndValuesAreTheModelsAtTheRequestInstant() {
        List<Long> firstPortOctets = new ArrayList<>();
        for (int d : new int[] {0, 2}) {
            String community = model.deviceName(d);
            long before = System.currentTimeMillis();
            NetSnmp.Result r = ok(run("snmpget", v2c(community), address, SYS_NAME, SYS_UP_TIME, HC_IN + "1",
                    HC_OUT + "52"));
            long after = System.currentTimeMillis();
            assertThat(r.get(SYS_NAME).text()).isEqualTo(community).isEqualTo("sim-000" + (d + 1));
            assertThat(r.get(HC_IN + "1").type()).isEqualTo("Counter64");
            long in = r.num(HC_IN + "1");
            assertThat(in).isBetween(model.octets(d, 0, Direction.IN, before), model.octets(d, 0, Direction.IN, after));
            assertThat(r.num(HC_OUT + "52"))
                    .isBetween(model.octets(d, 47, Direction.OUT, before), model.octets(d, 47, Direction.OUT, after));
            long boot = model.bootMs(d, before);
            assertThat(model.bootMs(d, after)).as("no reboot within the test").isEqualTo(boot);
            assertThat(r.num(SYS_UP_TIME)).isBetween((before - boot) / 10, (after - boot) / 10);
            firstPortOctets.add(in);
        }
        assertThat(firstPortOctets.get(0)).isNotEqualTo(firstPortOctets.get(1));
    }

    @Test
    void snmpLiesBetweenTheDialoutValuesOfTheBracketingInstants() throws Exception {
        H3cJsonWriter dialout = new H3cJsonWriter(model);
        ObjectMapper json = new ObjectMapper();
        int device = 1;
        int position = 0; // ifIndex 1, the burst port: always carrying traffic
        long before = System.currentTimeMillis();
        NetSnmp.Result r = ok(run("snmpget", v2c(model.deviceName(device)), address, HC_IN + "1"));
        long after = System.currentTimeMillis();
        long snmp = r.num(HC_IN + "1");
        long[] sent = new long[2];
        long[] at = {before, after};
        for (int k = 0; k < 2; k++) {
            JsonNode row = json.readTree(dialout.json(SensorPath.IFMGR_STATISTICS, device, at[k]))
                    .at("/Notification/Ifmgr/Statistics/Interface").get(position);
            assertThat(row.get("IfIndex").asInt()).isEqualTo(1);
            sent[k] = row.get("InOctets").asLong();
        }
        assertThat(sent[1]).as("traffic flowed during the request").isGreaterThan(sent[0]);
        assertThat(snmp).isBetween(sent[0], sent[1]);
    }

    @Test
    void counter32IsTheHighCapacityCounterModulo2To32() {
        NetSnmp.Result r = ok(run("snmpget", v2c("sim-0001"), address, IF_TABLE + ".10.1", HC_IN + "1",
                IF_TABLE + ".16.49", HC_OUT + "49", IF_TABLE + ".11.1", IFX_TABLE + ".7.1"));
        assertThat(r.get(IF_TABLE + ".10.1").type()).isEqualTo("Counter32");
        assertThat(r.num(HC_IN + "1")).as("big enough to have wrapped").isGreaterThan(1L << 32);
        // one request, one instant: exact
        assertThat(r.num(IF_TABLE + ".10.1")).isEqualTo(r.num(HC_IN + "1") % (1L << 32));
        assertThat(r.num(IF_TABLE + ".16.49")).isEqualTo(r.num(HC_OUT + "49") % (1L << 32));
        assertThat(r.num(IF_TABLE + ".11.1")).isEqualTo(r.num(IFX_TABLE + ".7.1") % (1L << 32));
    }

    @Test
    void bulkWalksListEveryInterfaceOfEveryColumnInOrderAndEndCleanly() {
        List<InterfaceProfile> ifaces = model.interfaces(2);
        long before = System.currentTimeMillis();
        NetSnmp.Result x = ok(run("snmpbulkwalk", with(v2c("sim-0003"), "-Cr25"), address, IFX_TABLE));
        long after = System.currentTimeMillis();
        List<NetSnmp.Entry> e = x.entries();
        List<String> expected = new ArrayList<>();
        for (int c : IFX_COLUMNS) {
            for (InterfaceProfile i : ifaces) {
                expected.add(IFX_TABLE + "." + c + "." + i.ifIndex());
            }
        }
        // ifXTable is the last table served: the walk runs into endOfMibView
        assertThat(e.get(e.size() - 1).value()).isEqualTo(END_OF_MIB_VIEW);
        assertThat(e.subList(0, e.size() - 1)).extracting(NetSnmp.Entry::oid).containsExactlyElementsOf(expected);
        for (int p = 0; p < ifaces.size(); p++) {
            InterfaceProfile i = ifaces.get(p);
            assertThat(e.get(p).text()).isEqualTo(i.name());
            assertThat(x.num(HC_IN + i.ifIndex()))
                    .isBetween(model.octets(2, p, Direction.IN, before), model.octets(2, p, Direction.IN, after));
            assertThat(x.get(IFX_TABLE + ".18." + i.ifIndex()).text()).isEqualTo(i.description());
            assertThat(x.num(IFX_TABLE + ".15." + i.ifIndex())).isEqualTo(i.speedBps() / 1_000_000);
        }

        NetSnmp.Result t = ok(run("snmpbulkwalk", v2c("sim-0003"), address, IF_TABLE));
        List<String> expectedIf = new ArrayList<>();
        for (int c : IF_COLUMNS) {
            for (InterfaceProfile i : ifaces) {
                expectedIf.add(IF_TABLE + "." + c + "." + i.ifIndex());
            }
        }
        // the walk leaves ifTable at ifXTable's first OID, which snmpbulkwalk does not print
        assertThat(t.entries()).extracting(NetSnmp.Entry::oid).containsExactlyElementsOf(expectedIf);
        InterfaceProfile uplink = ifaces.get(47);
        assertThat(t.get(IF_TABLE + ".2.52").text()).isEqualTo(uplink.name());
        assertThat(t.num(IF_TABLE + ".3.52")).isEqualTo(6);
        assertThat(t.num(IF_TABLE + ".5.52")).isEqualTo(Math.min(uplink.speedBps(), 0xFFFF_FFFFL));
        assertThat(t.get(IF_TABLE + ".6.52").value().trim().replace(' ', '-')).isEqualTo(uplink.mac());
        assertThat(t.num(IF_TABLE + ".8.52")).isEqualTo(uplink.operStatus());
    }

    @Test
    void getBulkNonRepeatersAndRepetitionsPastTheEndOnTheWire() {
        NetSnmp.Result r = ok(run("snmpbulkget", with(v2c("sim-0002"), "-Cn1", "-Cr4"), address,
                SYS_UP_TIME, IFX_TABLE + ".18.51"));
        assertThat(r.entries()).extracting(NetSnmp.Entry::oid)
                .containsExactly(SYS_NAME, IFX_TABLE + ".18.52", IFX_TABLE + ".18.52");
        assertThat(r.get(SYS_NAME).text()).isEqualTo("sim-0002");
        assertThat(r.entries().get(2).value()).isEqualTo(END_OF_MIB_VIEW);
    }

    @Test
    void v3AuthPrivWithTheContextSelectingTheDevice() {
        long before = System.currentTimeMillis();
        NetSnmp.Result sha = ok(run("snmpget", v3("shaaes", "SHA", "authpass-sha", "AES", "privpass-aes", "sim-0002"),
                address, SYS_NAME, HC_IN + "1"));
        NetSnmp.Result sha512 = ok(run("snmpget",
                v3("sha512", "SHA-512", "authpass-512", "AES-256", "privpass-256", "sim-0003"), address, SYS_NAME,
                HC_IN + "1"));
        NetSnmp.Result md5 = ok(run("snmpget", v3("md5only", "MD5", "authpass-md5", null, null, "sim-0001"), address,
                SYS_NAME));
        long after = System.currentTimeMillis();
        assertThat(sha.get(SYS_NAME).text()).isEqualTo("sim-0002");
        assertThat(sha.num(HC_IN + "1"))
                .isBetween(model.octets(1, 0, Direction.IN, before), model.octets(1, 0, Direction.IN, after));
        assertThat(sha512.get(SYS_NAME).text()).isEqualTo("sim-0003");
        assertThat(sha512.num(HC_IN + "1"))
                .isBetween(model.octets(2, 0, Direction.IN, before), model.octets(2, 0, Direction.IN, after));
        assertThat(md5.get(SYS_NAME).text()).isEqualTo("sim-0001");

        NetSnmp.Result walk = ok(run("snmpbulkwalk",
                v3("sha512", "SHA-512", "authpass-512", "AES-256", "privpass-256", "sim-0001"), address, IFX_TABLE));
        assertThat(walk.entries()).hasSize(IFX_COLUMNS.length * 48 + 1);
    }

    @Test
    void withACommunityPrefixTheCommunityIsThePrefixAndTheName() {
        try (SnmpAgentSimulator prefixed = new SnmpAgentSimulator(model, 2, "127.0.0.1", 0, List.of()).withCommunityPrefix("ro-")) {
            prefixed.start();
            String at = "127.0.0.1:" + prefixed.port();
            assertThat(ok(run("snmpget", v2c("ro-sim-0002"), at, SYS_NAME)).get(SYS_NAME).text()).isEqualTo("sim-0002");
            List<String> bare = v2c("sim-0002");
            bare.set(bare.indexOf("-r") + 1, "0");
            assertThat(run("snmpget", bare, at, SYS_NAME).exit()).as("the bare name is no longer a community").isNotZero();
            assertThat(prefixed.stats().unknownCommunity()).isEqualTo(1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anUnknownCommunityGetsNoAnswer() {
        long unknownBefore = agent.stats().unknownCommunity();
        List<String> opts = v2c("sim-0004"); // one past the last simulated device
        opts.set(opts.indexOf("-r") + 1, "0");
        NetSnmp.Result r = run("snmpget", opts, address, SYS_NAME);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Timeout: No Response from " + address);
        assertThat(agent.stats().unknownCommunity()).isEqualTo(unknownBefore + 1);
    }

    @Test
    void badV3CredentialsGetTheUsmReports() {
        long failuresBefore = agent.stats().authFailures();
        NetSnmp.Result wrongPass = run("snmpget", v3("shaaes", "SHA", "wrong-pass", "AES", "privpass-aes", "sim-0001"),
                address, SYS_NAME);
        assertThat(wrongPass.exit()).isNotZero();
        assertThat(wrongPass.err()).contains("Authentication failure (incorrect password, community or key)");
        NetSnmp.Result wrongProtocol = run("snmpget",
                v3("sha512", "SHA-256", "authpass-512", "AES-256", "privpass-256", "sim-0001"), address, SYS_NAME);
        assertThat(wrongProtocol.err()).contains("Authentication failure");
        NetSnmp.Result unknownUser = run("snmpget", v3("nobody", "SHA", "authpass-sha", "AES", "privpass-aes",
                "sim-0001"), address, SYS_NAME);
        assertThat(unknownUser.err()).contains("Unknown user name");
        NetSnmp.Result noPrivForAuthOnlyUser = run("snmpget",
                v3("md5only", "MD5", "authpass-md5", "DES", "privpass-des", "sim-0001"), address, SYS_NAME);
        assertThat(noPrivForAuthOnlyUser.err()).contains("Unsupported security level");
        // like "rouser shaaes priv": less security than configured is refused by access control
        NetSnmp.Result tooLittle = run("snmpget", v3("shaaes", "SHA", "authpass-sha", null, null, "sim-0001"), address,
                SYS_NAME);
        assertThat(tooLittle.out() + tooLittle.err()).contains("authorizationError");
        assertThat(agent.stats().authFailures()).isEqualTo(failuresBefore + 5);
        assertThat(wrongPass.out() + unknownUser.out()).doesNotContain("sim-0001");
    }

    @Test
    void anUnknownV3ContextGetsAReport() {
        long before = agent.stats().unknownContext();
        NetSnmp.Result r = run("snmpget", v3("shaaes", "SHA", "authpass-sha", "AES", "privpass-aes", "sim-0009"),
                address, SYS_NAME);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).doesNotContain("Timeout");
        assertThat(agent.stats().unknownContext()).isEqualTo(before + 1);
    }

    @Test
    void aRebootInTheModelTakesUptimeAndCountersBack() throws Exception {
        CounterModel own = new CounterModel(5, 48, "sim-");
        try (SnmpAgentSimulator a = new SnmpAgentSimulator(own, 1, "127.0.0.1", 0, List.of())) {
            a.start();
            String at = "127.0.0.1:" + a.port();
            NetSnmp.Result up = ok(run("snmpget", v2c("sim-0001"), at, SYS_UP_TIME, HC_IN + "1", IF_TABLE + ".10.1"));
            long reboot = System.currentTimeMillis();
            own.reboot(0, reboot);
            Thread.sleep(50); // some traffic after the reboot, so the counter is not still 0
            long before = System.currentTimeMillis();
            NetSnmp.Result down = ok(run("snmpget", v2c("sim-0001"), at, SYS_UP_TIME, HC_IN + "1", IF_TABLE + ".10.1"));
            long after = System.currentTimeMillis();
            assertThat(down.num(SYS_UP_TIME)).isLessThan(up.num(SYS_UP_TIME))
                    .isBetween((before - reboot) / 10, (after - reboot) / 10);
            assertThat(down.num(HC_IN + "1")).isLessThan(up.num(HC_IN + "1"))
                    .isBetween(own.octets(0, 0, Direction.IN, before), own.octets(0, 0, Direction.IN, after));
            assertThat(down.num(IF_TABLE + ".10.1")).isEqualTo(down.num(HC_IN + "1") % (1L << 32));
        }
    }

    @Test
    void closeReleasesThePortAndEveryThread() throws Exception {
        SnmpAgentSimulator a = new SnmpAgentSimulator(model, 1, "127.0.0.1", 0, List.of());
        a.start();
        int port = a.port();
        assertThat(threads(port)).isNotEmpty();
        a.close();
        assertThat(threads(port)).isEmpty();
        try (java.net.DatagramSocket again = new java.net.DatagramSocket(port,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    static List<String> threads(int port) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("snmp-sim-" + port) || n.startsWith("snmp-sim-listen-" + port)).toList();
    }

    @Test
    void onlyTheGivenAddressIsBound() {
        List<String> opts = v2c("sim-0001");
        opts.set(opts.indexOf("-r") + 1, "0");
        // 127.0.0.2 is loopback too, so a wildcard bind would answer there
        NetSnmp.Result other = run("snmpget", opts, "127.0.0.2:" + agent.port(), SYS_NAME);
        assertThat(other.err()).contains("Timeout");
        assertThat(ok(run("snmpget", opts, address, SYS_NAME)).get(SYS_NAME).text()).isEqualTo("sim-0001");
    }

    @Test
    void statsCountAnsweredRequestsAndVarbinds() {
        SnmpAgentStats before = agent.stats();
        ok(run("snmpget", v2c("sim-0001"), address, SYS_NAME, SYS_UP_TIME, HC_IN + "1"));
        SnmpAgentStats after = agent.stats();
        assertThat(after.requests() - before.requests()).isEqualTo(1);
        assertThat(after.varbinds() - before.varbinds()).isEqualTo(3);
        assertThat(after.failures()).isZero();
        assertThat(after.progressLine(before, 1.0)).startsWith("snmp: " + after.requests() + " requests, 1.0 req/s, 3 varbinds/s");
    }

    static List<String> with(List<String> options, String... more) {
        List<String> a = new ArrayList<>(options);
        a.addAll(List.of(more));
        return a;
    }
}
