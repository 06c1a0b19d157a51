package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.testsupport.ManagedProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code teleflux simulate --snmp-listen}: the same devices stream dial-out and answer SNMP, and
 * an SNMP value lies between the recorded dial-out values of the samples around it.
 */
class SimulateCommandSnmpIT {
    static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    static final String HC_IN_1 = "1.3.6.1.2.1.31.1.1.1.6.1";

    /** A free loopback UDP port: bound and released, as {@code FreePorts} does for TCP. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** snmpget -v2c; returns stdout, failing on a non-zero exit. */
    static String snmpget(String community, int port, String... oids) throws Exception {
        ManagedProcess.requireExecutable("/usr/bin/snmpget", "install Debian package 'snmp'");
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/snmpget", "-v2c", "-c", community, "-On", "-m",
                "", "-M", "/dev/null", "-t", "2", "-r", "1", "127.0.0.1:" + port));
        cmd.addAll(List.of(oids));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static String value(String out, String oid) {
        for (String line : out.split("\n")) {
            if (line.startsWith("." + oid + " = ")) {
                String v = line.substring(line.indexOf(" = ") + 3);
                return v.substring(v.indexOf(": ") + 2).replace("\"", "");
            }
        }
        throw new AssertionError("no " + oid + " in " + out);
    }

    static CompletableFuture<SimulateCommandTest.Run> simulate(String... args) {
        return CompletableFuture.supplyAsync(() -> SimulateCommandTest.run(args));
    }

    static long inOctets(ObjectMapper json, DialoutMsg m) throws IOException {
        return json.readTree(m.getJsonData()).at("/Notification/Ifmgr/Statistics/Interface").get(0).get("InOctets")
                .asLong();
    }

    static long timestamp(ObjectMapper json, DialoutMsg m) throws IOException {
        return json.readTree(m.getJsonData()).at("/Notification/Timestamp").asLong();
    }

    @Test
    void theSameDevicesStreamDialoutAndAnswerSnmpWithAgreeingCounters() throws Exception {
        int udp = freeUdpPort();
        try (DialoutRecorder rec = DialoutRecorder.start(0)) {
            CompletableFuture<SimulateCommandTest.Run> cli = simulate("--dialout", "127.0.0.1:" + rec.port(),
                    "--snmp-listen", "127.0.0.1:" + udp, "--devices", "2", "--interfaces", "4", "--interval", "1s",
                    "--duration", "8s", "--seed", "9", "--device-prefix", "lab-", "--paths", "Ifmgr/Statistics");
            DialoutSimulatorIT.await("lab-0002 streaming", () -> rec.count("lab-0002", "Ifmgr/Statistics") >= 1);
            long before = System.currentTimeMillis();
            String out = snmpget("lab-0002", udp, SYS_NAME, HC_IN_1);
            long after = System.currentTimeMillis();
            assertThat(value(out, SYS_NAME)).isEqualTo("lab-0002");
            long snmp = Long.parseLong(value(out, HC_IN_1));
            CounterModel model = new CounterModel(9, 4, "lab-");
            assertThat(snmp).isBetween(model.octets(1, 0, Direction.IN, before), model.octets(1, 0, Direction.IN, after));

            // the recorded dial-out samples around the SNMP request bracket its value
            DialoutSimulatorIT.await("a dial-out sample after the SNMP request", () -> rec.of("lab-0002").stream()
                    .anyMatch(m -> tsAfter(m, after)));
            ObjectMapper json = new ObjectMapper();
            long sentBefore = -1;
            long sentAfter = -1;
            for (DialoutMsg m : rec.of("lab-0002")) {
                long ts = timestamp(json, m);
                if (ts <= before) {
                    sentBefore = inOctets(json, m);
                } else if (ts >= after && sentAfter < 0) {
                    sentAfter = inOctets(json, m);
                }
            }
            assertThat(sentBefore).as("a sample before the request").isNotNegative();
            assertThat(sentAfter).isGreaterThan(sentBefore);
            assertThat(snmp).isBetween(sentBefore, sentAfter);

            SimulateCommandTest.Run r = cli.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("sim: answering SNMP for 2 devices on udp 127.0.0.1:" + udp)
                    .containsPattern("sim: 2/2 connected, .*, snmp: [0-9]+ requests, [0-9.]+ req/s, [0-9]+ varbinds/s")
                    .contains("(stopped)");
        }
    }

    private static boolean tsAfter(DialoutMsg m, long t) {
        try {
            return timestamp(new ObjectMapper(), m) >= t;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void snmpAloneNeedsNoCollector() throws Exception {
        int udp = freeUdpPort();
        CompletableFuture<SimulateCommandTest.Run> cli = simulate("--snmp-listen", "127.0.0.1:" + udp, "--devices", "3",
                "--duration", "6s", "--snmp-v3-user", "mon:SHA-256:authpass9:AES-192:privpass9");
        String out = null;
        for (int i = 0; i < 100 && out == null; i++) {
            try {
                out = snmpget("sim-0003", udp, SYS_NAME);
            } catch (AssertionError notYet) {
                Thread.sleep(100);
            }
        }
        assertThat(out).isNotNull();
        assertThat(value(out, SYS_NAME)).isEqualTo("sim-0003");
        SimulateCommandTest.Run r = cli.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("sim: 3 devices, snmp: [1-9][0-9]* requests")
                .doesNotContain("authpass9", "privpass9");
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            SimulateCommandTest.Run r = SimulateCommandTest.run("--snmp-listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--duration", "5s");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("--snmp-listen: cannot listen on udp 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
