package io.teleflux.snmp;

import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.HostPort;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.Components;

import io.teleflux.Components;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code teleflux.snmp}: defaults, merging, environment secrets, targets files and every validation error. */
class SnmpConfigTest {
    static final String INFLUX = "teleflux.influx { api = v1 }\n";
    @TempDir
    Path dir;

    private Path write(String name, String hocon) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, hocon);
        return f;
    }

    private TelefluxConfig load(String hocon) throws Exception {
        return load(hocon, Map.of());
    }

    private TelefluxConfig load(String hocon, Map<String, String> env) throws Exception {
        return Components.load(write("teleflux.conf", INFLUX + hocon), env);
    }

    private List<String> problems(String hocon) throws Exception {
        return problems(hocon, Map.of());
    }

    private List<String> problems(String hocon, Map<String, String> env) throws Exception {
        Path f = write("teleflux.conf", INFLUX + hocon);
        return assertThrows(ConfigException.class, () -> Components.load(f, env)).problems();
    }

    @Test
    void noTargetsMeansSnmpIsOffWithReferenceDefaults() throws Exception {
        SnmpConfig s = load("").get(SnmpConfig.SECTION);
        assertThat(s.enabled()).isFalse();
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.retries()).isEqualTo(1);
        assertThat(s.deadline()).isZero();
        assertThat(s.effectiveDeadline()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.maxConcurrent()).isEqualTo(64);
        assertThat(s.maxRepetitions()).isEqualTo(20);
        assertThat(s.targets()).isEmpty();
    }

    @Test
    void targetsInheritDefaultsAndOverrideThem() throws Exception {
        SnmpConfig s = load("""
                teleflux.snmp {
                  interval = 30s
                  deadline = 20s
                  defaults { community = pub, port = 1161 }
                  interfaces { exclude = "lo|NULL.*" }
                  targets = [
                    { address = "192.0.2.1", name = sw1 }
                    { address = "192.0.2.2:161", community = other, interfaces { "include" = "Gi.*" } }
                    "sw3.example.net"
                    { address = "[2001:db8::4]:1162", version = "3", security-name = mon, auth-protocol = sha256,
                      auth-passphrase = "authpass1", priv-protocol = AES, priv-passphrase = "privpass1", context-name = vrf1 }
                    { address = "[::1]", version = v3, security-name = mon, auth-protocol = "SHA-512",
                      auth-passphrase = "authpass1" }
                  ]
                }
                """).get(SnmpConfig.SECTION);
        assertThat(s.enabled()).isTrue();
        assertThat(s.effectiveDeadline()).isEqualTo(Duration.ofSeconds(20));
        List<SnmpTarget> t = s.targets();
        assertThat(t).hasSize(5);

        assertThat(t.get(0).key()).isEqualTo("teleflux.snmp.targets[0]");
        assertThat(t.get(0).address()).isEqualTo(new HostPort("192.0.2.1", 1161));
        assertThat(t.get(0).name()).isEqualTo("sw1");
        assertThat(t.get(0).version()).isEqualTo(SnmpTarget.Version.V2C);
        assertThat(t.get(0).community().reveal()).isEqualTo("pub");
        assertThat(t.get(0).interfaces().accepts("GigabitEthernet1/0/1")).isTrue();
        assertThat(t.get(0).interfaces().accepts("lo")).isFalse();
        assertThat(t.get(0).interfaces().accepts("NULL0")).isFalse();

        assertThat(t.get(1).address()).isEqualTo(new HostPort("192.0.2.2", 161));
        assertThat(t.get(1).hasName()).isFalse();
        assertThat(t.get(1).community().reveal()).isEqualTo("other");
        assertThat(t.get(1).interfaces().accepts("Gi1/0/1")).isTrue();
        assertThat(t.get(1).interfaces().accepts("Te1/0/1")).isFalse();
        assertThat(t.get(1).interfaces().accepts("lo")).as("the global exclude still applies").isFalse();

        assertThat(t.get(2).address()).isEqualTo(new HostPort("sw3.example.net", 1161));
        assertThat(t.get(2).community().reveal()).isEqualTo("pub");

        SnmpTarget v3 = t.get(3);
        assertThat(v3.address()).isEqualTo(new HostPort("2001:db8::4", 1162));
        assertThat(v3.version()).isEqualTo(SnmpTarget.Version.V3);
        assertThat(v3.securityName()).isEqualTo("mon");
        assertThat(v3.authProtocol()).isEqualTo(SnmpTarget.AuthProtocol.SHA_256);
        assertThat(v3.privProtocol()).isEqualTo(SnmpTarget.PrivProtocol.AES_128);
        assertThat(v3.privPassphrase().reveal()).isEqualTo("privpass1");
        assertThat(v3.contextName()).isEqualTo("vrf1");
        assertThat(v3.securityLevel()).isEqualTo("authPriv");

        assertThat(t.get(4).address()).isEqualTo(new HostPort("::1", 1161));
        assertThat(t.get(4).authProtocol()).isEqualTo(SnmpTarget.AuthProtocol.SHA_512);
        assertThat(t.get(4).privProtocol()).isEqualTo(SnmpTarget.PrivProtocol.NONE);
        assertThat(t.get(4).securityLevel()).isEqualTo("authNoPriv");
    }

    @Test
    void everyProtocolNameIsAccepted() throws Exception {
        String[][] auth = {{"MD5", "MD5"}, {"SHA", "SHA"}, {"sha1", "SHA"}, {"SHA-224", "SHA-224"}, {"SHA256", "SHA-256"},
                {"sha-384", "SHA-384"}, {"SHA-512", "SHA-512"}};
        String[][] priv = {{"DES", "DES"}, {"AES", "AES-128"}, {"AES-128", "AES-128"}, {"aes192", "AES-192"},
                {"AES-256", "AES-256"}};
        for (String[] a : auth) {
            for (String[] p : priv) {
                SnmpTarget t = load("teleflux.snmp.targets = [{ address = \"192.0.2.1\", version = 3, security-name = u,"
                        + " auth-protocol = \"" + a[0] + "\", auth-passphrase = \"12345678\", priv-protocol = \"" + p[0]
                        + "\", priv-passphrase = \"abcdefgh\" }]").get(SnmpConfig.SECTION).targets().get(0);
                assertThat(t.authProtocol()).hasToString(a[1]);
                assertThat(t.privProtocol()).hasToString(p[1]);
            }
        }
    }

    @Test
    void secretsComeFromTheEnvironmentThroughSubstitution() throws Exception {
        TelefluxConfig c = load("""
                teleflux.snmp {
                  defaults.community = ${?SNMP_COMMUNITY}
                  targets = [
                    { address = "192.0.2.1" }
                    { address = "192.0.2.2", version = 3, security-name = mon, auth-protocol = SHA,
                      auth-passphrase = ${?SW2_AUTH}, priv-protocol = AES, priv-passphrase = ${?SW2_PRIV} }
                  ]
                }
                """, Map.of("SNMP_COMMUNITY", "c0mmun1ty-from-env", "SW2_AUTH", "auth-from-env", "SW2_PRIV", "priv-from-env"));
        List<SnmpTarget> t = c.get(SnmpConfig.SECTION).targets();
        assertThat(t.get(0).community().reveal()).isEqualTo("c0mmun1ty-from-env");
        assertThat(t.get(1).authPassphrase().reveal()).isEqualTo("auth-from-env");
        assertThat(t.get(1).privPassphrase().reveal()).isEqualTo("priv-from-env");

        String described = ConfigLoader.describe(c);
        assertThat(described).doesNotContain("from-env")
                .contains("teleflux.snmp.targets[0] = {address = \"192.0.2.1:161\", version = 2c, community = (set, redacted)}")
                .contains("teleflux.snmp.targets[1] = {address = \"192.0.2.2:161\", version = 3, security-name = \"mon\", "
                        + "auth-protocol = SHA, auth-passphrase = (set, redacted), priv-protocol = AES-128, "
                        + "priv-passphrase = (set, redacted)}")
                .contains("teleflux.snmp.interval = 60s");
        assertThat(c.toString()).doesNotContain("from-env");
        assertThat(t.get(1).toString()).doesNotContain("from-env");
    }

    @Test
    void anUnsetVariableLeavesTheSecretMissingAndSaysSo() throws Exception {
        List<String> p = problems("teleflux.snmp { defaults.community = ${?SNMP_COMMUNITY}, targets = [\"192.0.2.1\"] }");
        assertThat(p).containsExactly("teleflux.snmp.targets[0].community: required for version 2c (set it on the target "
                + "or in teleflux.snmp.defaults, e.g. community = ${?SNMP_COMMUNITY})");
    }

    @Test
    void targetsFileAddsTargetsAndResolvesTheEnvironmentToo() throws Exception {
        Path targets = write("targets.conf", """
                targets = [
                  { address = "198.51.100.1", name = a1, community = ${?FILE_COMMUNITY} }
                  { address = "198.51.100.2", name = a2 }
                ]
                """);
        Path json = write("targets.json", """
                {"targets": [{"address": "198.51.100.3:1161", "name": "j1"}, "198.51.100.4"]}
                """);
        SnmpConfig s = load("teleflux.snmp { defaults.community = pub, targets-file = \"" + targets + "\","
                + " targets = [{ address = \"192.0.2.1\" }] }", Map.of("FILE_COMMUNITY", "file-secret")).get(SnmpConfig.SECTION);
        assertThat(s.targets()).extracting(SnmpTarget::key).containsExactly("teleflux.snmp.targets[0]",
                targets + ": targets[0]", targets + ": targets[1]");
        assertThat(s.targets().get(1).community().reveal()).isEqualTo("file-secret");
        assertThat(s.targets().get(2).community().reveal()).isEqualTo("pub");

        SnmpConfig j = load("teleflux.snmp { defaults.community = pub, targets-file = \"" + json + "\" }").get(SnmpConfig.SECTION);
        assertThat(j.targets()).extracting(t -> t.address().toString()).containsExactly("198.51.100.3:1161", "198.51.100.4:161");
    }

    @Test
    void targetsFileProblemsNameTheFile() throws Exception {
        assertThat(problems("teleflux.snmp.targets-file = \"" + dir.resolve("nope.conf") + "\""))
                .containsExactly("teleflux.snmp.targets-file: '" + dir.resolve("nope.conf") + "' does not exist or is not a file");
        Path bad = write("bad.conf", "targetz = [ \"192.0.2.1\" ]\n");
        assertThat(problems("teleflux.snmp.targets-file = \"" + bad + "\""))
                .contains(bad + ": targetz: unknown key (did you mean targets?) (a targets file holds only `targets = [...]`)");
        Path badTarget = write("bad-target.conf", "targets = [ { address = \"192.0.2.1\", comunity = x } ]\n");
        assertThat(problems("teleflux.snmp.targets-file = \"" + badTarget + "\""))
                .contains(badTarget + ": targets[0].comunity: unknown key (did you mean community?)");
    }

    @Test
    void unknownKeysInsideTargetsAreErrorsWithDidYouMean() throws Exception {
        assertThat(problems("""
                teleflux.snmp.targets = [
                  { address = "192.0.2.1", community = c }
                  { address = "192.0.2.2", comunity = c, interfaces { inclde = "x" } }
                  { address = "192.0.2.3", community = c, colour = blue }
                ]
                """)).containsExactly(
                "teleflux.snmp.targets[1].comunity: unknown key (did you mean community?)",
                "teleflux.snmp.targets[1].interfaces.inclde: unknown key (did you mean include?)",
                "teleflux.snmp.targets[1].community: required for version 2c (set it on the target or in "
                        + "teleflux.snmp.defaults, e.g. community = ${?SNMP_COMMUNITY})",
                "teleflux.snmp.targets[2].colour: unknown key");
        assertThat(problems("teleflux.snmp { defaults { comunity = x } }"))
                .anyMatch(p -> p.startsWith("teleflux.snmp.defaults.comunity: unknown key (did you mean teleflux.snmp.defaults.community?)"));
    }

    @Test
    void everyValidationErrorNamesItsKey() throws Exception {
        List<String> p = problems("""
                teleflux.snmp {
                  interval = 0s
                  max-concurrent = 0
                  targets = [
                    { address = "192.0.2.1" }
                    { address = "192.0.2.2", version = 3 }
                    { address = "192.0.2.3", version = 3, security-name = u, auth-protocol = "SHA-999", auth-passphrase = "12345678" }
                    { address = "192.0.2.4", version = 3, security-name = u, priv-protocol = AES, priv-passphrase = "12345678" }
                    { address = "192.0.2.5", version = 3, security-name = u, auth-protocol = SHA, auth-passphrase = tiny7ch,
                      priv-protocol = AES }
                    { address = "192.0.2.6", community = c, interfaces.include = "Gi("  }
                    { address = "192.0.2.7:99999", community = c }
                    { address = "::7", community = c }
                    { address = "192.0.2.6:161", community = c }
                    { address = "192.0.2.10", community = c, version = 1 }
                    { address = "192.0.2.11", community = c, priv-protocol = "3DES" }
                    { name = lost }
                    42
                    { address = "192.0.2.12", community = c, name = dup }
                    { address = "192.0.2.13", community = c, name = dup }
                    { address = "192.0.2.14", version = 3, security-name = u, auth-passphrase = "12345678" }
                  ]
                }
                """);
        assertThat(p).contains(
                "teleflux.snmp.targets[0].community: required for version 2c (set it on the target or in teleflux.snmp.defaults, "
                        + "e.g. community = ${?SNMP_COMMUNITY})",
                "teleflux.snmp.targets[1].security-name: required for version 3",
                "teleflux.snmp.targets[2].auth-protocol: 'SHA-999' is not one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512",
                "teleflux.snmp.targets[3].priv-protocol: privacy needs authentication too (set auth-protocol); "
                        + "SNMPv3 has no noAuthPriv level",
                "teleflux.snmp.targets[4].auth-passphrase: shorter than 8 characters, the SNMPv3 minimum (RFC 3414)",
                "teleflux.snmp.targets[4].priv-passphrase: required with priv-protocol",
                "teleflux.snmp.targets[6].address: port 99999 is out of range 0-65535",
                "teleflux.snmp.targets[8].address: 192.0.2.6:161 is already polled by teleflux.snmp.targets[5] "
                        + "with the same community or v3 user and context",
                "teleflux.snmp.targets[9].version: '1' is not one of 2c, 3 (SNMPv1 is not supported: no 64-bit counters, no GETBULK)",
                "teleflux.snmp.targets[10].priv-protocol: '3DES' is not one of DES, AES (= AES-128), AES-128, AES-192, AES-256",
                "teleflux.snmp.targets[11].address: required (host, host:port or [IPv6]:port)",
                "teleflux.snmp.targets[12]: must be an object like { address = \"192.0.2.1\" } or an address string, got number",
                "teleflux.snmp.targets[14].name: 'dup' is already the name of teleflux.snmp.targets[13] "
                        + "(two devices would write the same series)",
                "teleflux.snmp.targets[15].auth-passphrase: set, but auth-protocol is empty");
        assertThat(p).anyMatch(s -> s.startsWith("teleflux.snmp.interval: "));
        assertThat(p).anyMatch(s -> s.startsWith("teleflux.snmp.max-concurrent: 0 is out of range"));
        assertThat(p).anyMatch(s -> s.startsWith("teleflux.snmp.targets[5].interfaces.include: 'Gi(' is not a valid regular expression"));
        assertThat(p).anyMatch(s -> s.startsWith("teleflux.snmp.targets[7].address: IPv6 addresses must be written in brackets"));
        // the 8-character rule never echoes the passphrase
        assertThat(String.join("\n", p)).doesNotContain("tiny7ch");
    }

    @Test
    void oneAgentMayFrontSeveralDevicesByCommunityOrContext() throws Exception {
        assertThat(load("""
                teleflux.snmp.targets = [
                  { address = "192.0.2.1", community = sw1 }
                  { address = "192.0.2.1", community = sw2 }
                  { address = "192.0.2.1", version = 3, security-name = u, auth-protocol = SHA, auth-passphrase = "12345678", context-name = sw3 }
                  { address = "192.0.2.1", version = 3, security-name = u, auth-protocol = SHA, auth-passphrase = "12345678", context-name = sw4 }
                ]
                """).get(SnmpConfig.SECTION).targets()).hasSize(4);
    }

    @Test
    void aBadSharedSettingIsReportedOnceAtItsOwnKey() throws Exception {
        List<String> p = problems("""
                teleflux.snmp {
                  defaults { version = 3, security-name = u, auth-protocol = "SHA-999", auth-passphrase = "12345678" }
                  interfaces.exclude = "lo("
                  targets = [ "192.0.2.1", "192.0.2.2", "192.0.2.3" ]
                }
                """);
        assertThat(p.stream().filter(s -> s.startsWith("teleflux.snmp.defaults.auth-protocol: 'SHA-999'"))).hasSize(1);
        assertThat(p.stream().filter(s -> s.startsWith("teleflux.snmp.interfaces.exclude: 'lo('"))).hasSize(1);
    }

    @Test
    void anUnquotedIncludeKeyGetsAHint() throws Exception {
        Path f = write("teleflux.conf", "teleflux.snmp.interfaces { include = \"Gi.*\" }\n");
        assertThat(assertThrows(ConfigException.class, () -> Components.load(f, Map.of())).getMessage())
                .contains("include keyword").contains("write \"include\" = \"...\" with quotes, or interfaces.include = \"...\"");
    }

    @Test
    void settingsOfTheWrongShapeAreProblemsNotCrashes() throws Exception {
        assertThat(problems("teleflux.snmp.defaults = oops")).contains("teleflux.snmp.defaults: must be an object, not a string");
        assertThat(problems("teleflux.snmp.interfaces = [1]")).contains("teleflux.snmp.interfaces: must be an object, not a list");
        assertThat(problems("teleflux.snmp = 5")).contains("teleflux.snmp: must be an object, not a number");
        assertThat(problems("teleflux.snmp.targets = oops")).contains("teleflux.snmp.targets: must be a list of targets, got string");
        assertThat(problems("teleflux.snmp { defaults.port = http, targets = [{ address = \"192.0.2.1\", community = c }] }"))
                .contains("teleflux.snmp.defaults.port: must be a port number");
    }

    @Test
    void emptyTargetListDescribesAsEmpty() throws Exception {
        assertThat(ConfigLoader.describe(load(""))).contains("teleflux.snmp.targets = []\n")
                .contains("teleflux.snmp.deadline = 0s");
    }
}
