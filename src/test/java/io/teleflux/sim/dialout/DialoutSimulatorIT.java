package io.teleflux.sim.dialout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.teleflux.config.HostPort;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.FlowCounters;
import io.teleflux.sim.InterfaceSample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The simulator against a real gRPC server on loopback. Waits poll generously; nothing asserts timing. */
class DialoutSimulatorIT {
    static final long T = 1_750_006_400_123L;
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deliversExactCountersRedialsAfterTheCollectorRestartsAndEndsCleanly() throws Exception {
        CounterModel model = new CounterModel(11, 48, "sim-");
        H3cJsonWriter writer = new H3cJsonWriter(model);
        DialoutRecorder first = DialoutRecorder.start(0);
        int port = first.port();
        DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", port), 5);
        try (first; DialoutSimulator sim = new DialoutSimulator(model, settings)) {
            SentLog sent = sim.recordSent();
            sim.start();
            assertThat(sim.awaitConnected(5, PATIENCE)).isTrue();
            SampleReport r1 = sim.sendSample(T).get(60, TimeUnit.SECONDS);
            assertThat(r1.sent() + r1.queued()).isEqualTo(25);
            assertThat(r1.dropped()).isZero();
            assertThat(sim.awaitDrained(PATIENCE)).isTrue();
            await("25 messages at the first collector", () -> first.messages.size() == 25);
            assertExactSample(first.messages.stream().toList(), model, writer, T);
            assertThat(first.streamsOpened.get()).isEqualTo(5);

            // the collector goes away: every stream fails, and what the devices produce meanwhile is lost
            first.close();
            await("every device to notice", () -> sim.connectedDevices() == 0);
            SampleReport lost = sim.sendSample(T + 5_000).get(60, TimeUnit.SECONDS);
            assertThat(lost).isEqualTo(new SampleReport(0, 0, 25));
            assertThat(sim.stats().streamFailures()).isGreaterThanOrEqualTo(5);

            // a new collector on the same port: devices redial by themselves and deliver again
            try (DialoutRecorder second = DialoutRecorder.start(port)) {
                assertThat(sim.awaitConnected(5, PATIENCE)).isTrue();
                long t3 = T + 10_000;
                SampleReport r3 = sim.sendSample(t3).get(60, TimeUnit.SECONDS);
                assertThat(r3.sent() + r3.queued()).isEqualTo(25);
                assertThat(sim.awaitDrained(PATIENCE)).isTrue();
                await("25 messages at the second collector", () -> second.messages.size() == 25);
                assertExactSample(second.messages.stream().toList(), model, writer, t3);

                DialoutStats stats = sim.stats();
                assertThat(stats.reconnects()).isEqualTo(5);
                assertThat(stats.messagesSent()).isEqualTo(50);
                assertThat(stats.messagesDropped()).isEqualTo(25);
                assertThat(stats.pointsSent()).isEqualTo(2 * 5 * (48 + 48 + 3));
                // the sent-log holds what was handed to live streams: not the sample dropped while down
                for (int d = 0; d < 5; d++) {
                    assertThat(sent.times(d)).containsExactly(T, t3);
                }
                assertThat(sent.points()).isEqualTo(2 * 5 * 48);
                assertThat(sent.series()).hasSize(5 * 48)
                        .containsEntry(new SentLog.Series("sim-0002", model.iface(1, 3).name()), new long[] {T, t3});

                sim.close();
                await("every stream to end with onCompleted", () -> second.streamsCompleted.get() == 5);
                assertThat(second.completedDevices).containsExactlyInAnyOrder(
                        "sim-0001", "sim-0002", "sim-0003", "sim-0004", "sim-0005");
                assertThat(second.streamsFailed.get()).isZero();
                assertThat(second.messages).hasSize(25);
                assertThat(sim.connectedDevices()).isZero();
            }
        }
    }

    /** Each device sent each path once, with exactly the model's values at {@code t}. */
    private static void assertExactSample(List<DialoutMsg> msgs, CounterModel model, H3cJsonWriter writer, long t)
            throws Exception {
        Map<String, Integer> perDevicePath = new HashMap<>();
        for (DialoutMsg m : msgs) {
            String name = m.getDeviceMsg().getDeviceName();
            int d = model.deviceIndex(name);
            assertThat(d).as(name).isBetween(0, 4);
            assertThat(m.getDeviceMsg().getProducerName()).isEqualTo("H3C");
            assertThat(m.getDeviceMsg().getDeviceModel()).isEqualTo(model.device(d).model());
            assertThat(m.getDeviceMsg().getDeviceIpAddr()).isEqualTo(model.device(d).ipAddress());
            assertThat(m.hasChunkMsg()).isFalse();
            perDevicePath.merge(name + " " + m.getSensorPath(), 1, Integer::sum);
            SensorPath path = SensorPath.parse(m.getSensorPath());
            assertThat(m.getJsonData()).isEqualTo(writer.json(path, d, t));
            if (path == SensorPath.IFMGR_STATISTICS) {
                JsonNode rows = JSON.readTree(m.getJsonData()).at("/Notification/Ifmgr/Statistics/Interface");
                assertThat(rows.size()).isEqualTo(48);
                for (int p = 0; p < 48; p++) {
                    InterfaceSample s = model.sample(d, p, t);
                    FlowCounters in = s.in();
                    FlowCounters out = s.out();
                    JsonNode row = rows.get(p);
                    assertThat(row.get("Name").asText()).isEqualTo(s.iface().name());
                    assertThat(row.get("InOctets").asLong()).isEqualTo(in.octets());
                    assertThat(row.get("OutOctets").asLong()).isEqualTo(out.octets());
                    assertThat(row.get("InPkts").asLong()).isEqualTo(in.packets());
                    assertThat(row.get("OutUcastPkts").asLong()).isEqualTo(out.unicast());
                    assertThat(row.get("InNUcastPkts").asLong()).isEqualTo(in.nonUnicast());
                    assertThat(row.get("OutDiscards").asLong()).isEqualTo(out.discards());
                }
            }
        }
        assertThat(perDevicePath).hasSize(25).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
    }

    @Test
    void aStalledStreamDropsOnlyItsOwnSamplesAndDeliversTheRestWhenReadAgain() throws Exception {
        CounterModel model = new CounterModel(5, 48, "sim-");
        int samples = 80;
        try (DialoutRecorder rec = DialoutRecorder.stalling(Set.of("sim-0002"));
             DialoutSimulator sim = new DialoutSimulator(model, DialoutSettings.defaults(
                     new HostPort("127.0.0.1", rec.port()), 4).withPaths(Set.of(SensorPath.IFMGR_STATISTICS)))) {
            sim.start();
            assertThat(sim.awaitConnected(4, PATIENCE)).isTrue();
            List<String> others = List.of("sim-0001", "sim-0003", "sim-0004");
            int dropped = 0;
            for (int k = 0; k < samples; k++) {
                // completes even though one device cannot send: it never blocks the others
                SampleReport r = sim.sendSample(T + k * 5_000L).get(60, TimeUnit.SECONDS);
                assertThat(r.sent() + r.queued() + r.dropped()).isEqualTo(4);
                dropped += r.dropped();
                // the healthy devices deliver each sample before the next is due, as with real intervals
                int delivered = k + 1;
                await("sample " + k + " from the healthy devices",
                        () -> others.stream().allMatch(o -> rec.count(o, "Ifmgr/Statistics") == delivered));
            }
            for (String other : others) {
                assertThat(sim.deviceStats(model.deviceIndex(other)).messagesDropped()).isZero();
            }
            assertThat(rec.isStalled("sim-0002")).isTrue();
            DeviceStats stalled = sim.deviceStats(1);
            assertThat(stalled.connected()).isTrue();
            assertThat(stalled.messagesDropped()).as("a full backlog drops, as a device would").isPositive();
            assertThat(stalled.backlog()).isEqualTo(DialoutSettings.DEFAULT_BACKLOG_MESSAGES);
            assertThat(stalled.messagesSent() + stalled.messagesDropped() + stalled.backlog()).isEqualTo(samples);
            assertThat(sim.stats().messagesDropped()).isEqualTo(stalled.messagesDropped()).isEqualTo(dropped);

            rec.release("sim-0002");
            await("the stalled device to drain", () -> sim.deviceStats(1).backlog() == 0
                    && rec.count("sim-0002", "Ifmgr/Statistics") == sim.deviceStats(1).messagesSent());
            DeviceStats after = sim.deviceStats(1);
            assertThat(after.messagesSent() + after.messagesDropped()).isEqualTo(samples);
            // what arrived is in order and exact: the oldest samples, then none of the dropped ones
            List<DialoutMsg> got = rec.of("sim-0002");
            H3cJsonWriter writer = new H3cJsonWriter(model);
            for (int k = 0; k < got.size(); k++) {
                assertThat(got.get(k).getJsonData()).isEqualTo(writer.json(SensorPath.IFMGR_STATISTICS, 1, T + k * 5_000L));
            }
        }
    }

    @Test
    void devicesRedialUntilACollectorAppears() throws Exception {
        int port;
        try (DialoutRecorder probe = DialoutRecorder.start(0)) {
            port = probe.port(); // a free port, closed again before the simulator starts
        }
        CounterModel model = new CounterModel(1, 4, "sim-");
        DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", port), 2)
                .withRedial(Duration.ofMillis(100), Duration.ofMillis(400));
        try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
            sim.start();
            await("failed dials", () -> sim.stats().streamFailures() >= 4);
            assertThat(sim.sendSample(T).get(60, TimeUnit.SECONDS)).isEqualTo(new SampleReport(0, 0, 10));
            try (DialoutRecorder rec = DialoutRecorder.start(port)) {
                assertThat(sim.awaitConnected(2, PATIENCE)).isTrue();
                assertThat(sim.stats().reconnects()).as("first connections are not reconnects").isZero();
                SampleReport r = sim.sendSample(T + 5_000).get(60, TimeUnit.SECONDS);
                assertThat(r.sent() + r.queued()).isEqualTo(10);
                await("10 messages", () -> rec.messages.size() == 10);
            }
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what + " after " + PATIENCE);
            }
            Thread.sleep(20);
        }
    }
}
