package io.teleflux;

import io.grpc.ManagedChannel;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector as a separate process ({@code java -jar target/teleflux.jar run}) when it is sick:
 * an OutOfMemoryError ends it (exit 3) instead of leaving it half-dead; SIGTERM ends it within
 * teleflux.shutdown-timeout even while InfluxDB is a black hole; a port in use ends it with exit 1
 * and a message naming the address and the key, with no port left listening.
 */
class SickCollectorIT {
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A TCP server on loopback that accepts connections and never answers: InfluxDB hung. */
    static final class BlackHole implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        BlackHole() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("black-hole").start(() -> {
                while (!server.isClosed()) {
                    try {
                        accepted.add(server.accept()); // kept open, never read from nor written to
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    static Process start(Path dir, Path conf, Path log, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-jar", CliIT.JAR.toAbsolutePath().toString(), "run", "--config", conf.toString()));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    static void awaitHealthy(Process p, int http, Path log) throws InterruptedException {
        assertThat(TestCollector.await(60, () -> !p.isAlive()
                || CliIT.status(HTTP, "http://127.0.0.1:" + http + "/health") == 200))
                .as("collector up; log:%n%s", CliIT.read(log)).isTrue();
        assertThat(p.isAlive()).as("collector up; log:%n%s", CliIT.read(log)).isTrue();
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void destroy(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** One dial-out message whose JSON is {@code mb} MiB: parsing it needs more heap than the collector has. */
    static DialoutMsg huge(int mb) {
        StringBuilder name = new StringBuilder(mb << 20);
        while (name.length() < (mb << 20)) {
            name.append("GigabitEthernet1/0/1-");
        }
        String json = "{\"Notification\":{\"Timestamp\":\"1000\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"IfIndex\":1,"
                + "\"Name\":\"" + name + "\",\"InOctets\":1,\"OutOctets\":1}]}}}}";
        return DialoutMsg.newBuilder()
                .setDeviceMsg(DeviceInfo.newBuilder().setProducerName("H3C").setDeviceName("sw-oom").setDeviceModel("S6850"))
                .setSensorPath("Ifmgr/Statistics").setJsonData(json).build();
    }

    /**
     * A real OutOfMemoryError: a 48 MiB heap and one 40 MiB dial-out message. Without
     * -XX:+ExitOnOutOfMemoryError the collector's own handler halts it (exit 3, one line saying
     * why); with the flag (as in the Docker image) the JVM does, with the same exit code.
     */
    @Test
    void anOutOfMemoryErrorEndsTheProcessWithExit3() throws Exception {
        for (boolean jvmFlag : new boolean[] {false, true}) {
            Path dir = TempDirs.create("teleflux-oom-");
            int grpc = FreePorts.next();
            int http = FreePorts.next();
            Path log = dir.resolve("collector.log");
            Process p = null;
            ManagedChannel ch = null;
            try (BlackHole influx = new BlackHole()) {
                Path conf = dir.resolve("teleflux.conf");
                Files.writeString(conf, """
                        teleflux {
                          instance = oom-it
                          dialout { listen = "127.0.0.1:%d", max-message-size = 64 MiB, workers = 1 }
                          http.listen = "127.0.0.1:%d"
                          influx { api = v1, url = "%s", database = telemetry, create-database = false, timeout = 2s }
                        }
                        """.formatted(grpc, http, influx.url()));
                List<String> opts = new ArrayList<>(List.of("-Xmx48m", "-XX:MaxDirectMemorySize=256m"));
                if (jvmFlag) {
                    opts.add("-XX:+ExitOnOutOfMemoryError");
                }
                p = start(dir, conf, log, opts.toArray(String[]::new));
                awaitHealthy(p, http, log);
                ch = DialoutClients.plaintext(grpc, null);
                new DialoutClients.Stream(ch).send(huge(40));
                long t0 = System.nanoTime();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after the OOM; log:%n%s", CliIT.read(log)).isTrue();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String out = CliIT.read(log);
                assertThat(p.exitValue()).as(out).isEqualTo(3);
                if (jvmFlag) {
                    assertThat(out).contains("Terminating due to java.lang.OutOfMemoryError");
                } else {
                    assertThat(out).containsPattern("teleflux: fatal java.lang.OutOfMemoryError: .* in thread \\S+; "
                            + "halting the process \\(exit 3\\)");
                }
                assertThat(out).doesNotContain("teleflux stopped"); // halted: no shutdown hook in a broken heap
                System.out.printf("[sick] OOM (%s): exit %d %d ms after the message was sent%n",
                        jvmFlag ? "-XX:+ExitOnOutOfMemoryError" : "in-process handler", p.exitValue(), ms);
            } finally {
                DialoutClients.close(ch);
                destroy(p);
                TempDirs.delete(dir);
            }
        }
    }

    static String termConfig(int grpc, int http, String influx, Path spool, String timeout) {
        return """
                teleflux {
                  instance = term-it
                  shutdown-timeout = 4s
                  dialout.listen = "127.0.0.1:%d"
                  http.listen = "127.0.0.1:%d"
                  selfmon.interval = 1s
                  influx {
                    api = v2, url = "%s", org = o, token = t, bucket = telemetry
                    flush-interval = 100ms, timeout = %s
                    retry { initial-backoff = 100ms, max-backoff = 200ms }
                    spool.dir = "%s"
                  }
                }
                """.formatted(grpc, http, influx, timeout, spool);
    }

    /** SIGTERM, then the time until the process ended (asserted to be within 4 s + JVM exit). */
    static long term(Process p, Path log) throws InterruptedException {
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        boolean ended = p.waitFor(15, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ended).as("ended; log:%n%s", CliIT.read(log)).isTrue();
        assertThat(ms).as("within shutdown-timeout (4 s) plus JVM exit; log:%n%s", CliIT.read(log)).isLessThan(4_000 + 2_000);
        return ms;
    }

    /**
     * SIGTERM while InfluxDB accepts connections and never answers. First with requests that time
     * out after 3 s: points are spooled, and closing fits in teleflux.shutdown-timeout = 4 s by
     * itself. Then with a 60 s request timeout and the v2 client, whose request does not notice
     * interrupts: closing gives up on that sender within the 4 s (or the watchdog halts the
     * process, exit 124). The spool survives both: the next start finds it.
     */
    @Test
    void sigtermEndsTheProcessWithinTheShutdownTimeoutWhileInfluxIsABlackHole() throws Exception {
        Path dir = TempDirs.create("teleflux-term-");
        int grpc = FreePorts.next();
        int http = FreePorts.next();
        Path spool = dir.resolve("spool");
        Path conf = dir.resolve("teleflux.conf");
        Process p = null;
        ManagedChannel ch = null;
        try (BlackHole influx = new BlackHole()) {
            // 1. requests time out after 3 s: the points go to the spool
            Files.writeString(conf, termConfig(grpc, http, influx.url(), spool, "3s"));
            Path log1 = dir.resolve("collector1.log");
            p = start(dir, conf, log1, "-Xmx256m");
            awaitHealthy(p, http, log1);
            ch = DialoutClients.plaintext(grpc, null);
            for (int i = 0; i < 5; i++) {
                DialoutClients.stream(ch, DialoutClients.msg("sw1", "GE1/0/" + i, 1_000 + i, i));
            }
            DialoutClients.close(ch);
            ch = null;
            assertThat(TestCollector.await(60, () -> SpoolCrashIT.metric(http, "teleflux_spool_points") > 0))
                    .as("spooled; log:%n%s", CliIT.read(log1)).isTrue();
            assertThat(CliIT.status(HTTP, "http://127.0.0.1:" + http + "/health"))
                    .as("an outage is not unhealthy").isEqualTo(200);
            long spooled = (long) SpoolCrashIT.metric(http, "teleflux_spool_points");
            long ms1 = term(p, log1);
            // closing fits in the 4 s: the senders are given up on in time to spool what memory holds
            assertThat(p.exitValue()).as(CliIT.read(log1)).isEqualTo(143);
            assertThat(CliIT.read(log1)).contains("points not yet written are kept in the spool", "teleflux stopped");
            System.out.printf("[sick] SIGTERM, InfluxDB a black hole, 3 s request timeout: exit %d after %d ms, "
                    + "%d points in the spool before%n", p.exitValue(), ms1, spooled);

            // 2. a 60 s request timeout: the replayed batch hangs in the black hole, closing would wait for it
            Files.writeString(conf, termConfig(grpc, http, influx.url(), spool, "60s"));
            Path log2 = dir.resolve("collector2.log");
            int before = influx.accepted.size();
            p = start(dir, conf, log2, "-Xmx256m");
            awaitHealthy(p, http, log2);
            assertThat(CliIT.read(log2)).contains("from an earlier run; they are replayed first");
            assertThat(TestCollector.await(30, () -> influx.accepted.size() > before)).as("a request in flight").isTrue();
            long ms2 = term(p, log2);
            String out2 = CliIT.read(log2);
            // Collector.close() shares the 4 s between its steps and gives up on the hung sender in
            // time (143); the watchdog (124) is the backstop should a step still hang
            assertThat(p.exitValue()).as(out2).isIn(124, 143);
            if (p.exitValue() == 124) {
                assertThat(out2).contains("still stopping after teleflux.shutdown-timeout = 4000 ms; halting (exit 124)");
            } else {
                assertThat(out2).contains("did not stop; its batch is counted when it does", "teleflux stopped");
            }
            assertThat(listening(grpc)).isFalse();
            assertThat(listening(http)).isFalse();
            System.out.printf("[sick] SIGTERM, InfluxDB a black hole, 60 s request in flight: exit %d after %d ms%n",
                    p.exitValue(), ms2);

            // 3. the stop lost nothing of the spool
            Path log3 = dir.resolve("collector3.log");
            p = start(dir, conf, log3, "-Xmx256m");
            awaitHealthy(p, http, log3);
            assertThat(CliIT.read(log3)).contains("from an earlier run; they are replayed first");
            assertThat(SpoolCrashIT.metric(http, "teleflux_spool_points")).isGreaterThanOrEqualTo(spooled);
            System.out.printf("[sick] next start: %d points in the spool (%d before the first stop)%n",
                    (long) SpoolCrashIT.metric(http, "teleflux_spool_points"), spooled);
        } finally {
            DialoutClients.close(ch);
            destroy(p);
            TempDirs.delete(dir);
        }
    }

    /** What {@link #theWatchdogHaltsAProcessWhoseShutdownHangs} runs: a shutdown hook that never ends, as RunCommand's would if closing hung. */
    static final class HangingShutdown {
        public static void main(String[] args) throws Exception {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                RunCommand.startWatchdog(Duration.ofSeconds(2));
                while (true) {
                    try {
                        Thread.sleep(60_000); // a close() that never returns
                    } catch (InterruptedException e) {
                        // still hung
                    }
                }
            }, "shutdown"));
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The watchdog of RunCommand on its own, in a process whose shutdown hook hangs: SIGTERM, then exit 124 at the deadline. */
    @Test
    void theWatchdogHaltsAProcessWhoseShutdownHangs() throws Exception {
        Path dir = TempDirs.create("teleflux-watchdog-");
        Path log = dir.resolve("out.log");
        String cp = CliIT.JAR.toAbsolutePath() + java.io.File.pathSeparator // RunCommand with its dependencies
                + Path.of("target/test-classes").toAbsolutePath();
        Process p = new ProcessBuilder(JAVA, "-Xmx64m", "-cp", cp, HangingShutdown.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(TestCollector.await(30, () -> CliIT.read(log).contains("ready"))).isTrue();
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("ended; %s", CliIT.read(log)).isTrue();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(p.exitValue()).isEqualTo(RunCommand.SHUTDOWN_TIMEOUT_EXIT);
            assertThat(ms).isBetween(1_900L, 4_000L);
            assertThat(CliIT.read(log)).contains("still stopping after teleflux.shutdown-timeout = 2000 ms; halting (exit 124)");
            System.out.printf("[sick] hung shutdown hook: exit %d after %d ms%n", p.exitValue(), ms);
        } finally {
            destroy(p);
            TempDirs.delete(dir);
        }
    }

    /** A port in use: exit 1, a message naming the address and the key, and nothing left listening. */
    @Test
    void aPortInUseEndsTheProcessWithExit1NamingTheAddressAndTheKey() throws Exception {
        for (String busy : new String[] {"http", "dialout"}) {
            Path dir = TempDirs.create("teleflux-port-");
            int grpc = FreePorts.next();
            int http = FreePorts.next();
            Path log = dir.resolve("collector.log");
            Process p = null;
            try (ServerSocket taken = new ServerSocket(busy.equals("http") ? http : grpc, 50, InetAddress.getLoopbackAddress())) {
                Path conf = dir.resolve("teleflux.conf");
                Files.writeString(conf, """
                        teleflux {
                          dialout.listen = "127.0.0.1:%d"
                          http.listen = "127.0.0.1:%d"
                          influx { api = v1, url = "http://127.0.0.1:9", create-database = false, spool.dir = "%s" }
                        }
                        """.formatted(grpc, http, dir.resolve("spool")));
                p = start(dir, conf, log, "-Xmx256m");
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited; log:%n%s", CliIT.read(log)).isTrue();
                String out = CliIT.read(log);
                assertThat(p.exitValue()).as(out).isEqualTo(1);
                int port = busy.equals("http") ? http : grpc;
                String key = busy.equals("http") ? "teleflux.http.listen" : "teleflux.dialout.listen";
                assertThat(out).contains("127.0.0.1:" + port + " (" + key + ") cannot be bound");
                assertThat(out).contains("teleflux stopped"); // what had started was closed cleanly
                if (busy.equals("http")) {
                    // the HTTP endpoint binds first: the dial-out listener never opened
                    assertThat(out).doesNotContain("dial-out listening");
                    assertThat(listening(grpc)).isFalse();
                } else {
                    assertThat(listening(http)).isFalse();
                }
                System.out.printf("[sick] %s port in use: exit %d, %s%n", busy, p.exitValue(),
                        out.lines().filter(l -> l.contains("cannot start")).findFirst().orElse("?"));
            } finally {
                destroy(p);
                TempDirs.delete(dir);
            }
        }
    }
}
