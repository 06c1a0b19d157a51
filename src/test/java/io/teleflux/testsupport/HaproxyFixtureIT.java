package io.teleflux.testsupport;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture itself, with the shipped tuning: TCP connections pass through to the backends and are
 * spread over them; a backend whose {@code /health} says 503 is marked down and its open connections
 * are cut; a backend that refuses connections before it is marked down is skipped (redispatch); the
 * process and its temp dir are gone after close.
 */
class HaproxyFixtureIT {

    /** A TCP server that greets each connection with its name, and a /health whose answer the test sets. */
    static final class FakeCollector implements AutoCloseable {
        final String name;
        final ServerSocket listener;
        final HttpServer health;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile int status = 200;

        FakeCollector(String name) throws IOException {
            this.name = name;
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        accepted.add(s);
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        // closes its side when the client does, as a gRPC server does
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                while (s.getInputStream().read() >= 0) {
                                    // discard
                                }
                            } catch (IOException e) {
                                // reset: gone either way
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            health.createContext("/health", ex -> {
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            health.start();
        }

        HaproxyFixture.Backend backend() {
            return new HaproxyFixture.Backend(name, listener.getLocalPort(), health.getAddress().getPort());
        }

        /** The process is gone: the port refuses, every connection is reset. */
        void die() throws IOException {
            listener.close();
            for (Socket s : accepted) {
                s.close();
            }
        }

        @Override
        public void close() throws IOException {
            die();
            health.stop(0);
        }
    }

    /** Connects through the balancer and reads which backend answered. */
    static Socket dial(HaproxyFixture lb, List<String> served) throws IOException {
        Socket s = new Socket("127.0.0.1", lb.port());
        s.setSoTimeout(10_000);
        served.add(readLine(s.getInputStream()));
        return s;
    }

    static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return null;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void passesConnectionsThroughSpreadsThemAndMovesThemOffADeadBackend() throws Exception {
        Path dir;
        long pid;
        try (FakeCollector a = new FakeCollector("a"); FakeCollector b = new FakeCollector("b");
             HaproxyFixture lb = HaproxyFixture.launch(List.of(a.backend(), b.backend()))) {
            dir = lb.dir();
            pid = lb.pid();
            String cfg = Files.readString(lb.configFile());
            assertThat(cfg).contains("bind 127.0.0.1:" + lb.port()).contains("balance leastconn")
                    .contains("on-marked-down shutdown-sessions").contains("option redispatch 1")
                    .doesNotContain("resolvers docker");
            assertThat(lb.awaitStatus("a", "UP", Duration.ofSeconds(10))).isTrue();
            assertThat(lb.awaitStatus("b", "UP", Duration.ofSeconds(10))).isTrue();

            // leastconn over long-lived connections: four connections, two on each
            List<String> served = new ArrayList<>();
            List<Socket> open = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                open.add(dial(lb, served));
            }
            assertThat(served).containsOnly("a", "b").filteredOn("a"::equals).hasSize(2);
            Map<String, HaproxyFixture.ServerState> s = lb.servers();
            assertThat(s.get("a").currentSessions()).isEqualTo(2);
            assertThat(s.get("b").currentSessions()).isEqualTo(2);

            // /health 503 on a: marked down after fall (2) x inter (1 s), and its connections are cut
            long t0 = System.nanoTime();
            a.status = 503;
            assertThat(lb.awaitStatus("a", "DOWN", Duration.ofSeconds(10))).isTrue();
            long downMs = (System.nanoTime() - t0) / 1_000_000;
            int cut = 0;
            for (int i = 0; i < open.size(); i++) {
                if (served.get(i).equals("a")) {
                    assertThat(closedByPeer(open.get(i))).as("a's connection is closed by haproxy").isTrue();
                    cut++;
                }
            }
            assertThat(cut).isEqualTo(2);
            List<String> again = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(dial(lb, again));
            }
            assertThat(again).containsOnly("b");
            System.out.printf("HaproxyFixtureIT: backend marked DOWN %d ms after its /health said 503%n", downMs);

            // a back (rise 2), then its process dies while its /health still says 200: every new
            // connection still lands on b (a refused connect is redispatched)
            a.status = 200;
            assertThat(lb.awaitStatus("a", "UP", Duration.ofSeconds(10))).isTrue();
            a.die();
            List<String> redispatched = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                open.add(dial(lb, redispatched));
            }
            assertThat(redispatched).containsOnly("b");
            for (Socket o : open) {
                o.close();
            }
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir).doesNotExist();
    }

    @Test
    void theShippedConfigIsValidHaproxy() throws Exception {
        Path dir = TempDirs.create("teleflux-haproxy-check-");
        try {
            ManagedProcess check = new ManagedProcess("haproxy -c", List.of(HaproxyFixture.BINARY, "-c", "-f",
                    HaproxyFixture.SHIPPED_CONFIG.toAbsolutePath().toString()), dir, dir.resolve("check.log"));
            check.start();
            int code = check.waitFor(Duration.ofSeconds(30));
            String out = check.tail(40);
            assertThat(code).as(out).isZero();
            assertThat(out).contains("Configuration file is valid");
            // off Docker the collectors' names do not resolve: that is the one warning allowed
            for (String line : out.split("\n")) {
                if (line.contains("[WARNING]")) {
                    assertThat(line).contains("could not resolve address 'teleflux-");
                }
            }
            String shipped = Files.readString(HaproxyFixture.SHIPPED_CONFIG);
            // long-lived gRPC streams: never cut by an idle timeout shorter than a sample interval
            assertThat(HaproxyFixture.section(shipped, "defaults")).contains("    mode tcp", "    timeout client 1h",
                    "    timeout server 1h", "    option redispatch 1");
            // the collectors read the device's address from a PROXY v2 header (their proxy-protocol.trusted)
            assertThat(HaproxyFixture.section(shipped, "backend collectors").stream()
                    .filter(l -> l.strip().startsWith("server "))).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains(" send-proxy-v2"));
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void sectionReadsOnlyTheNamedSection() {
        String cfg = "global\n    maxconn 1\n# c\ndefaults\n    mode tcp\n    # x\n\nbackend collectors\n    server a a:1\n";
        assertThat(HaproxyFixture.section(cfg, "defaults")).containsExactly("    mode tcp");
        assertThat(HaproxyFixture.section(cfg, "backend collectors")).containsExactly("    server a a:1");
    }
}
