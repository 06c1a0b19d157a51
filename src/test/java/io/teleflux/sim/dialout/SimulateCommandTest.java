package io.teleflux.sim.dialout;

import io.teleflux.SimulateCommand;
import io.teleflux.SimulateCommandAccess;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux simulate}: option validation and help. */
class SimulateCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badAddressesAreRejectedWithTheOptionNamed() {
        Run noPort = run("--dialout", "collector");
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.err()).contains("--dialout: missing port in 'collector' (expected host:port)");

        assertThat(run("--dialout", "collector:http").err()).contains("--dialout: port 'http' is not a number");
        assertThat(run("--dialout", "collector:70000").err()).contains("--dialout: port 70000 is out of range");
        assertThat(run("--dialout", "127.0.0.1:0").err()).contains("--dialout: port must be in 1-65535, got 0");
        assertThat(run("--dialout", "::1:50051").err()).contains("IPv6 addresses must be written in brackets");
        Run missing = run("--devices", "2");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing option: at least one of --dialout=HOST:PORT,"
                + " --snmp-listen=HOST:PORT, --gnmi-listen=HOST:PORT");
    }

    @Test
    void badCountsDurationsAndPathsAreRejected() {
        Run negative = run("--dialout", "127.0.0.1:1", "--devices", "-3");
        assertThat(negative.exit()).isEqualTo(2);
        assertThat(negative.err()).contains("--devices: must be in 1-100000, got -3");
        assertThat(run("--dialout", "127.0.0.1:1", "--interfaces", "0").err())
                .contains("--interfaces: must be in 1-1024, got 0");
        assertThat(run("--dialout", "127.0.0.1:1", "--interval", "5x").err())
                .contains("'5x' is not a duration; write e.g. 500ms, 30s, 10m, 2h");
        assertThat(run("--dialout", "127.0.0.1:1", "--interval", "10ms").err())
                .contains("--interval: must be at least 100ms, got 10ms");
        assertThat(run("--dialout", "127.0.0.1:1", "--duration", "0s").err()).contains("must be longer than zero");
        assertThat(run("--dialout", "127.0.0.1:1", "--duration", "99999999999999999d").err())
                .contains("is longer than 10 years");
        Run path = run("--dialout", "127.0.0.1:1", "--paths", "Ifmgr/Statistics,Ifmgr/Bogus");
        assertThat(path.exit()).isEqualTo(2);
        assertThat(path.err()).contains("--paths: unknown sensor path 'Ifmgr/Bogus'; known: Ifmgr/Statistics,");
        assertThat(run("--dialout", "127.0.0.1:1", "--device-prefix", " ").err())
                .contains("--device-prefix: must not be blank");
    }

    @Test
    void helpExplainsEveryOptionWithItsDefault() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--dialout=HOST:PORT", "--devices=N", "Default: 3", "--interfaces=M",
                "Default: 48", "--interval=DURATION", "Default: 5s", "--duration=DURATION", "until Ctrl-C",
                "--seed=S", "Default: 1", "--device-prefix=PREFIX", "Default: sim-", "--paths=PATH[,PATH...]",
                "Default: all", "Device/Base", "burst port");
    }

    @Test
    void dialectsAreValidatedWithTheOptionNamed() {
        assertThat(run("--dialout", "127.0.0.1:1", "--dialect", "juniper").err())
                .contains("--dialect: unknown dialect 'juniper'; known: h3c, h3cv3, cisco, huawei");
        assertThat(run("--dialout", "127.0.0.1:1", "--dialect-mix", "h3c:1,cisco:x").err())
                .contains("--dialect-mix: weight of cisco is not a number: 'cisco:x'");
        assertThat(run("--dialout", "127.0.0.1:1", "--dialect", "h3c", "--dialect-mix", "cisco:1").err())
                .contains("--dialect and --dialect-mix exclude each other");
        assertThat(run("--snmp-listen", "127.0.0.1:0", "--dialect", "cisco").err())
                .contains("--dialect: needs --dialout");
        Run help = run("--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--dialect=DIALECT", "Default: h3c",
                "--dialect-mix=DIALECT:WEIGHT[,...]", "h3cv3", "cisco", "huawei (VRP");
    }

    @Test
    void theMixReachesTheSettings() {
        SimulateCommand cmd = new SimulateCommand();
        new CommandLine(cmd).parseArgs("--dialout", "127.0.0.1:1", "--devices", "8", "--dialect-mix", "h3c:1,h3cv3:1,cisco:1,huawei:1");
        assertThat(SimulateCommandAccess.settings(cmd).dialects().assign(8)).containsExactly(Dialect.H3C, Dialect.H3CV3,
                Dialect.CISCO, Dialect.HUAWEI, Dialect.H3C, Dialect.H3CV3, Dialect.CISCO, Dialect.HUAWEI);
        SimulateCommand single = new SimulateCommand();
        new CommandLine(single).parseArgs("--dialout", "127.0.0.1:1", "--dialect", "cisco");
        assertThat(SimulateCommandAccess.settings(single).dialects()).isEqualTo(DialectMix.of(Dialect.CISCO));
        SimulateCommand none = new SimulateCommand();
        new CommandLine(none).parseArgs("--dialout", "127.0.0.1:1");
        assertThat(SimulateCommandAccess.settings(none).dialects()).isEqualTo(DialectMix.of(Dialect.H3C));
    }
}
