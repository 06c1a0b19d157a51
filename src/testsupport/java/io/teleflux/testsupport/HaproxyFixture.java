package io.teleflux.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real HAProxy (Debian {@code haproxy} 2.6, {@code /usr/sbin/haproxy}) in TCP mode in front of
 * collectors' dial-out listeners, for integration tests: {@code haproxy -f FILE -db} (foreground),
 * its config and log in a fresh temp dir, the frontend on a 127.0.0.1 free port, stopped by PID.
 *
 * <p>The config's tuning is the shipped one: the {@code defaults} section and the non-{@code server}
 * lines of {@code backend collectors} are copied from {@code docker/haproxy/haproxy.cfg}, so a test
 * through this fixture tests the timeouts, health checks and redispatch that operators are given.
 * Only the addresses differ: the frontend binds 127.0.0.1, and each backend is a collector's
 * dial-out port, checked through its HTTP port's {@code /health}; {@link Options} adds
 * {@code send-proxy-v2} (as the shipped server lines have) and a {@code source} address.
 *
 * <p>An admin socket in the temp dir answers {@code show stat}: {@link #servers()} says which
 * backends HAProxy holds up and how many connections each carries.
 *
 * <pre>{@code
 * try (HaproxyFixture lb = HaproxyFixture.launch(List.of(new HaproxyFixture.Backend("c1", grpc1, http1), ...))) {
 *     ... devices dial 127.0.0.1:lb.port() ...
 *     lb.awaitStatus("c1", "DOWN", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class HaproxyFixture extends ServerFixture {
    public static final String BINARY = "/usr/sbin/haproxy";
    public static final Path SHIPPED_CONFIG = Path.of("docker/haproxy/haproxy.cfg");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    /** One collector: its dial-out port and the HTTP port whose {@code /health} HAProxy checks. */
    public record Backend(String name, int port, int healthPort) {
    }

    /** One backend as {@code show stat} reports it. */
    public record ServerState(String status, int currentSessions, long totalSessions) {
    }

    /**
     * How HAProxy connects to the collectors.
     *
     * @param sendProxyV2 {@code send-proxy-v2} on each server line: every connection to a collector
     *                    starts with a PROXY protocol v2 header naming the device (the shipped file's setting)
     * @param source      {@code source <address>} on each server line, e.g. {@code 127.0.0.2}: HAProxy's
     *                    connections to the collectors come from that loopback address, not the devices'
     *                    {@code 127.0.0.1}; null = the kernel's choice
     */
    public record Options(boolean sendProxyV2, String source) {
        public static final Options PLAIN = new Options(false, null);
    }

    private final List<Backend> backends;
    private final Options options;
    private int port;

    private HaproxyFixture(List<Backend> backends, Options options) {
        super(BINARY, "install the Debian package 'haproxy' (see environment.md)", "teleflux-haproxy-");
        this.backends = List.copyOf(backends);
        this.options = options;
    }

    /** Writes the config, starts HAProxy and waits until its frontend accepts connections. */
    public static HaproxyFixture launch(List<Backend> backends) {
        return launch(backends, Options.PLAIN);
    }

    /** As {@link #launch(List)}, with {@code options} on every server line. */
    public static HaproxyFixture launch(List<Backend> backends, Options options) {
        return launched(new HaproxyFixture(backends, options));
    }

    @Override
    protected void firstStart() {
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.next();
            try {
                Files.writeString(configFile(), config(Files.readString(SHIPPED_CONFIG)), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            process = new ManagedProcess("haproxy", List.of(BINARY, "-f", configFile().toString(), "-db"), dir, logFile());
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !process.tail(20).contains("cannot bind socket")) {
                    throw e;
                }
            }
        }
    }

    /** The shipped file's tuning with this fixture's addresses. */
    String config(String shipped) {
        StringBuilder out = new StringBuilder();
        out.append("global\n")
                .append("    log stdout format raw local0 info\n")
                .append("    stats socket ").append(adminSocket()).append(" mode 600 level admin\n")
                .append("    maxconn 4000\n\n");
        out.append("defaults\n");
        section(shipped, "defaults").forEach(l -> out.append(l).append('\n'));
        out.append("\nfrontend dialout\n")
                .append("    bind 127.0.0.1:").append(port).append('\n')
                .append("    default_backend collectors\n\n");
        out.append("backend collectors\n");
        for (String l : section(shipped, "backend collectors")) {
            if (!l.strip().startsWith("server ")) {
                out.append(l).append('\n');
            }
        }
        for (Backend b : backends) {
            out.append("    server ").append(b.name()).append(" 127.0.0.1:").append(b.port())
                    .append(" check port ").append(b.healthPort());
            if (options.sendProxyV2()) {
                out.append(" send-proxy-v2");
            }
            if (options.source() != null) {
                out.append(" source ").append(options.source());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The indented, non-comment lines of the section whose header line is {@code header}. */
    static List<String> section(String config, String header) {
        List<String> body = new ArrayList<>();
        boolean in = false;
        boolean found = false;
        for (String line : config.split("\n")) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                in = line.strip().equals(header);
                found |= in;
            } else if (in) {
                body.add(line.stripTrailing());
            }
        }
        if (!found) {
            throw new IllegalStateException("no section '" + header + "' in " + SHIPPED_CONFIG);
        }
        return body;
    }

    /** Starts HAProxy (again, after {@link #stop()} or {@link #kill()}) and waits until the frontend accepts. */
    public void start() {
        process.start();
        try {
            // the listeners are bound before the admin socket answers; a probe connection would be a
            // session on a backend and skew the counts tests read
            process.awaitReady(READY_TIMEOUT, "the admin socket answering", () -> !servers().isEmpty());
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting haproxy", e);
        }
    }

    /** The frontend's port on 127.0.0.1: where devices dial. */
    public int port() {
        return port;
    }

    public Path configFile() {
        return dir.resolve("haproxy.cfg");
    }

    public Path logFile() {
        return dir.resolve("haproxy.log");
    }

    public Path adminSocket() {
        return dir.resolve("admin.sock");
    }

    /** The backend servers as HAProxy sees them now (status {@code UP}, {@code DOWN}, ...). */
    public Map<String, ServerState> servers() {
        String csv = admin("show stat");
        Map<String, ServerState> out = new LinkedHashMap<>();
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IllegalStateException("unexpected 'show stat' answer: " + csv);
        }
        List<String> cols = List.of(lines[0].substring(2).split(","));
        int px = cols.indexOf("pxname");
        int sv = cols.indexOf("svname");
        int scur = cols.indexOf("scur");
        int stot = cols.indexOf("stot");
        int status = cols.indexOf("status");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > status && f[px].equals("collectors") && !f[sv].equals("BACKEND") && !f[sv].equals("FRONTEND")) {
                // "UP 1/2" while rising, "DOWN 1/2" while falling: the first word is the state traffic sees
                out.put(f[sv], new ServerState(f[status].split(" ")[0], Integer.parseInt(f[scur]), Long.parseLong(f[stot])));
            }
        }
        return out;
    }

    /** Waits until backend {@code name} has {@code status}; false on timeout. */
    public boolean awaitStatus(String name, String status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ServerState s = servers().get(name);
            if (s != null && s.status().equals(status)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** One command on the admin socket; its whole answer. */
    public String admin(String command) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(adminSocket()));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy admin socket " + adminSocket() + ": " + command, e);
        }
    }

    @Override
    public String toString() {
        return "haproxy 127.0.0.1:" + port + " -> " + backends + " in " + dir + " (" + process + ")";
    }
}
