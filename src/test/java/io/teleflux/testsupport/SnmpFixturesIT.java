package io.teleflux.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The SNMP agents the poller's tests rely on: they start, answer as documented, restart and clean up. */
class SnmpFixturesIT {

    @Test
    void snmpdAnswersItsCommunityOnLoopbackAndStops() throws Exception {
        SnmpdFixture snmpd = SnmpdFixture.launch();
        try (snmpd) {
            assertThat(snmpd.answers()).isTrue();
            assertThat(snmpd.community()).startsWith("tf-");
            assertThat(Files.readString(snmpd.logFile())).contains("NET-SNMP version");
        }
        assertThat(snmpd.isRunning()).isFalse();
        assertThat(ProcessHandle.of(snmpd.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void snmpsimServesGeneratedAgentsWithGrowingCountersAndRestartsFromInitial() throws Exception {
        IfMibAgent a = IfMibAgent.of("sim-a", 2);
        IfMibAgent.Port p1 = a.ports().get(0);
        SnmpsimFixture sim = SnmpsimFixture.builder().agent("a", a.snmprec())
                .agent("b", IfMibAgent.of("sim-b", 1).snmprec()).launch();
        try (sim) {
            assertThat(sim.get("a", IfMibAgent.SYS_NAME)).isEqualTo("\"sim-a\"");
            assertThat(sim.get("b", IfMibAgent.SYS_NAME)).isEqualTo("\"sim-b\"");
            assertThat(sim.get("nobody-knows-this", IfMibAgent.SYS_NAME)).as("unknown community: no answer").isNull();

            SnmpsimFixture.BootWindow boot = sim.bootWindow("a");
            assertThat(boot.latestMs() - boot.earliestMs()).isLessThan(5_000);
            String hcIn = "1.3.6.1.2.1.31.1.1.1.6.1";
            long before = System.currentTimeMillis();
            long v = Long.parseLong(sim.get("a", hcIn));
            long after = System.currentTimeMillis();
            // numeric: initial + rate * seconds since boot, read somewhere within [before, after]
            double low = p1.inInitial() + p1.inRate() * (before - boot.latestMs()) / 1000.0 - 1;
            double high = p1.inInitial() + p1.inRate() * (after - boot.earliestMs()) / 1000.0 + 1;
            assertThat((double) v).isBetween(low, high);

            Thread.sleep(1_100);
            sim.restart();
            long afterRestart = Long.parseLong(sim.get("a", hcIn));
            assertThat(afterRestart).as("a restart starts from initial again").isLessThan(v + p1.inRate());
            assertThat(Long.parseLong(sim.get("a", IfMibAgent.SYS_UPTIME))).isLessThan(500);
        }
        assertThat(sim.isRunning()).isFalse();
    }
}
