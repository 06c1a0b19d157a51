package io.teleflux;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.teleflux.proto.h3c.ChunkInfo;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.ProcessStats;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The attacks of the hardening review, each at a size CI can afford, against one real collector
 * process with a 256 MiB heap writing to a real influxd 1.6.7. Each peer plays from its own loopback
 * address. Throughout, a well-behaved canary device streams a sample every 100 ms; after each attack
 * the collector must be healthy and the attack counted, and at the end every canary sample must be
 * in InfluxDB and the live heap small.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePeersIT {
    static final long LIVE_HEAP_BOUND_MIB = 128;
    static final int CHUNK_BUFFER = 8 << 20;
    static final int FRAGMENT = 512 << 10;
    static final int RECEIVE_BUFFER = 24 << 20;
    static final int PER_PEER = 50;
    static final int LABELS_PER_PEER = 100;
    static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 7_200_000;

    static InfluxdFixture influx;
    static Process collector;
    static Path dir;
    static Path log;
    static int grpc;
    static int http;
    static Canary canary;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        influx = InfluxdFixture.launch();
        dir = TempDirs.create("hostile-");
        grpc = FreePorts.next();
        http = FreePorts.next();
        Path conf = Files.writeString(dir.resolve("teleflux.conf"), """
                teleflux {
                  instance = hostile
                  dialout {
                    listen = "127.0.0.1:%d"
                    max-message-size = 8 MiB
                    chunk-timeout = 3s
                    limits {
                      max-streams-per-peer = %d
                      idle-timeout = 8s
                      handshake-timeout = 3s
                      chunk-buffer = %d
                      receive-buffer = %d
                      max-device-labels-per-peer = %d
                    }
                  }
                  http.listen = "127.0.0.1:%d"
                  influx { api = v1, url = "%s", database = telemetry, flush-interval = 200ms, spool.dir = "%s" }
                  selfmon.interval = 2s
                }
                """.formatted(grpc, PER_PEER, CHUNK_BUFFER, RECEIVE_BUFFER, LABELS_PER_PEER, http, influx.url(), dir.resolve("spool")));
        log = dir.resolve("collector.log");
        collector = new ProcessBuilder(CliIT.JAVA, "-Xmx256m", "-jar", CliIT.JAR.toString(), "run", "--config",
                conf.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(TestCollector.await(60, () -> CliIT.status(HTTP, "http://127.0.0.1:" + http + "/health") == 200))
                .as(CliIT.read(log)).isTrue();
        canary = new Canary();
    }

    @AfterAll
    static void stop() throws Exception {
        if (canary != null) {
            canary.close();
        }
        if (collector != null) {
            collector.destroy();
            if (!collector.waitFor(30, TimeUnit.SECONDS)) {
                collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (influx != null) {
            influx.close();
        }
        TempDirs.delete(dir);
    }

    @Test
    @Order(1)
    void deviceNamesOverTheLimitAreRefusedAndOtherLongNamesAreCut() throws Exception {
        ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.10");
        try {
            // 6 MB names, a few KB each on the wire with gzip: the review's 50 MB names at a CI size
            String huge = "n".repeat(6_000_000);
            List<DialoutMsg> msgs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                DialoutMsg m = DialoutClients.msg("x", "GE1/0/1", T0, i);
                msgs.add(m.toBuilder().setDeviceMsg(m.getDeviceMsg().toBuilder().setDeviceName(huge + i)).build());
            }
            String longIface = "GigabitEthernet1/0/" + "9".repeat(100_000);
            msgs.add(DialoutClients.msg("sw-long-path", "GE1/0/1", T0, 1).toBuilder()
                    .setSensorPath("Ifmgr/" + "S".repeat(1_000_000)).build());
            msgs.add(DialoutClients.msg("sw-long-iface", longIface, T0, 42));
            DialoutResponse r = gzipStream(ch, msgs);
            assertThat(r.getResponse()).as("the stream itself carries on").isEqualTo("ok");
        } finally {
            DialoutClients.close(ch);
        }
        assertThat(TestCollector.await(20, () -> metric("teleflux_decode_errors_total", "reason", "name_too_long") == 11))
                .as(metricsText()).isTrue();
        InfluxQueryResult tags = awaitQuery("SHOW TAG VALUES FROM interface WITH KEY = \"interface\" WHERE device = 'sw-long-iface'");
        String stored = (String) tags.single().value(0, "value");
        assertThat(stored).hasSize(256).startsWith("GigabitEthernet1/0/999").matches(".*~[0-9a-f]{8}");
        assertThat(metric("teleflux_names_truncated_total", "kind", "tag_value")).isEqualTo(1);
        String text = metricsText();
        assertThat(text.length()).as("/metrics size").isLessThan(1 << 20);
        assertThat(text.lines().mapToInt(String::length).max().orElse(0)).as("longest /metrics line").isLessThan(1000);
        assertHealthy();
    }

    @Test
    @Order(2)
    void idleStreamsHoldingChunksCannotPinMemory() throws Exception {
        int streams = 40;
        ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.11");
        List<DialoutClients.Stream> open = new ArrayList<>();
        try {
            // 40 x 512 KiB in flight at once stays under the 24 MiB receive budget: only the chunk buffer binds
            byte[] fragment = new byte[FRAGMENT];
            java.util.Arrays.fill(fragment, (byte) ' ');
            for (int i = 0; i < streams; i++) {
                DialoutMsg first = DialoutMsg.newBuilder()
                        .setDeviceMsg(DeviceInfo.newBuilder().setDeviceName("chunky-" + i))
                        .setSensorPath("Ifmgr/Statistics")
                        .setJsonDataBytes(com.google.protobuf.ByteString.copyFrom(fragment))
                        .setChunkMsg(ChunkInfo.newBuilder().setTotalFragments(3).setNodeId(1).setTotalSize(3L * FRAGMENT))
                        .build();
                open.add(new DialoutClients.Stream(ch).send(first)); // and then nothing more, ever
            }
            assertThat(TestCollector.await(20, () -> metric("teleflux_decode_errors_total", "reason", "chunk_overflow")
                    + heldChunks() >= streams)).as(metricsText()).isTrue();
            double held = metric("teleflux_dialout_chunk_buffer_bytes");
            assertThat(held).as("fragments held").isPositive().isLessThanOrEqualTo(CHUNK_BUFFER);
            double overflowed = metric("teleflux_decode_errors_total", "reason", "chunk_overflow");
            assertThat(overflowed).as("samples that did not fit the shared buffer").isGreaterThanOrEqualTo(streams - CHUNK_BUFFER / FRAGMENT);
            // no stream sends again: the timer alone frees them, chunk-timeout (3 s) after they started
            assertThat(TestCollector.await(15, () -> metric("teleflux_dialout_chunk_buffer_bytes") == 0)).isTrue();
            assertThat(metric("teleflux_decode_errors_total", "reason", "chunk_timeout") + overflowed)
                    .isEqualTo(streams);
            assertThat(metric("teleflux_dialout_streams")).as("the streams are still open").isGreaterThanOrEqualTo(streams);
            assertHealthy();
        } finally {
            DialoutClients.close(ch);
        }
    }

    @Test
    @Order(3)
    void unfinishedMessagesCannotFillTheHeap() throws Exception {
        double before = metric("teleflux_dialout_rejected_total", "reason", "receive_buffer");
        try (RawHttp2 attacker = new RawHttp2("127.0.0.21", grpc)) {
            for (int i = 0; i < 10; i++) {
                attacker.open(1 + 2 * i);
            }
            attacker.flush();
            assertThat(TestCollector.await(10, () -> attacker.maxConcurrentStreams == 128)).isTrue();
            // 10 messages of 7 MiB (under max-message-size), 6 MiB of each sent, none ever finished
            double peak = 0;
            for (int i = 0; i < 10; i++) {
                attacker.partialMessage(1 + 2 * i, 7 << 20, 6 << 20);
                peak = Math.max(peak, metric("teleflux_dialout_receive_buffer_bytes"));
            }
            assertThat(TestCollector.await(20, () -> metric("teleflux_dialout_rejected_total", "reason", "receive_buffer")
                    - before >= 6)).as(metricsText()).isTrue();
            assertThat(peak).as("bytes of unfinished messages held").isLessThanOrEqualTo(RECEIVE_BUFFER);
            assertThat(metric("teleflux_dialout_receive_buffer_bytes")).isLessThanOrEqualTo(RECEIVE_BUFFER);
            // ended with RESOURCE_EXHAUSTED trailers (and, for some, a reset)
            assertThat(TestCollector.await(10, () -> attacker.headersReceived.get() + attacker.resetsReceived.get() >= 6))
                    .as("streams the collector ended").isTrue();
        }
        assertThat(TestCollector.await(10, () -> metric("teleflux_dialout_receive_buffer_bytes") == 0)).isTrue();
        assertHealthy();
    }

    /** Chunked samples in progress, as the timeout counter will see them. */
    static double heldChunks() {
        double bytes = metric("teleflux_dialout_chunk_buffer_bytes");
        return Math.floor(bytes / FRAGMENT);
    }

    @Test
    @Order(4)
    void oneConnectionCannotOpenMoreStreamsThanAdvertised() throws Exception {
        try (RawHttp2 attacker = new RawHttp2("127.0.0.12", grpc)) {
            for (int i = 0; i < 10_500 && !attacker.closedByPeer; i++) {
                try {
                    attacker.open(1 + 2 * i);
                    if (i % 500 == 0) {
                        attacker.flush();
                    }
                } catch (java.io.IOException closed) {
                    break;
                }
            }
            try {
                attacker.flush();
            } catch (java.io.IOException closed) {
                // ended by the collector: expected
            }
            assertThat(TestCollector.await(20, () -> attacker.maxConcurrentStreams == 128))
                    .as("SETTINGS_MAX_CONCURRENT_STREAMS advertised").isTrue();
            // a peer that ignores the advertised limit loses the connection, and with it every stream it held
            assertThat(TestCollector.await(20, () -> attacker.goAway || attacker.closedByPeer)).isTrue();
        }
        assertThat(TestCollector.await(10, () -> metric("teleflux_dialout_streams") <= 1)).as(metricsText()).isTrue();
        assertHealthy();
    }

    @Test
    @Order(5)
    void aConnectionThatTricklesItsPrefaceIsClosed() throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.22", 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", grpc), 5000);
            s.getOutputStream().write("PRI * HT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            int read;
            try {
                read = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(read).as("the collector closed the connection").isEqualTo(-1);
            assertThat(seconds).as("seconds until closed (handshake-timeout = 3s)").isLessThan(12);
        }
        assertHealthy();
    }

    @Test
    @Order(6)
    void silentStreamsFromOneHostCannotLockDevicesOut() throws Exception {
        double idleBefore = metric("teleflux_dialout_idle_closed_total");
        double refusedBefore = metric("teleflux_dialout_rejected_total", "reason", "max_streams_per_peer");
        List<RawHttp2> connections = new ArrayList<>();
        try {
            // within each connection's advertised limit, but 120 streams from one address, none ever sending
            for (int c = 0; c < 3; c++) {
                RawHttp2 conn = new RawHttp2("127.0.0.19", grpc);
                connections.add(conn);
                for (int i = 0; i < 40; i++) {
                    conn.open(1 + 2 * i);
                }
                conn.flush();
            }
            assertThat(TestCollector.await(20, () -> metric("teleflux_dialout_rejected_total", "reason",
                    "max_streams_per_peer") - refusedBefore == 120 - PER_PEER)).as(metricsText()).isTrue();
            assertThat(metric("teleflux_dialout_streams")).isEqualTo(PER_PEER + 1); // and the canary

            // while the attacker holds its share, a device that dials now gets in
            ManagedChannel device = DialoutClients.plaintext(grpc, "127.0.0.13");
            try {
                assertThat(DialoutClients.stream(device, DialoutClients.msg("sw-during-flood", "GE1/0/1", T0, 7))
                        .getResponse()).isEqualTo("ok");
            } finally {
                DialoutClients.close(device);
            }
            // the silent streams are closed at idle-timeout (8 s) and their slots freed
            assertThat(TestCollector.await(30, () -> metric("teleflux_dialout_idle_closed_total") - idleBefore == PER_PEER))
                    .as(metricsText()).isTrue();
            assertThat(TestCollector.await(10, () -> metric("teleflux_dialout_streams") == 1)).as(metricsText()).isTrue();
        } finally {
            for (RawHttp2 c : connections) {
                c.close();
            }
        }
        assertThat(DialoutClients.storedInOctets(influx, "sw-during-flood", "GE1/0/1")).isEqualTo(7L);
        assertHealthy();
    }

    @Test
    @Order(7)
    void aRapidResetFloodIsAnsweredWithGoaway() throws Exception {
        int sent = 0;
        try (RawHttp2 attacker = new RawHttp2("127.0.0.14", grpc)) {
            for (int i = 0; i < 20_000 && !attacker.goAway && !attacker.closedByPeer; i++) {
                try {
                    attacker.open(1 + 2 * i);
                    attacker.reset(1 + 2 * i);
                    if (i % 50 == 0) {
                        attacker.flush();
                    }
                } catch (java.io.IOException closed) {
                    break;
                }
                sent++;
            }
            try {
                attacker.flush();
            } catch (java.io.IOException closed) {
                // the collector closed the connection: that is the expected answer
            }
            assertThat(TestCollector.await(10, () -> attacker.goAway)).as("GOAWAY after %d resets", sent).isTrue();
        }
        assertHealthy();
    }

    @Test
    @Order(8)
    void aPingFloodIsAnsweredWithGoaway() throws Exception {
        try (RawHttp2 attacker = new RawHttp2("127.0.0.20", grpc)) {
            attacker.open(1); // a stream, so that pings are judged as keepalives of a busy connection
            for (int i = 0; i < 1000 && !attacker.goAway && !attacker.closedByPeer; i++) {
                try {
                    attacker.ping(i);
                    attacker.flush();
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(2);
            }
            // permit-keepalive-time is 5 s: a few strikes, then ENHANCE_YOUR_CALM
            assertThat(TestCollector.await(10, () -> attacker.goAway)).isTrue();
        }
        assertHealthy();
    }

    @Test
    @Order(9)
    void oneHostInventingNamesCannotTakeEveryDeviceLabel() throws Exception {
        ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.15");
        try {
            DialoutMsg[] msgs = new DialoutMsg[500];
            for (int i = 0; i < msgs.length; i++) {
                msgs[i] = DialoutClients.msg("fake-" + i, "GE1/0/1", T0, i);
            }
            assertThat(DialoutClients.stream(ch, msgs).getResponse()).isEqualTo("ok");
        } finally {
            DialoutClients.close(ch);
        }
        assertThat(TestCollector.await(20, () -> metric("teleflux_dialout_device_labels_folded_total", "reason",
                "peer_share") == 500 - LABELS_PER_PEER)).as(metricsText()).isTrue();
        ManagedChannel real = DialoutClients.plaintext(grpc, "127.0.0.16");
        try {
            DialoutClients.stream(real, DialoutClients.msg("real-after-flood", "GE1/0/1", T0, 1));
        } finally {
            DialoutClients.close(real);
        }
        assertThat(TestCollector.await(10, () -> metric("teleflux_dialout_last_data_ms", "device", "real-after-flood") > 0))
                .as("the real device has its own last-message gauge (the silent-device alert)").isTrue();
        assertHealthy();
    }

    @Test
    @Order(10)
    void oneMessageCannotFloodTheSchema() throws Exception {
        StringBuilder tables = new StringBuilder("{\"Notification\":{\"Timestamp\":\"" + T0 + "\",\"Zz\":{");
        for (int i = 0; i < 20_000; i++) {
            tables.append(i == 0 ? "" : ",").append("\"T").append(i).append("\":[{\"Name\":\"a\",\"V\":1}]");
        }
        tables.append("}}}");
        StringBuilder wide = new StringBuilder("{\"Notification\":{\"Timestamp\":\"" + T0 + "\",\"Zz\":{\"Wide\":[{\"Name\":\"a\"");
        for (int i = 0; i < 100_000; i++) {
            wide.append(",\"F").append(i).append("\":").append(i);
        }
        wide.append("}]}}}");
        ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.17");
        try {
            DeviceInfo dev = DeviceInfo.newBuilder().setDeviceName("schema-flood").build();
            assertThat(DialoutClients.stream(ch,
                    DialoutMsg.newBuilder().setDeviceMsg(dev).setSensorPath("Zz/Many").setJsonData(tables.toString()).build(),
                    DialoutMsg.newBuilder().setDeviceMsg(dev).setSensorPath("Zz/Wide").setJsonData(wide.toString()).build())
                    .getResponse()).isEqualTo("ok");
        } finally {
            DialoutClients.close(ch);
        }
        // 64 of the 20,000 measurements pass; the device point (+1) is in the first message too
        assertThat(TestCollector.await(20, () -> metric("teleflux_points_dropped_total", "reason", "measurement_limit")
                == 20_000 - 63)).as(metricsText()).isTrue();
        assertThat(TestCollector.await(20, () -> metric("teleflux_fields_dropped_total", "reason", "field_limit")
                == 100_000 - 1000)).as(metricsText()).isTrue();
        InfluxQueryResult fields = awaitQuery("SHOW FIELD KEYS FROM h3c_zz_wide");
        assertThat(fields.single().size()).isEqualTo(1000);
        InfluxQueryResult measurements = awaitQuery("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^h3c_zz_t/");
        assertThat(measurements.single().size()).isEqualTo(63);
        assertHealthy();
    }

    @Test
    @Order(11)
    void aCompressedMessageOverTheLimitIsCountedAsTooLarge() throws Exception {
        double before = metric("teleflux_decode_errors_total", "reason", "message_too_large");
        String spaces = " ".repeat(9 << 20); // 9 MiB of JSON whitespace: a few KB with gzip, over the 8 MiB limit
        ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.18");
        try {
            DialoutMsg m = DialoutClients.msg("zip-bomb", "GE1/0/1", T0, 1);
            assertThatThrownBy(() -> gzipStream(ch, List.of(m.toBuilder().setJsonData(spaces + m.getJsonData()).build())))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isNotEqualTo(Status.Code.OK));
        } finally {
            DialoutClients.close(ch);
        }
        assertThat(TestCollector.await(10, () -> metric("teleflux_decode_errors_total", "reason", "message_too_large")
                == before + 1)).as(metricsText()).isTrue();
        assertHealthy();
    }

    @Test
    @Order(12)
    void theCanaryLostNothingAndTheHeapStayedSmall() throws Exception {
        long sent = canary.close();
        assertThat(sent).as("canary samples sent").isGreaterThan(100);
        assertThat(canary.failure).as("the canary's stream").isNull();
        String q = "SELECT count(in_octets) FROM interface WHERE device = 'canary'";
        long[] stored = new long[1];
        TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            stored[0] = r.isEmpty() ? 0 : ((Number) r.single().value(0, "count")).longValue();
            return stored[0] == sent;
        });
        assertThat(stored[0]).as("canary samples in InfluxDB").isEqualTo(sent);
        long liveKb = ProcessStats.liveHeapKb(collector.pid());
        System.out.printf("HostilePeersIT: canary %d samples, all stored; collector live heap after the attacks %d MiB"
                + " (-Xmx256m)%n", sent, liveKb >> 10);
        assertThat(liveKb).as("live heap KiB").isPositive().isLessThan(LIVE_HEAP_BOUND_MIB << 10);
        assertThat(CliIT.read(log)).doesNotContain("OutOfMemoryError");
        assertHealthy();
    }

    // ---- helpers

    static void assertHealthy() {
        assertThat(collector.isAlive()).as("collector alive; log:%n%s", CliIT.read(log)).isTrue();
        assertThat(CliIT.status(HTTP, "http://127.0.0.1:" + http + "/health")).isEqualTo(200);
        assertThat(canary.failure).as("the canary's stream").isNull();
    }

    static DialoutResponse gzipStream(ManagedChannel ch, List<DialoutMsg> msgs) throws Exception {
        return new DialoutClients.Stream(ch, "gzip").send(msgs.toArray(DialoutMsg[]::new)).finish();
    }

    static InfluxQueryResult awaitQuery(String q) throws InterruptedException {
        InfluxQueryResult[] r = new InfluxQueryResult[1];
        TestCollector.await(30, () -> {
            r[0] = influx.query("telemetry", q);
            return !r[0].isEmpty();
        });
        assertThat(r[0].isEmpty()).as(q).isFalse();
        return r[0];
    }

    static String metricsText() {
        try {
            return CliIT.body(HTTP, "http://127.0.0.1:" + http + "/metrics");
        } catch (Exception e) {
            return "";
        }
    }

    private static final Pattern LINE = Pattern.compile("^([a-z_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    /** One series' value from /metrics, 0 when absent. */
    static double metric(String name, String... labels) {
        StringBuilder want = new StringBuilder();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            want.append(want.isEmpty() ? "{" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        }
        if (!want.isEmpty()) {
            want.append('}');
        }
        Map<String, Double> all = new HashMap<>();
        Matcher m = LINE.matcher(metricsText());
        while (m.find()) {
            all.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return all.getOrDefault(name + want, 0.0);
    }

    /** A well-behaved device: one stream, a sample every 100 ms, counters and timestamps increasing. */
    static final class Canary {
        final ManagedChannel ch = DialoutClients.plaintext(grpc, "127.0.0.1");
        final DialoutClients.Stream stream = new DialoutClients.Stream(ch);
        final AtomicLong sent = new AtomicLong();
        final Thread thread;
        volatile boolean stop;
        volatile Throwable failure;

        Canary() {
            thread = Thread.ofPlatform().daemon().name("canary").start(() -> {
                try {
                    for (long i = 0; !stop; i++) {
                        stream.send(DialoutClients.msg("canary", "GE1/0/1", T0 + i * 1000, 1_000_000 * i));
                        sent.incrementAndGet();
                        Thread.sleep(100);
                        if (stream.done.isCompletedExceptionally()) {
                            stream.done.exceptionally(t -> {
                                failure = t;
                                return null;
                            });
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /** Stops sending and ends the stream; returns the samples sent. */
        long close() throws Exception {
            if (!stop) {
                stop = true;
                thread.join(5000);
                if (failure == null) {
                    stream.finish();
                }
                DialoutClients.close(ch);
            }
            return sent.get();
        }
    }
}
