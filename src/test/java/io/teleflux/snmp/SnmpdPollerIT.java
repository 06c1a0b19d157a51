package io.teleflux.snmp;

import io.teleflux.influx.Drain;
import ch.qos.logback.classic.Level;
import io.teleflux.snmp.SnmpTarget;
import io.teleflux.point.Point;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.SnmpdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The poller against a real net-snmp agent serving this machine's real interfaces, over v2c and
 * SNMPv3 (authPriv SHA/AES-128, SHA-512/AES-256, MD5/DES, SHA-224/AES-192, SHA-384/AES-256, and
 * authNoPriv SHA-256), through the rate stage into a real influxd; and the same agent with wrong
 * v3 credentials.
 */
class SnmpdPollerIT {
    static final String V2C = "snmpd-v2c"; // device tag: the agent's sysName, i.e. this host's name
    static final String SHA_AES = "snmpd-v3-sha-aes";
    static final String SHA512 = "snmpd-v3-sha512-aes256";
    static final String AUTH_ONLY = "snmpd-v3-sha256-authnopriv";
    static final String BY_NAME = "snmpd-by-host-name";
    /** The rest of the v3 protocol matrix: MD5/DES, SHA-224/AES-192, SHA-384/AES-256. */
    static final List<String> MATRIX = List.of("snmpd-v3-md5-des", "snmpd-v3-sha224-aes192", "snmpd-v3-sha384-aes256");
    static InfluxdFixture influx;
    static SnmpdFixture snmpd;
    static SnmpPipeline pipe;
    /**
     * The targets whose bad credentials make snmpd answer with nothing the poller can authenticate
     * (wrong auth, wrong priv, a level the user does not have): each poll of theirs waits out its whole
     * timeout, so they have a poller of their own with a shorter one, polling at the same moments.
     */
    static SnmpPipeline silent;
    /** Their places in the list the assertions number. */
    static final List<Integer> SILENT = List.of(4, 6, 7);
    static LogCapture logs;
    static String hostName;
    static List<Map<SnmpTarget, PollResult>> rounds = new java.util.ArrayList<>();

    static String v3(int address, String name, SnmpdFixture.User u, String authPass, String privPass, String level) {
        String s = "{ address = \"" + snmpd.address(address) + "\", name = \"" + name + "\", version = 3, security-name = \""
                + u.name() + "\", auth-protocol = \"" + u.authProtocol() + "\", auth-passphrase = \"" + authPass + "\"";
        if (level.equals("authPriv")) {
            s += ", priv-protocol = \"" + (u.privProtocol().isEmpty() ? "AES" : u.privProtocol()) + "\", priv-passphrase = \""
                    + privPass + "\"";
        }
        return s + " }\n";
    }

    @BeforeAll
    static void pollTwice() throws Exception {
        influx = InfluxdFixture.launch();
        snmpd = SnmpdFixture.launch();
        hostName = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        SnmpdFixture.User a = SnmpdFixture.SHA_AES;
        SnmpdFixture.User b = SnmpdFixture.SHA512_AES256;
        SnmpdFixture.User c = SnmpdFixture.SHA256_AUTH;
        SnmpdFixture.User d = SnmpdFixture.MD5_DES;
        SnmpdFixture.User e = SnmpdFixture.SHA224_AES192;
        SnmpdFixture.User f = SnmpdFixture.SHA384_AES256;
        List<String> targets = List.of(
                "{ address = \"" + snmpd.address(1) + "\" }\n", // no name: sysName.0
                v3(2, SHA_AES, a, a.authPassphrase(), a.privPassphrase(), "authPriv"),
                v3(3, SHA512, b, b.authPassphrase(), b.privPassphrase(), "authPriv"),
                v3(4, AUTH_ONLY, c, c.authPassphrase(), "", "authNoPriv"),
                v3(5, "wrong-auth", b, "not-the-passphrase", b.privPassphrase(), "authPriv"),
                "{ address = \"" + snmpd.address(6) + "\", name = unknown-user, version = 3, security-name = nobody-here,"
                        + " auth-protocol = SHA, auth-passphrase = \"whatever-pass\" }\n",
                v3(7, "wrong-priv", a, a.authPassphrase(), "not-the-priv-passphrase", "authPriv"),
                v3(8, "level-too-high", c, c.authPassphrase(), "some-priv-passphrase", "authPriv"),
                // a host name (from /etc/hosts): resolved per poll, off the scheduler thread
                "{ address = \"localhost:" + snmpd.port() + "\", name = " + BY_NAME + " }\n",
                v3(9, MATRIX.get(0), d, d.authPassphrase(), d.privPassphrase(), "authPriv"),
                v3(10, MATRIX.get(1), e, e.authPassphrase(), e.privPassphrase(), "authPriv"),
                v3(11, MATRIX.get(2), f, f.authPassphrase(), f.privPassphrase(), "authPriv"));
        StringBuilder answering = new StringBuilder();
        StringBuilder unanswered = new StringBuilder();
        for (int i = 0; i < targets.size(); i++) {
            (SILENT.contains(i) ? unanswered : answering).append(targets.get(i));
        }
        String common = "retries = 0, interval = 60s\ndefaults.community = ${?SNMPD_COMMUNITY}\n";
        // generous: snmpd is one thread doing v3 crypto for 12 targets at once, on a machine that may be busy;
        // its reports to the silent ones come as fast as its answers (well under a second), 3 s is still generous
        logs = LogCapture.of("io.teleflux.snmp");
        Map<String, String> env = Map.of("SNMPD_COMMUNITY", snmpd.community());
        pipe = new SnmpPipeline(influx, "timeout = 6s, " + common + "targets = [\n" + answering + "]\n", env);
        silent = new SnmpPipeline(influx, "timeout = 3s, " + common + "targets = [\n" + unanswered + "]\n", env);
        rounds.add(pollBoth());
        Thread.sleep(1_500);
        rounds.add(pollBoth());
        Drain.await(pipe.metrics);
        Drain.await(silent.metrics);
    }

    /** One round: both pollers poll all their targets at once. */
    static Map<SnmpTarget, PollResult> pollBoth() throws Exception {
        java.util.concurrent.CompletableFuture<Map<SnmpTarget, PollResult>> bad =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return silent.poller.pollAllOnce();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Map<SnmpTarget, PollResult> all = new java.util.HashMap<>(pipe.poller.pollAllOnce());
        all.putAll(bad.get(60, java.util.concurrent.TimeUnit.SECONDS));
        return all;
    }

    /** Target {@code i} of the list above, from the pipeline that polls it. */
    static SnmpTarget target(int i) {
        int s = SILENT.indexOf(i);
        return s >= 0 ? silent.target(s) : pipe.target(i - (int) SILENT.stream().filter(x -> x < i).count());
    }

    @AfterAll
    static void stop() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (pipe != null) {
            pipe.close();
        }
        if (silent != null) {
            silent.close();
        }
        if (snmpd != null) {
            snmpd.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    static PollResult result(int round, int target) {
        return rounds.get(round).get(target(target));
    }

    @Test
    void everyGoodCredentialPollsAndEveryBadOneIsTold() {
        for (int round = 0; round < 2; round++) {
            assertThat(result(round, 0)).as("v2c").isEqualTo(PollResult.OK);
            assertThat(result(round, 1)).as("v3 SHA/AES-128").isEqualTo(PollResult.OK);
            assertThat(result(round, 2)).as("v3 SHA-512/AES-256").isEqualTo(PollResult.OK);
            assertThat(result(round, 3)).as("v3 authNoPriv SHA-256").isEqualTo(PollResult.OK);
            assertThat(result(round, 4)).as("wrong auth passphrase").isEqualTo(PollResult.AUTH_ERROR);
            assertThat(result(round, 5)).as("unknown user").isEqualTo(PollResult.AUTH_ERROR);
            // net-snmp drops a message it cannot decrypt without any report: indistinguishable from silence
            assertThat(result(round, 6)).as("wrong priv passphrase").isEqualTo(PollResult.TIMEOUT);
            assertThat(result(round, 7)).as("authPriv for an auth-only user").isEqualTo(PollResult.AUTH_ERROR);
            assertThat(result(round, 8)).as("target given by host name").isEqualTo(PollResult.OK);
            for (int m = 0; m < MATRIX.size(); m++) {
                assertThat(result(round, 9 + m)).as(MATRIX.get(m)).isEqualTo(PollResult.OK);
            }
        }
        assertThat(pipe.metrics.value("teleflux_snmp_polls_total", "device", hostName, "result", "ok")).isEqualTo(2);
        assertThat(pipe.metrics.value("teleflux_snmp_polls_total", "device", SHA512, "result", "ok")).isEqualTo(2);
        assertThat(silent.metrics.value("teleflux_snmp_polls_total", "device", "wrong-auth", "result", "auth_error")).isEqualTo(2);
        assertThat(silent.metrics.value("teleflux_snmp_polls_total", "device", "wrong-priv", "result", "timeout")).isEqualTo(2);
        assertThat(pipe.metrics.value("teleflux_snmp_last_success_ms", "device", AUTH_ONLY)).isGreaterThan(0);
        assertThat(silent.metrics.value("teleflux_snmp_last_success_ms", "device", "wrong-auth")).isZero();
        assertThat(pipe.metrics.value("teleflux_snmp_interfaces", "device", SHA_AES)).isGreaterThanOrEqualTo(1);
        assertThat(pipe.poller.deviceLabel(target(0))).as("unnamed: labelled by its sysName").isEqualTo(hostName);
    }

    @Test
    void loopbackCountersAndRatesReachInfluxdForEveryVersion() {
        List<String> good = new java.util.ArrayList<>(List.of(hostName, SHA_AES, SHA512, AUTH_ONLY, BY_NAME));
        good.addAll(MATRIX);
        for (String device : good) {
            InfluxQueryResult r = influx.query("telemetry", "SELECT in_octets, out_octets, out_ucast_pkts, in_bps, out_bps, "
                    + "speed_bps, oper_status, ifindex FROM interface WHERE device = '" + device
                    + "' AND interface = 'lo' AND source = 'snmp' ORDER BY time");
            List<Map<String, Object>> rows = r.single().rows();
            assertThat(rows).as(device).hasSize(2);
            for (Map<String, Object> row : rows) {
                assertThat(((Number) row.get("in_octets")).longValue()).as(device).isPositive();
                assertThat(((Number) row.get("out_octets")).longValue()).as(device).isPositive();
                assertThat(((Number) row.get("oper_status")).longValue()).isEqualTo(1);
                assertThat(((Number) row.get("ifindex")).longValue()).isPositive();
            }
            assertThat(rows.get(0).get("in_bps")).as("no rate on the first sample").isNull();
            assertThat(((Number) rows.get(1).get("in_bps")).doubleValue()).as(device).isGreaterThanOrEqualTo(0);
            assertThat(((Number) rows.get(1).get("out_bps")).doubleValue()).as(device).isGreaterThanOrEqualTo(0);
            // our own SNMP traffic runs over lo, so its counters really grow between the two polls
            assertThat(((Number) rows.get(1).get("in_octets")).longValue())
                    .isGreaterThan(((Number) rows.get(0).get("in_octets")).longValue());
        }
    }

    @Test
    void devicePointsCarryUptimeAndTheTargetAddress() {
        InfluxQueryResult r = influx.query("telemetry",
                "SELECT uptime_s, device_ip FROM device WHERE source = 'snmp' GROUP BY device");
        Map<String, String> ipByDevice = new java.util.HashMap<>();
        for (InfluxQueryResult.Series s : r.series()) {
            assertThat(s.rows()).hasSize(2);
            assertThat(((Number) s.rows().get(1).get("uptime_s")).longValue()).isGreaterThanOrEqualTo(0);
            ipByDevice.put(s.tags().get("device"), (String) s.rows().get(1).get("device_ip"));
        }
        assertThat(ipByDevice).containsEntry(hostName, "127.0.0.1").containsEntry(SHA_AES, "127.0.0.2")
                .containsEntry(SHA512, "127.0.0.3").containsEntry(AUTH_ONLY, "127.0.0.4").containsEntry(BY_NAME, "127.0.0.1")
                .containsEntry(MATRIX.get(0), "127.0.0.9").containsEntry(MATRIX.get(2), "127.0.0.11").hasSize(8);
    }

    @Test
    void pointsAreTheDataModelsAndPassedThroughTheRateStage() {
        List<Point> lo = pipe.series(SHA512, "lo");
        assertThat(lo).hasSize(2);
        assertThat(lo.get(1).tags()).containsEntry("source", "snmp").containsOnlyKeys("device", "interface", "source");
        assertThat(lo.get(1).fields()).containsKeys("in_octets", "out_octets", "in_ucast_pkts", "out_ucast_pkts", "in_errors",
                "out_errors", "in_discards", "out_discards", "speed_bps", "oper_status", "admin_status", "ifindex", "in_bps", "out_bps");
        assertThat(lo.get(1).hasHint(Point.HINT_COUNTER32)).as("net-snmp has ifXTable for lo").isFalse();
        assertThat(pipe.metrics.value("teleflux_points_received_total", "source", "snmp"))
                .isEqualTo(pipe.points(p -> true).size());
    }

    @Test
    void badCredentialsAreLoggedOncePerDeviceAndNoSecretIsEverPrinted() {
        assertThat(logs.containing("wrong-auth: polls failing (auth_error)")).hasSize(1)
                .allMatch(m -> m.contains("usmStatsWrongDigests"));
        assertThat(logs.containing("unknown-user: polls failing (auth_error)")).hasSize(1)
                .allMatch(m -> m.contains("usmStatsUnknownUserNames"));
        assertThat(logs.containing("level-too-high: polls failing (auth_error)")).hasSize(1);
        assertThat(logs.containing("wrong-priv: polls failing (timeout)")).hasSize(1);
        assertThat(logs.messages(Level.WARN)).noneMatch(m -> m.startsWith(SHA_AES) || m.startsWith(hostName));
        String everything = String.join("\n", logs.messages()) + pipe.metrics.prometheusText() + pipe.cfg + pipe.cfg.get(SnmpConfig.SECTION).targets()
                + silent.metrics.prometheusText() + silent.cfg + silent.cfg.get(SnmpConfig.SECTION).targets();
        List<String> secrets = new java.util.ArrayList<>(List.of(snmpd.community(), "not-the-passphrase",
                "not-the-priv-passphrase", "some-priv-passphrase"));
        for (SnmpdFixture.User u : SnmpdFixture.users()) {
            secrets.add(u.authPassphrase());
            if (!u.privPassphrase().isEmpty()) {
                secrets.add(u.privPassphrase());
            }
        }
        for (String secret : secrets) {
            assertThat(everything).doesNotContain(secret);
        }
    }
}
