package io.teleflux.sim.gnmi;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the gNMI face listens.
 *
 * @param host     the address to bind (only this one)
 * @param port     the TCP port, 0 for any free one
 * @param interval what {@code sample_interval = 0} means, and how often on-change leaves are checked
 * @param tlsCert  PEM certificate chain to serve TLS with; null for plaintext
 * @param tlsKey   its PEM (PKCS#8) private key
 * @param username with {@code password}: the {@code username}/{@code password} metadata every call must carry; null for none
 * @param password never printed
 */
public record GnmiSettings(String host, int port, Duration interval, Path tlsCert, Path tlsKey, String username,
                           String password) {
    /** The least sample interval a subscription may ask for. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    public GnmiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0-65535, got " + port);
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval must be at least " + MIN_INTERVAL.toMillis() + "ms");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("a TLS certificate and its key go together");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("a username and a password go together");
        }
    }

    public static GnmiSettings plaintext(String host, int port, Duration interval) {
        return new GnmiSettings(host, port, interval, null, null, null, null);
    }

    public GnmiSettings withTls(Path cert, Path key) {
        return new GnmiSettings(host, port, interval, cert, key, username, password);
    }

    public GnmiSettings withCredentials(String user, String pass) {
        return new GnmiSettings(host, port, interval, tlsCert, tlsKey, user, pass);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    @Override
    public String toString() {
        return "GnmiSettings[" + host + ":" + port + ", interval " + interval + (tls() ? ", TLS " + tlsCert : "")
                + (username == null ? "" : ", user " + username + ", password ****") + "]";
    }
}
