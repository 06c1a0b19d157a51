package io.teleflux.gnmi;

import java.nio.file.Path;

/**
 * A target's {@code tls} block: the collector is the TLS client. The target's certificate is
 * verified against {@code caFile} (null: the JVM's trust store) and its name against
 * {@code serverName} (empty: the host of the address); {@code certFile}/{@code keyFile} (PEM
 * certificate chain and PKCS#8 key) are presented when the target asks for a client certificate.
 *
 * @param enabled false: plaintext (credentials then travel in clear text)
 */
public record GnmiTls(boolean enabled, Path caFile, Path certFile, Path keyFile, String serverName) {
    public static final GnmiTls PLAINTEXT = new GnmiTls(false, null, null, null, "");

    @Override
    public String toString() {
        if (!enabled) {
            return "plaintext";
        }
        StringBuilder sb = new StringBuilder("tls(ca ").append(caFile == null ? "jvm trust store" : caFile.toString());
        if (certFile != null) {
            sb.append(", client cert ").append(certFile);
        }
        if (!serverName.isEmpty()) {
            sb.append(", server-name ").append(serverName);
        }
        return sb.append(')').toString();
    }
}
