package io.teleflux.live;

import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LiveHubTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final Metrics metrics = new Metrics();

    LiveHub hub(int maxClients, int buffer, Duration history) {
        return hub(maxClients, buffer, history, 1_000_000);
    }

    LiveHub hub(int maxClients, int buffer, Duration history, int maxSeries) {
        return new LiveHub(new LiveConfig(true, maxClients, buffer, history, 20), metrics, now::get, 600_000, source -> 5_000, maxSeries);
    }

    static Point rate(String device, String iface, String source, long t, double in, double out, Double inUtil, Double outUtil) {
        Point.Builder b = Point.builder(Schema.INTERFACE).tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_INTERFACE, iface)
                .tag(Schema.TAG_SOURCE, source).field(Schema.IN_OCTETS, 1L).field(Schema.IN_BPS, in).field(Schema.OUT_BPS, out)
                .field(Schema.IN_PPS, in / 1000).field(Schema.OUT_PPS, out / 1000).time(t);
        if (inUtil != null) {
            b.field(Schema.IN_UTIL_PCT, inUtil).field(Schema.OUT_UTIL_PCT, outUtil);
        }
        return b.build();
    }

    @Test
    void theRingKeepsTheHistoryWindowAndNoMore() {
        LiveHub hub = hub(4, 64, Duration.ofSeconds(60));
        for (int i = 0; i < 1_000; i++) {
            hub.record(rate("d", "if1", "telemetry", 10_000L + i * 1_000L, i, 2.0 * i, null, null));
        }
        Series s = hub.series("d", "telemetry", "if1");
        assertThat(s.historySize()).isEqualTo(61); // 60 s back from the newest, both ends included
        assertThat(s.capacity()).isLessThanOrEqualTo(61);
        long[] t = new long[s.historySize()];
        float[] in = new float[t.length];
        float[] out = new float[t.length];
        s.history(t, in, out);
        assertThat(t[0]).isEqualTo(10_000L + 939_000L);
        assertThat(t[t.length - 1]).isEqualTo(10_000L + 999_000L);
        assertThat(in[t.length - 1]).isEqualTo(999f);
        assertThat(out[0]).isEqualTo(2f * 939);
        assertThat(s.inBps).isEqualTo(999.0);

        // a fast series: the ring stops at one slot a second of window, the oldest go first
        for (int i = 0; i < 1_000; i++) {
            hub.record(rate("d", "if2", "telemetry", 10_000L + i * 100L, i, i, null, null));
        }
        Series fast = hub.series("d", "telemetry", "if2");
        assertThat(fast.capacity()).isEqualTo(61);
        assertThat(fast.historySize()).isEqualTo(61);
    }

    @Test
    void aTimestampThatDoesNotMoveForwardUpdatesLatestButNotHistory() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        hub.record(rate("d", "if1", "snmp", 20_000, 1, 1, null, null));
        hub.record(rate("d", "if1", "snmp", 15_000, 2, 2, null, null));
        Series s = hub.series("d", "snmp", "if1");
        assertThat(s.historySize()).isEqualTo(1);
        assertThat(s.t).isEqualTo(20_000);
    }

    @Test
    void fleetByUtilisationLeavesOutUnknownSpeedsAndBreaksTiesByName() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        long t = now.get();
        hub.record(rate("b", "if1", "telemetry", t, 9e9, 1e9, 90.0, 10.0));
        hub.record(rate("a", "if2", "telemetry", t, 1e9, 5e9, 10.0, 50.0));
        hub.record(rate("a", "if1", "telemetry", t, 5e8, 5e9, 5.0, 50.0)); // tie with a/if2: if1 first
        hub.record(rate("c", "if1", "snmp", t, 99e9, 99e9, null, null));  // fastest, but no speed
        hub.record(rate("c", "if2", "snmp", t, 1, 1, 0.0, 0.0));

        LiveHub.Ranking util = hub.top(Client.Rank.UTIL, 3, now.get());
        assertThat(util.rows()).extracting(r -> r.device() + "/" + r.iface()).containsExactly("b/if1", "a/if1", "a/if2");
        assertThat(util.rows().get(0).util()).isEqualTo(90.0);
        assertThat(util.unknownSpeed()).isEqualTo(1);

        LiveHub.Ranking bps = hub.top(Client.Rank.BPS, 10, now.get());
        assertThat(bps.rows()).extracting(r -> r.device() + "/" + r.iface())
                .containsExactly("c/if1", "b/if1", "a/if1", "a/if2", "c/if2");
        assertThat(bps.rows().get(0).util()).isNaN();
    }

    @Test
    void staleAfterTwoAndAHalfIntervalsOrIntervalPlusTwoSeconds() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        hub.record(rate("d", "fast", "telemetry", 0, 1, 1, null, null));
        hub.record(rate("d", "fast", "telemetry", 1_000, 1, 1, null, null)); // observed: 1 s
        hub.record(rate("d", "slow", "snmp", 0, 1, 1, null, null));          // one sample: the declared 5 s
        Series fast = hub.series("d", "telemetry", "fast");
        Series slow = hub.series("d", "snmp", "slow");
        long t0 = now.get();
        assertThat(hub.stale(fast, t0 + 3_000)).isFalse(); // max(2.5 s, 1 s + 2 s) = 3 s
        assertThat(hub.stale(fast, t0 + 3_001)).isTrue();
        assertThat(hub.stale(slow, t0 + 12_500)).isFalse(); // max(12.5 s, 7 s)
        assertThat(hub.stale(slow, t0 + 12_501)).isTrue();

        now.set(t0 + 5_000);
        assertThat(hub.status("d", now.get())).contains("\"device_stale\":false")
                .contains("{\"interface\":\"fast\",\"source\":\"telemetry\"}").doesNotContain("\"slow\"");
        now.set(t0 + 20_000);
        assertThat(hub.status("d", now.get())).contains("\"device_stale\":true");
        // stale series leave the fleet table: their last rate is not the traffic any more
        assertThat(hub.top(Client.Rank.BPS, 10, now.get()).rows()).isEmpty();
        assertThat(hub.status("unknown", now.get())).contains("\"device_stale\":true");
    }

    @Test
    void aClientWhoseQueueIsFullIsDroppedAndCountedWithoutHoldingUpIngest() throws Exception {
        LiveHub hub = hub(4, 16, Duration.ofMinutes(5));
        CountDownLatch writing = new CountDownLatch(1);
        OutputStream stalled = new OutputStream() { // a peer that stopped reading: every write blocks until interrupted
            @Override
            public void write(int b) {
                writing.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.UncheckedIOException(new java.io.InterruptedIOException());
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                write(0);
            }
        };
        boolean[] ended = {false};
        Client c = hub.open("d", 0, Client.Rank.UTIL, () -> stalled, () -> ended[0] = true);
        assertThat(c).isNotNull();
        writing.await();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            hub.record(rate("d", "if1", "telemetry", i * 1_000L, i, i, null, null));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(c.isClosed()).isTrue();
        assertThat(metrics.value(LiveMetrics.LIVE_CLIENTS_DROPPED_TOTAL, "reason", "slow")).isEqualTo(1.0);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (hub.clientCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hub.clientCount()).as("the writer thread ended").isZero();
        assertThat(ended[0]).isTrue();
        assertThat(hub.series("d", "telemetry", "if1").inBps).isEqualTo(199.0);
    }

    @Test
    void moreThanMaxClientsAreRefusedAndCounted() throws Exception {
        LiveHub hub = hub(2, 16, Duration.ofMinutes(5));
        io.teleflux.testsupport.LogCapture logs = io.teleflux.testsupport.LogCapture.of(LiveHub.class);
        assertThat(hub.open(null, 5, Client.Rank.BPS, ByteArrayOutputStream::new, () -> { })).isNotNull();
        assertThat(hub.open("x", 0, Client.Rank.UTIL, ByteArrayOutputStream::new, () -> { })).isNotNull();
        boolean[] opened = {false};
        assertThat(hub.open("y", 0, Client.Rank.UTIL, () -> {
            opened[0] = true;
            return new ByteArrayOutputStream();
        }, () -> { })).isNull();
        assertThat(opened[0]).as("a refused stream gets no 200").isFalse();
        assertThat(hub.open("z", 0, Client.Rank.UTIL, ByteArrayOutputStream::new, () -> { })).isNull();
        assertThat(metrics.value(LiveMetrics.LIVE_CLIENTS_REFUSED_TOTAL)).isEqualTo(2.0);
        assertThat(metrics.value(LiveMetrics.LIVE_CLIENTS)).isEqualTo(2.0);
        assertThat(logs.containing("teleflux.live.max-clients")).as("logged once a minute, not per refusal").hasSize(1);
        logs.close();
        hub.closeAll();
    }

    @Test
    void aWatcherGetsTheSnapshotFirstThenSamples() throws Exception {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        hub.record(rate("d", "if1", "telemetry", 1_000, 8e6, 4e6, 0.8, 0.4));
        java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 16);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
        Client c = hub.open("d", 0, Client.Rank.UTIL, () -> out, () -> { });
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("retry: 2000");
        assertThat(r.readLine()).isEmpty();
        assertThat(r.readLine()).isEqualTo("event: snapshot");
        assertThat(r.readLine()).startsWith("data: {\"device\":\"d\"").contains("\"in_bps\":8000000.0")
                .contains("\"history\":{\"t\":[1000],\"in_bps\":[8000000.0],\"out_bps\":[4000000.0]}");
        hub.record(rate("d", "if1", "telemetry", 2_000, 0.1 + 0.2, 4e6, 0.8, 0.4));
        assertThat(r.readLine()).isEmpty();
        assertThat(r.readLine()).isEqualTo("event: sample");
        assertThat(r.readLine()).isEqualTo("data: {\"interface\":\"if1\",\"source\":\"telemetry\",\"t\":2000,"
                + "\"in_bps\":0.30000000000000004,\"out_bps\":4000000.0,\"in_pps\":" + (0.1 + 0.2) / 1000 + ",\"out_pps\":4000.0,"
                + "\"in_util_pct\":0.8,\"out_util_pct\":0.4,\"speed_bps\":null}");
        hub.closeAll();
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    void idleSeriesAreForgotten() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        hub.record(rate("d", "old", "telemetry", 0, 1, 1, null, null));
        now.addAndGet(300_000);
        hub.record(rate("d", "new", "telemetry", 0, 1, 1, null, null));
        now.addAndGet(300_001); // "old" is now idle beyond 600 s
        hub.sweep();
        assertThat(hub.series("d", "telemetry", "old")).isNull();
        assertThat(hub.series("d", "telemetry", "new")).isNotNull();
        assertThat(metrics.value(LiveMetrics.LIVE_SERIES)).isEqualTo(1.0);
        now.addAndGet(600_000);
        hub.sweep();
        assertThat(hub.devicesJson("", 50)).isEqualTo("{\"total\":0,\"devices\":[]}");
    }

    @Test
    void aPeerInventingInterfacesCannotGrowTheViewBeyondMaxSeries() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5), 100);
        io.teleflux.testsupport.LogCapture logs = io.teleflux.testsupport.LogCapture.of(LiveHub.class);
        hub.record(rate("real", "if1", "telemetry", 0, 1, 1, null, null));
        for (int i = 0; i < 10_000; i++) {
            hub.record(rate("hostile", "junk" + i, "telemetry", 0, 1, 1, null, null));
        }
        assertThat(hub.seriesCount()).isEqualTo(100);
        assertThat(metrics.value(LiveMetrics.LIVE_SERIES_REFUSED_TOTAL)).isEqualTo(9_901.0);
        assertThat(logs.containing("teleflux.rate.max-series")).as("logged once a minute, not per series").hasSize(1);
        logs.close();

        // a series already held keeps updating at the cap
        hub.record(rate("real", "if1", "telemetry", 1_000, 5, 5, null, null));
        assertThat(hub.series("real", "telemetry", "if1").inBps).isEqualTo(5.0);

        // once the junk is idle and swept, new series are taken again
        now.addAndGet(600_001);
        hub.record(rate("real", "if1", "telemetry", 2_000, 6, 6, null, null));
        hub.sweep();
        hub.record(rate("real", "if2", "telemetry", 2_000, 7, 7, null, null));
        assertThat(hub.series("real", "telemetry", "if2")).isNotNull();
        assertThat(hub.seriesCount()).isEqualTo(2);
    }

    @Test
    void theDeviceListMatchesCaseInsensitivelyByNameWithALimit() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        for (String d : List.of("sw-B", "sw-a", "core-1")) {
            hub.record(rate(d, "if1", "telemetry", now.get(), 1, 1, null, null));
            hub.record(rate(d, "if1", "snmp", now.get(), 1, 1, null, null));
            hub.record(rate(d, "if2", "snmp", now.get(), 1, 1, null, null));
        }
        String json = hub.devicesJson("SW", 1);
        assertThat(json).startsWith("{\"total\":2,\"devices\":[{\"device\":\"sw-B\",\"interfaces\":2,"
                + "\"sources\":[\"snmp\",\"telemetry\"],\"last_ms\":" + now.get() + ",\"stale\":false}]}");
    }

    /**
     * The figure docs/live.md gives: heap per series at a 5 s interval with the default 5 min
     * window, measured over 96,000 series (2,000 devices x 48 interfaces).
     */
    @Test
    void memoryPerSeries() {
        LiveHub hub = hub(4, 64, Duration.ofMinutes(5));
        long before = usedAfterGc();
        for (int d = 0; d < 2_000; d++) {
            String device = ("sim-" + (10_000 + d)).intern();
            for (int i = 0; i < 48; i++) {
                String iface = ("GigabitEthernet1/0/" + i).intern();
                for (int k = 0; k < 61; k++) {
                    hub.record(rate(device, iface, "telemetry", k * 5_000L, k, k, 1.0, 1.0));
                }
            }
        }
        long after = usedAfterGc();
        long perSeries = (after - before) / 96_000;
        System.out.println("live view: " + perSeries + " bytes per series (5 s interval, 5 min history, 96,000 series; "
                + "names interned, so this is what the live view adds)");
        assertThat(hub.seriesCount()).isEqualTo(96_000);
        assertThat(perSeries).isBetween(200L, 4_000L);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
