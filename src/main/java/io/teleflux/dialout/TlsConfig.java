package io.teleflux.dialout;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code teleflux.dialout.tls}: PEM files of the listener's certificate chain and PKCS#8 key, and
 * of the CA that signs device certificates. The files are watched (modification time and size,
 * every {@code reloadInterval}) and new connections use the new files.
 */
public record TlsConfig(boolean enabled, Path cert, Path key, Path clientCa, ClientAuth clientAuth,
                        Duration reloadInterval) {
    public static final TlsConfig DISABLED = new TlsConfig(false, null, null, null, ClientAuth.NONE, Duration.ofSeconds(60));

    /** Whether devices must, may or need not present a certificate signed by {@code clientCa}. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    @Override
    public String toString() {
        return enabled ? "tls(cert " + cert + ", client-auth " + clientAuth.name().toLowerCase(java.util.Locale.ROOT) + ")"
                : "tls(disabled)";
    }
}
