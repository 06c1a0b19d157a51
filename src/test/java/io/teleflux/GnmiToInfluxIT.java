package io.teleflux;

import io.teleflux.testsupport.GnmiTargetFixture;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxQueryResult.Series;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.teleflux.testsupport.GnmiTargetFixture.iface;
import static io.teleflux.testsupport.GnmiTargetFixture.inOctets;
import static io.teleflux.testsupport.GnmiTargetFixture.inPkts;
import static io.teleflux.testsupport.GnmiTargetFixture.inUcastPkts;
import static io.teleflux.testsupport.GnmiTargetFixture.outOctets;
import static io.teleflux.testsupport.GnmiTargetFixture.outPkts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * gNMI dial-in end to end: a real collector subscribes to an independent gNMI target (Python
 * grpcio, {@code src/test/python/gnmi_target.py}) and writes to a real influxd 1.6.7. What InfluxDB
 * holds equals what the target sent, field by field, and the rates are exactly those the
 * notification timestamps imply.
 */
class GnmiToInfluxIT {
    static final long STEP = 10_000;
    /** Whole seconds, in the past: the target replays three samples from here. */
    static final long T0 = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
    static InfluxdFixture influx;

    @BeforeAll
    static void start() {
        influx = InfluxdFixture.launch();
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
    }

    static long num(Object o) {
        return ((Number) o).longValue();
    }

    static double dbl(Object o) {
        return ((Number) o).doubleValue();
    }

    static Series interfaceRows(String device, String iface, int rows) throws InterruptedException {
        String q = "SELECT * FROM interface WHERE device = '" + device + "' AND interface = '" + iface + "' ORDER BY time";
        assertThat(TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            return !r.isEmpty() && r.single().size() >= rows && r.single().value(rows - 1, "in_bps") != null;
        })).as("%d rows of %s %s", rows, device, iface).isTrue();
        return influx.query("telemetry", q).single();
    }

    /** Interface {@code i} of device {@code d} of the target, stored as device {@code device}: every field of every sample. */
    static void assertInterface(String device, int d, int i, int samples) throws InterruptedException {
        Series s = interfaceRows(device, iface(i), samples);
        assertThat(s.size()).isEqualTo(samples);
        assertThat(s.tags()).isEmpty(); // SELECT * returns tags as columns
        for (int k = 0; k < samples; k++) {
            long t = T0 + k * STEP;
            Map<String, Object> row = s.row(k);
            assertThat(num(row.get("time"))).isEqualTo(t);
            assertThat(row.get("source")).isEqualTo("telemetry");
            assertThat(num(row.get("in_octets"))).isEqualTo(inOctets(d, i, t, T0));
            assertThat(num(row.get("out_octets"))).isEqualTo(outOctets(d, i, t, T0));
            assertThat(num(row.get("in_pkts"))).isEqualTo(inPkts(i, t, T0));
            assertThat(num(row.get("out_pkts"))).isEqualTo(outPkts(i, t, T0));
            assertThat(num(row.get("in_ucast_pkts"))).isEqualTo(inUcastPkts(i, t, T0));
            assertThat(num(row.get("in_errors"))).isEqualTo(i);
            assertThat(num(row.get("out_errors"))).isZero();
            assertThat(num(row.get("in_discards"))).isEqualTo(5);
            assertThat(num(row.get("out_discards"))).isEqualTo(6);
            if (k == 0) {
                // state leaves come ON_CHANGE: in the initial sync only
                assertThat(num(row.get("oper_status"))).as("oper_status").isEqualTo(i % 2 == 0 ? 1 : 2);
                assertThat(num(row.get("admin_status"))).isEqualTo(1);
                assertThat(num(row.get("ifindex"))).isEqualTo(i + 1);
                assertThat(num(row.get("speed_bps"))).isEqualTo(10_000_000_000L);
                assertThat(row.get("description")).isEqualTo("port " + (i + 1));
                assertThat(row.get("in_bps")).as("no rate on a series' first sample").isNull();
            } else {
                // exactly Δcounter / Δt of the notification timestamps
                assertThat(dbl(row.get("in_bps"))).isEqualTo(1_000_000.0 * (i + 1));
                assertThat(dbl(row.get("out_bps"))).isEqualTo(2_000_000.0 * (i + 1));
                assertThat(dbl(row.get("in_pps"))).isEqualTo(100.0 * (i + 1) + 11);
                assertThat(dbl(row.get("out_pps"))).isEqualTo(200.0 * (i + 1) + 22);
                // 1 Mbit/s x (i + 1) of 10 Gbit/s, rounded to 7 significant digits: the double nearest (i + 1) / 100
                assertThat(dbl(row.get("in_util_pct"))).isEqualTo((i + 1) / 100.0);
            }
        }
    }

    @Test
    void protoCountersStateCpuAndGenericPathsAreStoredAsSentWithExactRates() throws Exception {
        try (GnmiTargetFixture target = GnmiTargetFixture.builder().devices("py-leaf1").startMs(T0).samples(3)
                .stepMs(STEP).delete().launch();
             Collector c = TestCollector.start(TestCollector.v1(influx.url()) + """
                     teleflux.gnmi.targets = [ { name = leaf1, address = "%s", tls.enabled = false } ]
                     """.formatted(target.address()))) {
            assertInterface("leaf1", 0, 0, 3);
            assertInterface("leaf1", 0, 1, 3);

            // what the collector asked for: STREAM, PROTO, SAMPLE every 10 s (ns on the wire), ON_CHANGE state
            assertThat(target.subscribeRequests()).hasSize(1);
            String sub = target.subscribeRequests().get(0);
            assertThat(sub).contains("\"encoding\": \"PROTO\"", "\"mode\": \"STREAM\"")
                    .contains("{\"heartbeat_interval\": 0, \"mode\": \"SAMPLE\", \"path\": \"/interfaces/interface/state/counters\", "
                            + "\"sample_interval\": 10000000000}")
                    .contains("{\"heartbeat_interval\": 60000000000, \"mode\": \"ON_CHANGE\", \"path\": "
                            + "\"/interfaces/interface/state/oper-status\", \"sample_interval\": 0}")
                    .contains("/components/component/cpu/utilization/state/instant");

            // CPU and memory: device points tagged with the component, as H3C tags its CPUs
            Series dev = influx.query("telemetry", "SELECT cpu_pct, mem_total, mem_used, mem_free, mem_used_pct FROM device "
                    + "WHERE device = 'leaf1' AND component = 'CPU0' AND source = 'telemetry'").single();
            assertThat(dev.size()).isEqualTo(3);
            assertThat(dbl(dev.value(0, "cpu_pct"))).isEqualTo(20.0);
            assertThat(num(dev.value(0, "mem_total"))).isEqualTo(8_000_000_000L);
            assertThat(num(dev.value(0, "mem_used"))).isEqualTo(2_000_000_000L);
            assertThat(num(dev.value(0, "mem_free"))).isEqualTo(6_000_000_000L);
            assertThat(dbl(dev.value(0, "mem_used_pct"))).isEqualTo(25.0);
            Series ip = influx.query("telemetry", "SELECT device_ip FROM device WHERE device = 'leaf1'").single();
            assertThat(ip.value(0, "device_ip")).isEqualTo("127.0.0.1");

            // a path the data model does not name is stored, not dropped
            Series generic = influx.query("telemetry", "SELECT carrier_transitions, in_multicast_pkts FROM "
                    + "gnmi_interfaces_interface_counters WHERE device = 'leaf1' AND \"name\" = 'Ethernet1/2' ORDER BY time").single();
            assertThat(generic.size()).isEqualTo(3);
            assertThat(num(generic.value(2, "carrier_transitions"))).isEqualTo(3);
            assertThat(num(generic.value(2, "in_multicast_pkts"))).isEqualTo(1000 + 10 * 20);

            // self-monitoring: per target, label device
            assertThat(TestCollector.await(10, () -> c.metrics().value("teleflux_gnmi_deletes_total", "device", "leaf1") == 1))
                    .isTrue();
            assertThat(c.metrics().value("teleflux_gnmi_connected", "device", "leaf1")).isEqualTo(1);
            assertThat(c.metrics().value("teleflux_gnmi_sync_responses_total", "device", "leaf1")).isEqualTo(1);
            // 3 samples x (2 interfaces x 15 counters, + 5 state leaves in the first) + 3 x 3 component leaves
            assertThat(c.metrics().value("teleflux_gnmi_updates_total", "device", "leaf1")).isEqualTo(3 * 30 + 10 + 9);
            assertThat(c.metrics().value("teleflux_gnmi_last_update_ms", "device", "leaf1")).isPositive();
            assertThat(c.metrics().sum("teleflux_gnmi_errors_total")).isZero();
            assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "leaf1")).isZero();
            assertThat(c.metrics().prometheusText()).contains("teleflux_gnmi_updates_total{device=\"leaf1\"} 109");
        }
    }

    @Test
    void jsonIetfContainersFromOneServerFrontingTwoDevicesAreToldApartByTarget() throws Exception {
        try (GnmiTargetFixture target = GnmiTargetFixture.builder().devices("sim-a", "sim-b").encodings("JSON_IETF")
                .jsonContainer().startMs(T0).samples(3).stepMs(STEP).launch();
             Collector c = TestCollector.start(TestCollector.v1(influx.url()) + """
                     teleflux.gnmi {
                       defaults { tls.enabled = false, sample-interval = 10s }
                       targets = [ { name = json-a, address = "%1$s", target = "sim-a" }
                                   { name = json-b, address = "%1$s", target = "sim-b" } ]
                     }
                     """.formatted(target.address()))) {
            assertInterface("json-a", 0, 0, 3);
            assertInterface("json-b", 1, 0, 3);
            assertInterface("json-b", 1, 1, 3);
            assertThat(target.subscribeRequests()).hasSize(2)
                    .allSatisfy(s -> assertThat(s).contains("\"encoding\": \"JSON_IETF\""))
                    .anySatisfy(s -> assertThat(s).contains("\"target\": \"sim-a\""))
                    .anySatisfy(s -> assertThat(s).contains("\"target\": \"sim-b\""));
            Series dev = influx.query("telemetry", "SELECT cpu_pct FROM device WHERE device = 'json-b' AND component = 'CPU0'")
                    .single();
            assertThat(dbl(dev.value(0, "cpu_pct"))).isEqualTo(21.0);
            assertThat(c.metrics().sum("teleflux_gnmi_errors_total")).isZero();
        }
    }

    @Test
    void aTargetThatRefusesOnChangeIsSampledInsteadAndUserPathsAreStored() throws Exception {
        try (GnmiTargetFixture target = GnmiTargetFixture.builder().devices("py-sampled").noOnChange().startMs(T0)
                .samples(3).stepMs(STEP).launch();
             Collector c = TestCollector.start(TestCollector.v1(influx.url()) + """
                     teleflux.gnmi {
                       redial { initial-delay = 100ms, max-delay = 200ms }
                       targets = [ { name = sampled, address = "%s", tls.enabled = false,
                                     subscriptions = [ "/interfaces/interface[name=Ethernet1/1]/state/counters",
                                                       "/interfaces/interface/state/oper-status",
                                                       "/components/component/state" ] } ]
                     }
                     """.formatted(target.address()))) {
            Series s = interfaceRows("sampled", iface(0), 3);
            assertThat(s.size()).isEqualTo(3);
            for (int k = 0; k < 3; k++) {
                assertThat(num(s.row(k).get("oper_status"))).as("sampled: in every sample").isEqualTo(1);
            }
            assertThat(influx.query("telemetry", "SELECT in_octets FROM interface WHERE device = 'sampled' "
                    + "AND interface = 'Ethernet1/2'").series()).isEmpty(); // its counters were not asked for
            List<String> subs = target.subscribeRequests();
            assertThat(subs).hasSize(2);
            assertThat(subs.get(0)).contains("ON_CHANGE");
            assertThat(subs.get(1)).doesNotContain("ON_CHANGE");
            assertThat(c.metrics().value("teleflux_gnmi_errors_total", "device", "sampled", "reason", "rejected")).isEqualTo(1);
            assertThat(c.metrics().value("teleflux_gnmi_reconnects_total", "device", "sampled")).isEqualTo(1);
            // /components/component/state/memory is below the subscribed container: still a device point
            Series dev = influx.query("telemetry", "SELECT mem_used_pct FROM device WHERE device = 'sampled'").single();
            assertThat(dbl(dev.value(0, "mem_used_pct"))).isEqualTo(25.0);
        }
    }
}
