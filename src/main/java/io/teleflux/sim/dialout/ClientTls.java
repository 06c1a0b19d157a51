package io.teleflux.sim.dialout;

import java.nio.file.Path;

/**
 * TLS for the simulated devices' dial-out, as a device's {@code grpc pki domain} holds it.
 *
 * @param ca         PEM CA certificate(s) the collector's certificate must chain to; null = the JDK's trust store
 * @param cert       PEM certificate chain the device presents (mutual TLS); null = none
 * @param key        PEM PKCS#8 private key of {@code cert}; required with {@code cert}
 * @param serverName the name the collector's certificate must carry (and the TLS SNI); null = the target host
 */
public record ClientTls(Path ca, Path cert, Path key, String serverName) {
    public ClientTls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }
}
