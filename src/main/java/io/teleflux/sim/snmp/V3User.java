package io.teleflux.sim.snmp;

import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.AuthenticationProtocol;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.PrivacyProtocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An SNMPv3 USM user of the simulated agent: authNoPriv when {@code priv} is null, else authPriv.
 * Passphrases never appear in {@link #toString()}.
 *
 * <p>Written on the command line as {@code NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]}, e.g.
 * {@code poller:SHA-512:authpass1:AES-256:privpass1}; names and passphrases cannot contain ':'.
 */
public record V3User(String name, Auth auth, String authPassphrase, Priv priv, String privPassphrase) {
    /** RFC 3414 §11.2: USM passphrases are at least 8 characters. */
    public static final int MIN_PASSPHRASE = 8;

    /** Authentication protocols, named as net-snmp's {@code -a} names them. */
    public enum Auth {
        MD5("MD5", AuthMD5::new),
        SHA("SHA", AuthSHA::new),
        SHA_224("SHA-224", AuthHMAC128SHA224::new),
        SHA_256("SHA-256", AuthHMAC192SHA256::new),
        SHA_384("SHA-384", AuthHMAC256SHA384::new),
        SHA_512("SHA-512", AuthHMAC384SHA512::new);

        private final String label;
        private final Supplier<AuthenticationProtocol> protocol;

        Auth(String label, Supplier<AuthenticationProtocol> protocol) {
            this.label = label;
            this.protocol = protocol;
        }

        public String label() {
            return label;
        }

        AuthenticationProtocol protocol() {
            return protocol.get();
        }

        public static Auth parse(String s) {
            String v = s.trim().toUpperCase(Locale.ROOT);
            for (Auth a : values()) {
                if (a.label.equals(v) || a.label.replace("-", "").equals(v)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown authentication protocol '" + s + "'; known: "
                    + Arrays.stream(values()).map(Auth::label).collect(Collectors.joining(", ")));
        }
    }

    /** Privacy protocols, named as net-snmp's {@code -x} names them ({@code AES} = AES-128). */
    public enum Priv {
        DES("DES", PrivDES::new),
        AES_128("AES-128", PrivAES128::new),
        AES_192("AES-192", PrivAES192::new),
        AES_256("AES-256", PrivAES256::new);

        private final String label;
        private final Supplier<PrivacyProtocol> protocol;

        Priv(String label, Supplier<PrivacyProtocol> protocol) {
            this.label = label;
            this.protocol = protocol;
        }

        public String label() {
            return label;
        }

        PrivacyProtocol protocol() {
            return protocol.get();
        }

        public static Priv parse(String s) {
            String v = s.trim().toUpperCase(Locale.ROOT);
            if (v.equals("AES")) {
                return AES_128;
            }
            for (Priv p : values()) {
                if (p.label.equals(v) || p.label.replace("-", "").equals(v)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown privacy protocol '" + s + "'; known: "
                    + Arrays.stream(values()).map(Priv::label).collect(Collectors.joining(", ")));
        }
    }

    public V3User {
        Objects.requireNonNull(auth, "auth");
        if (name == null || name.isEmpty() || name.length() > 32) {
            throw new IllegalArgumentException("user name must be 1-32 characters");
        }
        checkPassphrase("authentication", authPassphrase);
        if ((priv == null) != (privPassphrase == null)) {
            throw new IllegalArgumentException("privacy protocol and passphrase go together");
        }
        if (priv != null) {
            checkPassphrase("privacy", privPassphrase);
        }
    }

    /** authNoPriv. */
    public static V3User authNoPriv(String name, Auth auth, String authPassphrase) {
        return new V3User(name, auth, authPassphrase, null, null);
    }

    /** authPriv. */
    public static V3User authPriv(String name, Auth auth, String authPassphrase, Priv priv, String privPassphrase) {
        return new V3User(name, auth, authPassphrase, priv, privPassphrase);
    }

    /** {@code NAME:AUTH:AUTHPASS} or {@code NAME:AUTH:AUTHPASS:PRIV:PRIVPASS}; messages never echo a passphrase. */
    public static V3User parse(String spec) {
        String[] f = spec.split(":", -1);
        if (f.length != 3 && f.length != 5) {
            throw new IllegalArgumentException("expected NAME:AUTH:AUTHPASS or NAME:AUTH:AUTHPASS:PRIV:PRIVPASS"
                    + " (passphrases cannot contain ':'), got " + f.length + " fields");
        }
        Auth auth = Auth.parse(f[1]);
        return f.length == 3 ? authNoPriv(f[0], auth, f[2]) : authPriv(f[0], auth, f[2], Priv.parse(f[3]), f[4]);
    }

    private static void checkPassphrase(String what, String p) {
        if (p == null || p.length() < MIN_PASSPHRASE) {
            throw new IllegalArgumentException(what + " passphrase must be at least " + MIN_PASSPHRASE
                    + " characters (RFC 3414)");
        }
    }

    @Override
    public String toString() {
        return "V3User(" + name + ", " + auth.label + (priv == null ? ", authNoPriv" : ", " + priv.label) + ")";
    }
}
