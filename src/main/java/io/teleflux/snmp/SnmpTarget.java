package io.teleflux.snmp;

import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;
import io.teleflux.config.Summarized;


import java.util.regex.Pattern;

/**
 * One device to poll, with every setting resolved. {@code key} is where it was configured
 * ({@code teleflux.snmp.targets[2]}), for messages that must name it. An empty {@code name}
 * means "use the device's sysName.0", so that it lands on the same {@code device} tag as its
 * telemetry.
 */
public record SnmpTarget(String key, HostPort address, String name, Version version, Secret community,
                         String securityName, AuthProtocol authProtocol, Secret authPassphrase,
                         PrivProtocol privProtocol, Secret privPassphrase, String contextName,
                         InterfaceFilter interfaces) implements Summarized {

    /** SNMP versions polled. v1 is not offered: it has neither 64-bit counters nor GETBULK. */
    public enum Version {
        V2C("2c"), V3("3");

        private final String text;

        Version(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** SNMPv3 authentication protocols (RFC 3414, RFC 7860). */
    public enum AuthProtocol {
        NONE(""), MD5("MD5"), SHA("SHA"), SHA_224("SHA-224"), SHA_256("SHA-256"), SHA_384("SHA-384"),
        SHA_512("SHA-512");

        private final String text;

        AuthProtocol(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** SNMPv3 privacy protocols. AES-192/256 use the key extension net-snmp uses (draft-blumenthal-aes-usm). */
    public enum PrivProtocol {
        NONE(""), DES("DES"), AES_128("AES-128"), AES_192("AES-192"), AES_256("AES-256");

        private final String text;

        PrivProtocol(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Which interfaces become points, by regular expressions that must match the whole interface
     * name. An empty pattern means "not set": include everything, exclude nothing.
     */
    public record InterfaceFilter(Pattern include, Pattern exclude) {
        public static final InterfaceFilter ALL = new InterfaceFilter(Pattern.compile(""), Pattern.compile(""));

        public boolean accepts(String interfaceName) {
            return (include.pattern().isEmpty() || include.matcher(interfaceName).matches())
                    && (exclude.pattern().isEmpty() || !exclude.matcher(interfaceName).matches());
        }
    }

    public boolean hasName() {
        return !name.isEmpty();
    }

    /**
     * One line for {@code check-config}: the settings that apply to this target's version, secrets
     * shown only as set or not.
     */
    @Override
    public String summary() {
        StringBuilder b = new StringBuilder("{address = \"").append(address).append('"');
        if (hasName()) {
            b.append(", name = \"").append(name).append('"');
        }
        b.append(", version = ").append(version);
        if (version == Version.V2C) {
            b.append(", community = ").append(shown(community));
        } else {
            b.append(", security-name = \"").append(securityName).append('"');
            if (authProtocol != AuthProtocol.NONE) {
                b.append(", auth-protocol = ").append(authProtocol).append(", auth-passphrase = ").append(shown(authPassphrase));
            }
            if (privProtocol != PrivProtocol.NONE) {
                b.append(", priv-protocol = ").append(privProtocol).append(", priv-passphrase = ").append(shown(privPassphrase));
            }
            if (!contextName.isEmpty()) {
                b.append(", context-name = \"").append(contextName).append('"');
            }
        }
        if (!interfaces.include().pattern().isEmpty()) {
            b.append(", interfaces.include = \"").append(interfaces.include().pattern()).append('"');
        }
        if (!interfaces.exclude().pattern().isEmpty()) {
            b.append(", interfaces.exclude = \"").append(interfaces.exclude().pattern()).append('"');
        }
        return b.append('}').toString();
    }

    private static String shown(Secret s) {
        return s.isEmpty() ? "(not set)" : "(set, redacted)";
    }

    /** The security level as SNMPv3 names it, for log lines. */
    public String securityLevel() {
        if (authProtocol == AuthProtocol.NONE) {
            return "noAuthNoPriv";
        }
        return privProtocol == PrivProtocol.NONE ? "authNoPriv" : "authPriv";
    }

    @Override
    public String toString() {
        return key + " " + summary();
    }
}
