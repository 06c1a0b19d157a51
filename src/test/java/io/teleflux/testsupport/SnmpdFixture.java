package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real net-snmp agent ({@code /usr/sbin/snmpd}, Debian {@code snmpd} 5.9) on a free UDP port of
 * 127.0.0.1 (and of 127.0.0.2..12, see {@link #address(int)}), serving this machine's real interfaces
 * ({@code lo}, ...) read-only.
 *
 * <p>It answers a random v2c community (for 127.0.0.1 only) and SNMPv3 users covering every
 * protocol: {@link #SHA_AES} (authPriv, SHA / AES-128), {@link #SHA512_AES256} (authPriv, SHA-512 /
 * AES-256), {@link #SHA256_AUTH} (authNoPriv, SHA-256), {@link #MD5_DES}, {@link #SHA224_AES192} and
 * {@link #SHA384_AES256}. Everything lives in a fresh temp dir
 * ({@code SNMP_PERSISTENT_DIR} too, so no state is shared with a system snmpd), {@code -I -smux}
 * keeps it from opening TCP port 199, and it is ready when {@code snmpget} gets an answer.
 * A missing binary fails the test: CI installs the Debian packages {@code snmpd} and {@code snmp}.
 */
public final class SnmpdFixture implements AutoCloseable {
    public static final String BINARY = "/usr/sbin/snmpd";
    public static final String SNMPGET = "/usr/bin/snmpget";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** Loopback addresses it listens on (127.0.0.1 .. 127.0.0.ADDRESSES), all on the same port. */
    public static final int ADDRESSES = 12;

    /** An SNMPv3 user the agent knows. Empty protocols mean "not used". */
    public record User(String name, String authProtocol, String authPassphrase, String privProtocol, String privPassphrase) {
    }

    public static final User SHA_AES = new User("tf-sha-aes", "SHA", "sha-auth-passphrase", "AES", "aes-priv-passphrase");
    public static final User SHA512_AES256 = new User("tf-sha512-aes256", "SHA-512", "sha512-auth-passphrase",
            "AES-256", "aes256-priv-passphrase");
    public static final User SHA256_AUTH = new User("tf-sha256-auth", "SHA-256", "sha256-auth-passphrase", "", "");
    /** The rest of the protocol matrix: old (MD5/DES) and the other SHA-2 / AES sizes. */
    public static final User MD5_DES = new User("tf-md5-des", "MD5", "md5-auth-passphrase", "DES", "des-priv-passphrase");
    public static final User SHA224_AES192 = new User("tf-sha224-aes192", "SHA-224", "sha224-auth-passphrase",
            "AES-192", "aes192-priv-passphrase");
    public static final User SHA384_AES256 = new User("tf-sha384-aes256", "SHA-384", "sha384-auth-passphrase",
            "AES-256", "aes256b-priv-passphrase");

    private final Path dir;
    private final String community;
    private int port;
    private ManagedProcess process;

    private SnmpdFixture() {
        ManagedProcess.requireExecutable(BINARY, "install the Debian package 'snmpd' (see environment.md)");
        ManagedProcess.requireExecutable(SNMPGET, "install the Debian package 'snmp' (see environment.md)");
        this.dir = TempDirs.create("teleflux-snmpd-");
        this.community = "tf-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Starts snmpd and waits until it answers. */
    public static SnmpdFixture launch() {
        SnmpdFixture f = new SnmpdFixture();
        try {
            f.firstStart();
            return f;
        } catch (RuntimeException | Error e) {
            f.close();
            throw e;
        }
    }

    private void firstStart() {
        writeConfig();
        // a free port can be taken between probing and binding: retry with a new one
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.nextUdp();
            List<String> cmd = List.of(BINARY, "-f", "-Lf", logFile().toString(), "-C", "-c", configFile().toString(),
                    "-m", "", "-M", "/dev/null", "-I", "-smux", "-p", dir.resolve("snmpd.pid").toString(),
                    endpoints());
            process = new ManagedProcess("snmpd", cmd, dir, logFile()).env("SNMP_PERSISTENT_DIR", persistentDir().toString());
            process.start();
            try {
                process.awaitReady(READY_TIMEOUT, "an answer to snmpget", this::answers);
                return;
            } catch (InterruptedException e) {
                process.kill();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting snmpd", e);
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !process.tail(40).contains("Error opening specified endpoint")) {
                    throw e;
                }
            }
        }
    }

    private void writeConfig() {
        StringBuilder conf = new StringBuilder();
        conf.append("rocommunity ").append(community).append(" 127.0.0.1\n");
        for (User u : users()) {
            conf.append("createUser ").append(u.name()).append(' ').append(u.authProtocol()).append(" \"")
                    .append(u.authPassphrase()).append('"');
            if (!u.privProtocol().isEmpty()) {
                conf.append(' ').append(u.privProtocol()).append(" \"").append(u.privPassphrase()).append('"');
            }
            conf.append('\n');
            conf.append("rouser ").append(u.name()).append(u.privProtocol().isEmpty() ? " auth\n" : " priv\n");
        }
        try {
            Files.createDirectories(persistentDir());
            Files.writeString(configFile(), conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<User> users() {
        return List.of(SHA_AES, SHA512_AES256, SHA256_AUTH, MD5_DES, SHA224_AES192, SHA384_AES256);
    }

    /** Whether snmpget reads sysName.0 with the v2c community. */
    boolean answers() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SNMPGET, "-v2c", "-c", community, "-m", "", "-M", "/dev/null",
                "-r", "0", "-t", "1", "127.0.0.1:" + port, "1.3.6.1.2.1.1.5.0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // the client keeps state too; keep it out of /var/lib/snmp
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("client").toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** udp:127.0.0.1:P,udp:127.0.0.2:P,...: one agent, several loopback addresses. */
    private String endpoints() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= ADDRESSES; i++) {
            b.append(i > 1 ? "," : "").append("udp:127.0.0.").append(i).append(':').append(port);
        }
        return b.toString();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as a target address. */
    public String address() {
        return address(1);
    }

    /**
     * {@code 127.0.0.<n>:<port>}, n = 1..{@value #ADDRESSES}: the same agent under distinct target
     * addresses, since a poller polls each address once. The v2c community is only accepted from
     * 127.0.0.1 (Linux answers 127.0.0.n from 127.0.0.n), the v3 users from anywhere.
     */
    public String address(int n) {
        if (n < 1 || n > ADDRESSES) {
            throw new IllegalArgumentException("address 1.." + ADDRESSES);
        }
        return "127.0.0." + n + ":" + port;
    }

    /** The v2c community it answers (random per fixture). */
    public String community() {
        return community;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public Path logFile() {
        return dir.resolve("snmpd.log");
    }

    private Path configFile() {
        return dir.resolve("snmpd.conf");
    }

    private Path persistentDir() {
        return dir.resolve("persistent");
    }

    /** Stops snmpd (SIGTERM, then SIGKILL) and deletes the temp dir. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.stop(Duration.ofSeconds(10));
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Override
    public String toString() {
        return "snmpd udp:" + address() + " in " + dir + " (" + process + ")";
    }
}
