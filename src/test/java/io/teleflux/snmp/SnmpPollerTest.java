package io.teleflux.snmp;

import io.teleflux.Components;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.snmp.SnmpConfig;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The poller's own rules, with nothing answering on the loopback ports it polls. */
class SnmpPollerTest {

    static SnmpConfig config(String snmp) {
        return Components.fromConfig(ConfigFactory.parseString("teleflux.influx.api = v1\nteleflux.snmp {\n" + snmp + "\n}"),
                Map.of()).get(SnmpConfig.SECTION);
    }

    @Test
    void offsetsAreDeterministicAndSpreadOverTheInterval() {
        long interval = 60_000;
        Set<Long> buckets = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String address = "10.0." + (i / 250) + "." + (i % 250) + ":161";
            long o = SnmpPoller.offset(address, interval);
            assertThat(o).isBetween(0L, interval - 1).isEqualTo(SnmpPoller.offset(address, interval));
            buckets.add(o / 6_000);
        }
        assertThat(buckets).as("every tenth of the interval gets devices").hasSize(10);
    }

    @Test
    void theDeadlineCutsAPollShortAndSaysSo() throws Exception {
        int port = FreePorts.nextUdp();
        SnmpConfig cfg = config("timeout = 10s, retries = 2, deadline = 300ms\n"
                + "targets = [{ address = \"localhost:" + port + "\", name = quiet, community = c }]");
        List<Point> got = new ArrayList<>();
        Metrics metrics = new Metrics();
        try (LogCapture logs = LogCapture.of(SnmpPoller.class); SnmpPoller p = new SnmpPoller(cfg, got::addAll, metrics)) {
            // the message proves the deadline, not the 3 x 10 s of request timeouts, ended it
            assertThat(p.pollOnce(cfg.targets().get(0))).isEqualTo(PollResult.TIMEOUT);
            assertThat(p.pollOnce(cfg.targets().get(0))).isEqualTo(PollResult.TIMEOUT);
            assertThat(logs.containing("quiet: polls failing (timeout) - no complete answer within the deadline of 300 ms"))
                    .hasSize(1);
        }
        assertThat(got).isEmpty();
        assertThat(metrics.value("teleflux_snmp_polls_total", "device", "quiet", "result", "timeout")).isEqualTo(2);
        assertThat(metrics.value("teleflux_snmp_poll_seconds", "device", "quiet")).isGreaterThanOrEqualTo(0.3);
        assertThat(metrics.value("teleflux_snmp_last_success_ms", "device", "quiet")).isZero();
    }

    @Test
    void aTargetNamedLikeItsCommunityIsLoggedByItsAddress() throws Exception {
        // the community is a secret, redacted wherever it appears: the name would read <redacted>
        int port = FreePorts.nextUdp();
        SnmpConfig cfg = config("timeout = 10s, deadline = 300ms\n"
                + "targets = [{ address = \"localhost:" + port + "\", name = sw-7, community = sw-7 }]");
        try (LogCapture logs = LogCapture.of(SnmpPoller.class); SnmpPoller p = new SnmpPoller(cfg, points -> { }, new Metrics())) {
            assertThat(logs.containing("SNMP target localhost:" + port + ": its name equals its community")).hasSize(1);
            assertThat(p.pollOnce(cfg.targets().get(0))).isEqualTo(PollResult.TIMEOUT);
            assertThat(logs.containing("target localhost:" + port + ": polls failing (timeout)")).hasSize(1);
            assertThat(logs.containing("sw-7")).as("the name, which is the secret, in no log line").isEmpty();
        }
    }

    @Test
    void onlyConfiguredTargetsAndNothingAfterClose() throws Exception {
        SnmpConfig cfg = config("targets = [{ address = \"127.0.0.1:" + FreePorts.nextUdp() + "\", community = c }]");
        SnmpConfig other = config("targets = [{ address = \"127.0.0.2:161\", community = c }]");
        SnmpPoller p = new SnmpPoller(cfg, points -> { }, new Metrics());
        assertThatThrownBy(() -> p.pollOnce(other.targets().get(0))).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.deviceLabel(cfg.targets().get(0))).isEqualTo(cfg.targets().get(0).address().toString());
        p.close();
        p.close();
        assertThatThrownBy(() -> p.pollOnce(cfg.targets().get(0))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyMetricIsDescribedAndTheTargetCountIsExposed() {
        SnmpConfig cfg = config("targets = [\"192.0.2.1\", \"192.0.2.2\"], defaults.community = c");
        Metrics m = new Metrics();
        try (SnmpPoller p = new SnmpPoller(cfg, points -> { }, m)) {
            String text = m.prometheusText();
            for (String name : List.of("teleflux_snmp_polls_total", "teleflux_snmp_poll_seconds", "teleflux_snmp_last_success_ms",
                    "teleflux_snmp_interfaces", "teleflux_snmp_polls_skipped_total")) {
                assertThat(text).contains("# HELP " + name + " ").contains(name + "{device=\"192.0.2.1:161\"");
            }
            assertThat(text).contains("teleflux_snmp_targets 2").contains("# TYPE teleflux_snmp_poll_seconds gauge");
            assertThat(p.deviceLabel(cfg.targets().get(1))).isEqualTo("192.0.2.2:161");
        }
    }
}
