package io.teleflux.snmp;

import io.teleflux.testsupport.IfMibAgent;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.LogCapture;
import io.teleflux.testsupport.SnmpsimFixture;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chassis whose interface table takes longer to walk than the poll's deadline (snmpsim, one row
 * per answer, each 300 ms late: 12 rows, about 3.6 s, against a 2 s deadline) still gets the
 * interfaces walked by then written, every poll, and says so: result {@code partial}, warning
 * {@code partial_walk}, one log line.
 */
class SnmpPartialWalkIT {

    @Test
    void whatWasWalkedBeforeTheDeadlineIsWritten() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.launch();
             SnmpsimFixture slow = SnmpsimFixture.builder().agent("big", IfMibAgent.of("sim-big", 12).slowTable(300).snmprec()).launch();
             LogCapture logs = LogCapture.of("io.teleflux.snmp");
             SnmpPipeline pipe = new SnmpPipeline(influx, "interval = 60s, timeout = 2s, retries = 0, deadline = 2s,"
                     + " max-repetitions = 1, targets = [ { address = \"" + slow.address() + "\", name = big-chassis, community = big } ]",
                     Map.of())) {
            for (int round = 0; round < 2; round++) {
                assertThat(pipe.poller.pollOnce(pipe.target(0))).isEqualTo(PollResult.PARTIAL);
            }
            long written = pipe.points(p -> p.measurement().equals("interface")).size();
            System.out.println("SnmpPartialWalkIT: " + written / 2 + " of 12 interfaces per poll written before the deadline");
            assertThat(written / 2).as("interfaces per poll").isBetween(2L, 11L);
            assertThat(pipe.metrics.value(SnmpMetrics.SNMP_POLLS_TOTAL, "device", "big-chassis", "result", "partial")).isEqualTo(2);
            assertThat(pipe.metrics.value(SnmpMetrics.SNMP_POLLS_TOTAL, "device", "big-chassis", "result", "timeout")).isZero();
            assertThat(pipe.metrics.value(SnmpMetrics.SNMP_WARNINGS_TOTAL, "device", "big-chassis", "reason", "partial_walk")).isEqualTo(2);
            assertThat(logs.containing("big-chassis: the interface table could not be walked within the poll's deadline")).hasSize(1);
            // every interface written is complete: each has its counters, none has a hole from the cut
            assertThat(pipe.points(p -> p.measurement().equals("interface")))
                    .allMatch(p -> p.field("in_octets") != null && p.field("out_octets") != null && p.field("speed_bps") != null);
        }
    }
}
