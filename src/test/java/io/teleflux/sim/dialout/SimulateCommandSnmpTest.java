package io.teleflux.sim.dialout;

import org.junit.jupiter.api.Test;

import static io.teleflux.sim.dialout.SimulateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux simulate --snmp-listen ... --snmp-v3-user ...}: validation and help. */
class SimulateCommandSnmpTest {

    /** Every run here must fail validation; --duration bounds a run that wrongly starts. */
    @Test
    void snmpOptionsAreValidatedWithTheOptionNamed() {
        SimulateCommandTest.Run noPort = run("--snmp-listen", "127.0.0.1");
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.err()).contains("--snmp-listen: missing port in '127.0.0.1' (expected host:port)");
        assertThat(run("--snmp-listen", "127.0.0.1:99999").err()).contains("--snmp-listen: port 99999 is out of range");
        SimulateCommandTest.Run userWithoutAgent = run("--duration", "1s", "--dialout", "127.0.0.1:1", "--snmp-v3-user",
                "mon:SHA:authpass1");
        assertThat(userWithoutAgent.exit()).isEqualTo(2);
        assertThat(userWithoutAgent.err()).contains("--snmp-v3-user: needs --snmp-listen");
        SimulateCommandTest.Run shortPass = run("--duration", "1s", "--snmp-listen", "127.0.0.1:0", "--snmp-v3-user",
                "mon:SHA:secret7:AES:privpass1");
        assertThat(shortPass.exit()).isEqualTo(2);
        assertThat(shortPass.err()).contains("--snmp-v3-user: authentication passphrase must be at least 8 characters")
                .doesNotContain("secret7", "privpass1");
        assertThat(run("--duration", "1s", "--snmp-listen", "127.0.0.1:0", "--snmp-v3-user", "mon:SHA1:authpass1").err())
                .contains("--snmp-v3-user: unknown authentication protocol 'SHA1'");
        assertThat(run("--duration", "1s", "--snmp-listen", "127.0.0.1:0", "--snmp-v3-user", "mon:SHA:authpass1",
                "--snmp-v3-user", "mon:MD5:authpass2").err()).contains("--snmp-v3-user: user 'mon' is given twice");
        assertThat(run("--duration", "1s", "--snmp-listen", "127.0.0.1:0", "--paths", "Ifmgr/Bogus").err())
                .contains("--paths: unknown sensor path 'Ifmgr/Bogus'");
    }

    @Test
    void helpExplainsTheSnmpOptions() {
        SimulateCommandTest.Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--snmp-listen=HOST:PORT",
                "Required unless --snmp-listen or --gnmi-listen is given", "community, or the v3 context name, is the device name",
                "binds only this address", "--snmp-v3-user=NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]", "SHA-512",
                "AES-256", "authNoPriv", "SNMP requests/s");
    }
}
