package io.teleflux.sim.gnmi;

import io.teleflux.SimulateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code teleflux simulate --gnmi-listen ...}: validation and help. */
class SimulateCommandGnmiTest {

    record Run(int exit, String out, String err) {
    }

    /** {@code teleflux simulate ARGS} in-process, as the CLI runs it. */
    static Run simulate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every run here must fail validation; --duration bounds a run that wrongly starts. */
    @Test
    void gnmiOptionsAreValidatedWithTheOptionNamed(@TempDir Path dir) throws IOException {
        Run noPort = simulate("--gnmi-listen", "127.0.0.1");
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.err()).contains("--gnmi-listen: missing port in '127.0.0.1' (expected host:port)");
        assertThat(simulate("--gnmi-listen", "127.0.0.1:70000").err()).contains("--gnmi-listen: port 70000 is out of range");
        Run stray = simulate("--duration", "1s", "--dialout", "127.0.0.1:1", "--gnmi-username", "u",
                "--gnmi-password", "secret-pw");
        assertThat(stray.exit()).isEqualTo(2);
        assertThat(stray.err()).contains("--gnmi-username: needs --gnmi-listen").doesNotContain("secret-pw");
        assertThat(simulate("--duration", "1s", "--snmp-listen", "127.0.0.1:0", "--gnmi-tls-key", "k.pem").err())
                .contains("--gnmi-tls-key: needs --gnmi-listen");
        assertThat(simulate("--duration", "1s", "--gnmi-listen", "127.0.0.1:0", "--gnmi-username", "u").err())
                .contains("--gnmi-username and --gnmi-password go together");
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertThat(simulate("--duration", "1s", "--gnmi-listen", "127.0.0.1:0", "--gnmi-tls-cert", cert.toString()).err())
                .contains("--gnmi-tls-cert and --gnmi-tls-key go together");
        assertThat(simulate("--duration", "1s", "--gnmi-listen", "127.0.0.1:0", "--gnmi-tls-cert", cert.toString(),
                "--gnmi-tls-key", dir.resolve("missing.pem").toString()).err()).contains("cannot read TLS file");
        Run badTls = simulate("--duration", "1s", "--gnmi-listen", "127.0.0.1:0", "--gnmi-tls-cert",
                cert.toString(), "--gnmi-tls-key", cert.toString());
        assertThat(badTls.exit()).isEqualTo(1);
        assertThat(badTls.err()).contains("--gnmi-listen: cannot serve gNMI on tcp 127.0.0.1:0:");
        assertThat(simulate("--duration", "1s", "--gnmi-listen", "127.0.0.1:0", "--interval", "50ms").err())
                .contains("--interval: must be at least 100ms, got 50ms");
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = simulate("--gnmi-listen", "127.0.0.1:" + taken.getLocalPort(), "--duration", "5s");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("--gnmi-listen: cannot serve gNMI on tcp 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void helpExplainsTheGnmiOptions() {
        Run help = simulate("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--gnmi-listen=HOST:PORT",
                "prefix.target is the device name", "empty target is accepted only with --devices 1",
                "NOT_FOUND", "STREAM or ONCE", "sample_interval in ns; 0 = --interval",
                "PROTO", "JSON_IETF",
                "--gnmi-tls-cert=FILE", "--gnmi-tls-key=FILE", "--gnmi-username=NAME", "UNAUTHENTICATED",
                "--gnmi-password=PASSWORD", "gNMI notifications/s");
        // long paths may be wrapped anywhere
        assertThat(help.out().replaceAll("\\s+", "")).contains("/interfaces/interface[name=IFNAME]/state/",
                "ethernet/state/{port-speed,mac-address}", "/components/component[name=CPU0]/cpu/utilization/state/instant",
                ".../state/memory/{available,utilized}");
    }
}
