package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.Direction;
import io.teleflux.sim.InterfaceProfile;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * End to end through the v1 API: simulated H3C devices dial out to a real collector, which writes
 * to a real influxd 1.6.7; InfluxQL then must return exactly what the devices sent, and the rates
 * their counters imply.
 */
class DialoutToInfluxV1IT {
    static final int DEVICES = 2;
    static final int IFACES = 6;
    static InfluxdFixture influx;
    static Collector collector;
    static DialoutSimulator sim;
    static CounterModel model;
    /** Sample instants: 4 samples 5 s apart, a minute in the past; device 0 reboots between the 2nd and 3rd. */
    static long t0;
    static final long STEP = 5_000;

    @BeforeAll
    static void run() throws Exception {
        influx = InfluxdFixture.launch();
        collector = TestCollector.start(TestCollector.v1(influx.url()));
        model = new CounterModel(42, IFACES, "e2e-");
        sim = new DialoutSimulator(model, DialoutSettings.defaults(new HostPort("127.0.0.1", collector.dialoutPort()), DEVICES));
        sim.start();
        assertThat(sim.awaitConnected(DEVICES, Duration.ofSeconds(60))).isTrue();
        t0 = (System.currentTimeMillis() / STEP) * STEP - 60_000;
        sim.sendSample(t0).get(60, TimeUnit.SECONDS);
        sim.sendSample(t0 + STEP).get(60, TimeUnit.SECONDS);
        sim.reboot(0, t0 + STEP + 2_000);
        sim.sendSample(t0 + 2 * STEP).get(60, TimeUnit.SECONDS);
        sim.sendSample(t0 + 3 * STEP).get(60, TimeUnit.SECONDS);
        assertThat(sim.awaitDrained(Duration.ofSeconds(60))).isTrue();
        long expected = (long) DEVICES * IFACES * 4;
        boolean all = TestCollector.await(60, () -> count("SELECT count(in_octets) FROM interface") >= expected);
        assertThat(all).as("all %d interface samples stored", expected).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (influx != null) {
            influx.close();
        }
    }

    static long count(String q) {
        InfluxQueryResult r = influx.query("telemetry", q);
        if (r.isEmpty()) {
            return 0;
        }
        return ((Number) r.single().value(0, r.single().columns().get(1))).longValue();
    }

    static List<Map<String, Object>> rows(int device, int position) {
        String q = "SELECT * FROM interface WHERE device = '" + model.deviceName(device) + "' AND interface = '"
                + model.iface(device, position).name().replace("'", "\\'") + "' AND source = 'telemetry' ORDER BY time";
        return influx.query("telemetry", q).single().rows();
    }

    @Test
    void countersAreExactlyWhatTheDeviceSent() {
        for (int d = 0; d < DEVICES; d++) {
            for (int p = 0; p < IFACES; p++) {
                List<Map<String, Object>> rows = rows(d, p);
                List<Map<String, Object>> samples = rows.stream().filter(r -> r.get("in_octets") != null).toList();
                assertThat(samples).hasSize(4);
                for (int i = 0; i < 4; i++) {
                    long t = t0 + i * STEP;
                    var s = model.sample(d, p, t);
                    Map<String, Object> row = samples.get(i);
                    assertThat(((Number) row.get("time")).longValue()).isEqualTo(t);
                    assertThat(((Number) row.get("in_octets")).longValue()).isEqualTo(s.in().octets());
                    assertThat(((Number) row.get("out_octets")).longValue()).isEqualTo(s.out().octets());
                    assertThat(((Number) row.get("in_pkts")).longValue()).isEqualTo(s.in().packets());
                    assertThat(((Number) row.get("out_ucast_pkts")).longValue()).isEqualTo(s.out().unicast());
                    assertThat(((Number) row.get("in_errors")).longValue()).isEqualTo(s.in().errors());
                    assertThat(((Number) row.get("out_discards")).longValue()).isEqualTo(s.out().discards());
                    assertThat(((Number) row.get("ifindex")).longValue()).isEqualTo(model.iface(d, p).ifIndex());
                }
            }
        }
    }

    @Test
    void ratesAreDeltaOverDeviceTimeAndUtilisationUsesTheSpeed() {
        int d = 1; // never rebooted
        for (int p = 0; p < IFACES; p++) {
            InterfaceProfile iface = model.iface(d, p);
            List<Map<String, Object>> samples = rows(d, p).stream().filter(r -> r.get("in_octets") != null).toList();
            assertThat(samples.get(0).get("in_bps")).as("no rate on the first sample").isNull();
            for (int i = 1; i < 4; i++) {
                long t = t0 + i * STEP;
                double inBps = (model.octets(d, p, Direction.IN, t) - model.octets(d, p, Direction.IN, t - STEP)) * 8 / 5.0;
                double outBps = (model.octets(d, p, Direction.OUT, t) - model.octets(d, p, Direction.OUT, t - STEP)) * 8 / 5.0;
                Map<String, Object> row = samples.get(i);
                assertThat(((Number) row.get("in_bps")).doubleValue()).isCloseTo(inBps, within(1e-6 * Math.max(1, inBps)));
                assertThat(((Number) row.get("out_bps")).doubleValue()).isCloseTo(outBps, within(1e-6 * Math.max(1, outBps)));
                double inPps = (model.counters(d, p, Direction.IN, t).packets()
                        - model.counters(d, p, Direction.IN, t - STEP).packets()) / 5.0;
                assertThat(((Number) row.get("in_pps")).doubleValue()).isCloseTo(inPps, within(1e-6 * Math.max(1, inPps)));
                // Ifmgr/Interfaces came at stream start, so the speed is known for every later sample;
                // like every rate, it is rounded to 7 significant digits
                double inUtil = inBps / iface.speedBps() * 100;
                assertThat(((Number) row.get("in_util_pct")).doubleValue()).isCloseTo(inUtil, within(1e-6 * Math.max(1, inUtil)));
            }
        }
    }

    @Test
    void noRateAfterAReset() {
        int d = 0;
        int p = 0; // the burst port: always carrying traffic, so the reboot really lowers the counters
        List<Map<String, Object>> samples = rows(d, p).stream().filter(r -> r.get("in_octets") != null).toList();
        assertThat(samples.get(1).get("in_bps")).isNotNull();
        assertThat(((Number) samples.get(2).get("in_octets")).longValue())
                .isLessThan(((Number) samples.get(1).get("in_octets")).longValue());
        assertThat(samples.get(2).get("in_bps")).as("the sample after the reboot has no rate").isNull();
        assertThat(samples.get(2).get("out_bps")).isNull();
        double expected = (model.octets(d, p, Direction.IN, t0 + 3 * STEP) - model.octets(d, p, Direction.IN, t0 + 2 * STEP)) * 8 / 5.0;
        assertThat(((Number) samples.get(3).get("in_bps")).doubleValue()).isCloseTo(expected, within(1e-6 * expected));
        for (Map<String, Object> r : rows(d, p)) {
            if (r.get("in_bps") != null) {
                assertThat(((Number) r.get("in_bps")).doubleValue()).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void interfaceStateAndDevicePointsAreStored() {
        InterfaceProfile iface = model.iface(1, 0);
        InfluxQueryResult r = influx.query("telemetry", "SELECT speed_bps, oper_status, admin_status FROM interface WHERE device = '"
                + model.deviceName(1) + "' AND interface = '" + iface.name() + "' AND speed_bps > 0");
        assertThat(r.single().value(0, "speed_bps")).isEqualTo(iface.speedBps());
        assertThat(((Number) r.single().value(0, "oper_status")).longValue()).isEqualTo(iface.operStatus());

        InfluxQueryResult dev = influx.query("telemetry",
                "SELECT last(device_ip) AS ip, last(model) AS model FROM device WHERE device = '" + model.deviceName(1) + "'");
        assertThat(dev.single().value(0, "ip")).isEqualTo("127.0.0.1");
        assertThat((String) dev.single().value(0, "model")).isNotEmpty();
        InfluxQueryResult cpu = influx.query("telemetry",
                "SELECT count(cpu_pct) FROM device WHERE device = '" + model.deviceName(1) + "'");
        assertThat(((Number) cpu.single().value(0, "count")).longValue()).isGreaterThan(0);
    }

    @Test
    void collectorCountsItselfIntoTheTelefluxMeasurement() throws Exception {
        boolean seen = TestCollector.await(30, () -> count(
                "SELECT last(points_written_total) FROM teleflux WHERE instance = 'it'") > 0);
        assertThat(seen).isTrue();
        assertThat(collector.metrics().value("teleflux_dialout_messages_total", "device", model.deviceName(0)))
                .isGreaterThanOrEqualTo(4);
        assertThat(collector.metrics().sum("teleflux_decode_errors_total")).isZero();
        assertThat(collector.metrics().sum("teleflux_points_dropped_total")).isZero();
    }
}
