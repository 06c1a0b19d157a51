package io.teleflux;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.ProcessStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 2,000 simulated devices, each on its own TCP connection and stream, held against the packaged
 * collector running as a separate process with a capped heap ({@code -Xmx256m}), writing to a real
 * influxd. Every device's points must arrive (per-device count in InfluxDB = what the simulator
 * sent) and the collector's heap must stay within the documented bound.
 *
 * <p>How long the devices are held is {@code -Dteleflux.manystreams.duration} (default and CI:
 * 120s; it costs about three minutes of CI time). Heap is read from the collector with
 * {@code jcmd GC.heap_info} every 5 s, and after a full GC at the end (the live set); RSS from
 * {@code /proc/<pid>/status}. The figures are printed; only bounds are asserted, never timings.
 */
class ManyStreamsIT {
    static final int DEVICES = 2_000;
    static final int INTERFACES = 4;
    static final String XMX = "256m";
    /** The documented bound on the live heap for this load (docs/security.md, "Limits against hostile input"). */
    static final long LIVE_HEAP_BOUND = 128L << 20;
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path dir;

    @Test
    void twoThousandDevicesForTwoMinutes() throws Exception {
        Duration hold = Duration.parse("PT" + System.getProperty("teleflux.manystreams.duration", "120s").toUpperCase());
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            int grpc = FreePorts.next();
            int http = FreePorts.next();
            Path conf = Files.writeString(dir.resolve("teleflux.conf"), """
                    teleflux {
                      instance = many-streams
                      dialout.listen = "127.0.0.1:%d"
                      # every simulated device dials from 127.0.0.1: one peer address for the whole fleet
                      dialout.limits { max-streams-per-peer = 100000, max-device-labels-per-peer = 100000 }
                      http.listen = "127.0.0.1:%d"
                      influx { api = v1, url = "%s", database = telemetry, flush-interval = 500ms }
                    }
                    """.formatted(grpc, http, influx.url()));
            Path log = dir.resolve("collector.log");
            Process collector = new ProcessBuilder(JAVA, "-Xmx" + XMX, "-jar", CliIT.JAR.toString(), "run", "--config",
                    conf.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            List<Long> heapUsed = new ArrayList<>();
            try {
                assertThat(TestCollector.await(60, () -> CliIT.status(java.net.http.HttpClient.newHttpClient(),
                        "http://127.0.0.1:" + http + "/health") == 200)).as(CliIT.read(log)).isTrue();
                sampler.scheduleAtFixedRate(() -> {
                    long used = ProcessStats.heapUsedKb(collector.pid());
                    if (used >= 0) {
                        synchronized (heapUsed) {
                            heapUsed.add(used);
                        }
                    }
                }, 0, 5, TimeUnit.SECONDS);

                CounterModel model = new CounterModel(7, INTERFACES, "many-");
                DialoutSettings settings = DialoutSettings.defaults(new HostPort("127.0.0.1", grpc), DEVICES)
                        .withPaths(Set.of(SensorPath.IFMGR_STATISTICS));
                DialoutStats end;
                long[] sent = new long[DEVICES];
                try (DialoutSimulator sim = new DialoutSimulator(model, settings)) {
                    sim.start();
                    assertThat(sim.awaitConnected(DEVICES, Duration.ofMinutes(3))).as("all devices connected; collector log:%n%s",
                            CliIT.read(log)).isTrue();
                    sim.startClock();
                    Thread.sleep(hold.toMillis());
                    assertThat(sim.connectedDevices()).as("still connected at the end").isEqualTo(DEVICES);
                    // a sample racing with close() is dropped on the device side by design: count drops before it
                    assertThat(sim.stats().messagesDropped()).as("device-side drops while connected").isZero();
                    sim.close(); // half-closes every stream after its last message
                    end = sim.stats();
                    for (int d = 0; d < DEVICES; d++) {
                        sent[d] = sim.deviceStats(d).messagesSent();
                    }
                }
                System.out.println("ManyStreamsIT: simulator " + end);
                assertThat(end.streamFailures()).as("streams that failed").isZero();
                assertThat(end.pointsSent()).isEqualTo(end.messagesSent() * INTERFACES);

                Map<String, Long> expected = new HashMap<>();
                for (int d = 0; d < DEVICES; d++) {
                    assertThat(sent[d]).as("device %d sent samples", d).isGreaterThan(0);
                    expected.put(model.deviceName(d), sent[d] * INTERFACES);
                }
                Map<String, Long>[] stored = new Map[1];
                boolean all = TestCollector.await(120, () -> {
                    stored[0] = perDevice(influx);
                    return stored[0].equals(expected);
                });
                assertThat(stored[0]).as("per-device point counts in InfluxDB").isEqualTo(expected);
                assertThat(all).isTrue();

                long liveKb = ProcessStats.liveHeapKb(collector.pid());
                long[] rss = ProcessStats.rssKb(collector.pid());
                long maxUsed;
                synchronized (heapUsed) {
                    maxUsed = heapUsed.stream().mapToLong(Long::longValue).max().orElse(-1);
                }
                System.out.printf("ManyStreamsIT: %d devices x %d interfaces for %s: heap used max %d MiB (of -Xmx%s, %d samples),"
                                + " live heap after full GC %d MiB, RSS %d MiB (peak %d MiB)%n", DEVICES, INTERFACES, hold,
                        maxUsed >> 10, XMX, heapUsed.size(), liveKb >> 10, rss[0] >> 10, rss[1] >> 10);
                assertThat(collector.isAlive()).as("collector survived; log:%n%s", CliIT.read(log)).isTrue();
                assertThat(CliIT.read(log)).doesNotContain("OutOfMemoryError");
                assertThat(heapUsed).as("heap samples").isNotEmpty();
                assertThat(liveKb).as("live heap (KiB) within the documented bound").isPositive()
                        .isLessThan(LIVE_HEAP_BOUND >> 10);
            } finally {
                sampler.shutdownNow();
                collector.destroy();
                if (!collector.waitFor(60, TimeUnit.SECONDS)) {
                    collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    static Map<String, Long> perDevice(InfluxdFixture influx) {
        Map<String, Long> out = new HashMap<>();
        InfluxQueryResult r = influx.query("telemetry",
                "SELECT count(in_octets) FROM interface WHERE source = 'telemetry' GROUP BY device");
        for (InfluxQueryResult.Series s : r.series()) {
            out.put(s.tags().get("device"), ((Number) s.value(0, "count")).longValue());
        }
        return out;
    }
}
