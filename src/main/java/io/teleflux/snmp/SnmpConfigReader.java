package io.teleflux.snmp;

import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigReader;
import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;


import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code teleflux.snmp}: the poller's settings and the target list (inline and from
 * {@code targets-file}), merging {@code defaults} and the global {@code interfaces} filter into
 * each target and validating every target on its own. Target lists are HOCON lists, which the
 * loader's unknown-key check does not enter, so unknown keys inside a target are found here.
 */
final class SnmpConfigReader {
    static final String P = "teleflux.snmp";
    static final int MIN_PASSPHRASE = 8; // RFC 3414 section 11.2

    private static final List<String> TARGET_KEYS = List.of("address", "name", "port", "version", "community",
            "security-name", "auth-protocol", "auth-passphrase", "priv-protocol", "priv-passphrase", "context-name",
            "interfaces");
    private static final List<String> FILTER_KEYS = List.of("include", "exclude");

    private static final Map<String, SnmpTarget.Version> VERSIONS = Map.of(
            "2c", SnmpTarget.Version.V2C, "v2c", SnmpTarget.Version.V2C, "2", SnmpTarget.Version.V2C,
            "3", SnmpTarget.Version.V3, "v3", SnmpTarget.Version.V3);
    private static final Map<String, SnmpTarget.AuthProtocol> AUTH = new HashMap<>();
    private static final Map<String, SnmpTarget.PrivProtocol> PRIV = new HashMap<>();

    static {
        for (SnmpTarget.AuthProtocol a : SnmpTarget.AuthProtocol.values()) {
            AUTH.put(norm(a.toString()), a);
        }
        AUTH.put("sha1", SnmpTarget.AuthProtocol.SHA);
        for (SnmpTarget.PrivProtocol p : SnmpTarget.PrivProtocol.values()) {
            PRIV.put(norm(p.toString()), p);
        }
        PRIV.put("aes", SnmpTarget.PrivProtocol.AES_128);
    }

    private final ConfigReader r;
    private final Config c;
    /** Where each address and name was first configured: a duplicate is an error even if the first had others. */
    private final Map<String, String> byAddress = new HashMap<>();
    private final Map<String, String> byName = new HashMap<>();

    SnmpConfigReader(ConfigReader r) {
        this.r = r;
        this.c = r.config();
    }

    /** Reads and validates; problems are returned, each naming its key, rather than thrown. */
    SnmpConfig read() {
        Duration interval = r.duration(P + ".interval", Duration.ofSeconds(1));
        Duration timeout = r.duration(P + ".timeout", Duration.ofMillis(100));
        int retries = r.intIn(P + ".retries", 0, 10);
        Duration deadline = r.duration(P + ".deadline", Duration.ZERO);
        int maxConcurrent = r.intIn(P + ".max-concurrent", 1, 100_000);
        int maxRepetitions = r.intIn(P + ".max-repetitions", 1, 1000);
        String targetsFile = r.str(P + ".targets-file");

        Config defaults = object(P + ".defaults");
        Config globalFilter = object(P + ".interfaces");

        List<SnmpTarget> targets = new ArrayList<>();
        List<ConfigReader.Item> entries = r.items(P + ".targets", P + ".targets-file");
        for (ConfigReader.Item e : entries) {
            SnmpTarget t = target(e.key(), e.value(), defaults, globalFilter);
            if (t != null) {
                targets.add(t);
            }
        }
        return new SnmpConfig(interval, timeout, retries, deadline, maxConcurrent, maxRepetitions, targetsFile, targets);
    }

    /** An object setting; when it is something else the unknown-key check has said so already. */
    private Config object(String key) {
        try {
            return c.getConfig(key);
        } catch (com.typesafe.config.ConfigException e) {
            return ConfigFactory.empty();
        }
    }

    // ---- one target ----

    private SnmpTarget target(String key, ConfigValue value, Config defaults, Config globalFilter) {
        Config t;
        if (value.valueType() == ConfigValueType.STRING) {
            // shorthand: a bare address inherits everything else from the defaults
            t = ConfigFactory.empty().withValue("address", value);
        } else if (value.valueType() == ConfigValueType.OBJECT) {
            t = ((ConfigObject) value).toConfig();
        } else {
            r.problem(key + ": must be an object like { address = \"192.0.2.1\" } or an address string, got "
                    + typeName(value));
            return null;
        }
        int before = r.problemCount();
        r.checkKeys(key, t.root(), TARGET_KEYS);
        if (t.hasPath("interfaces")) {
            ConfigValue f = t.root().get("interfaces");
            if (f.valueType() == ConfigValueType.OBJECT) {
                r.checkKeys(key + ".interfaces", (ConfigObject) f, FILTER_KEYS);
            } else {
                r.problem(key + ".interfaces: must be an object { include = \"...\", exclude = \"...\" }");
            }
        }

        Setting s = new Setting(key, t, defaults);
        int port = s.port();
        String addressText = s.text("address", false);
        HostPort address = null;
        if (addressText.isEmpty()) {
            r.problem(key + ".address: required (host, host:port or [IPv6]:port)");
        } else {
            try {
                address = HostPort.parse(key + ".address", addressText, port);
                if (address.port() == 0) {
                    r.problem(key + ".address: port 0 is not a valid SNMP port");
                }
            } catch (ConfigException e) {
                e.problems().forEach(r::problem);
            }
        }
        String name = s.text("name", false).strip();
        if (!name.isEmpty()) {
            String nameAt = byName.putIfAbsent(name, key);
            if (nameAt != null) {
                r.problem(key + ".name: '" + name + "' is already the name of " + nameAt
                        + " (two devices would write the same series)");
            }
        }
        SnmpTarget.Version version = s.choice("version", VERSIONS, "2c, 3 (SNMPv1 is not supported: no 64-bit counters, no GETBULK)");
        Secret community = Secret.community(s.text("community", true));
        String securityName = s.text("security-name", true);
        SnmpTarget.AuthProtocol auth = s.choice("auth-protocol", AUTH, "MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512");
        Secret authPass = new Secret(s.text("auth-passphrase", true));
        SnmpTarget.PrivProtocol priv = s.choice("priv-protocol", PRIV, "DES, AES (= AES-128), AES-128, AES-192, AES-256");
        Secret privPass = new Secret(s.text("priv-passphrase", true));
        String contextName = s.text("context-name", true);
        if (address != null) {
            // one agent may front several devices (a community or v3 context each, as proxies and the
            // simulator do): only the same address with the same device selector is a duplicate
            String selector = version + "|" + community.reveal() + "|" + securityName + "|" + contextName;
            String firstAt = byAddress.putIfAbsent(address.host().toLowerCase(Locale.ROOT) + "|" + address.port()
                    + "|" + selector, key);
            if (firstAt != null) {
                r.problem(key + ".address: " + address + " is already polled by " + firstAt
                        + " with the same community or v3 user and context");
            }
        }
        SnmpTarget.InterfaceFilter filter = new SnmpTarget.InterfaceFilter(
                regex(key, t, globalFilter, "include"), regex(key, t, globalFilter, "exclude"));

        if (version == SnmpTarget.Version.V2C && community.isEmpty()) {
            r.problem(key + ".community: required for version 2c (set it on the target or in " + P
                    + ".defaults, e.g. community = ${?SNMP_COMMUNITY})");
        }
        if (version == SnmpTarget.Version.V3) {
            if (securityName.isEmpty()) {
                r.problem(key + ".security-name: required for version 3");
            }
            if (priv != SnmpTarget.PrivProtocol.NONE && auth == SnmpTarget.AuthProtocol.NONE) {
                r.problem(key + ".priv-protocol: privacy needs authentication too (set auth-protocol); "
                        + "SNMPv3 has no noAuthPriv level");
            }
            passphrase(key, "auth", auth != SnmpTarget.AuthProtocol.NONE, authPass);
            passphrase(key, "priv", priv != SnmpTarget.PrivProtocol.NONE, privPass);
        }
        if (r.problemCount() > before || address == null || version == null || auth == null || priv == null
                || filter.include() == null || filter.exclude() == null) {
            return null;
        }
        return new SnmpTarget(key, address, name, version, community, securityName, auth, authPass, priv, privPass,
                contextName, filter);
    }

    private void passphrase(String key, String kind, boolean protocolSet, Secret pass) {
        if (protocolSet && pass.isEmpty()) {
            r.problem(key + "." + kind + "-passphrase: required with " + kind + "-protocol");
        } else if (protocolSet && pass.reveal().length() < MIN_PASSPHRASE) {
            r.problem(key + "." + kind + "-passphrase: shorter than " + MIN_PASSPHRASE
                    + " characters, the SNMPv3 minimum (RFC 3414)");
        } else if (!protocolSet && !pass.isEmpty()) {
            r.problem(key + "." + kind + "-passphrase: set, but " + kind + "-protocol is empty");
        }
    }

    private Pattern regex(String key, Config t, Config global, String which) {
        String own = "interfaces." + which;
        String k;
        String re;
        if (t.hasPath(own)) {
            k = key + "." + own;
            re = readString(t, own, k);
        } else {
            k = P + ".interfaces." + which;
            re = readString(global, which, k);
        }
        if (re == null) {
            return null;
        }
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            r.problem(k + ": '" + re + "' is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
            return null;
        }
    }

    /** A target key, falling back to {@code defaults}; problems name the key where the value was set. */
    private final class Setting {
        final String key;
        final Config t;
        final Config defaults;

        Setting(String key, Config t, Config defaults) {
            this.key = key;
            this.t = t;
            this.defaults = defaults;
        }

        String where(String k) {
            return t.hasPath(k) ? key + "." + k : P + ".defaults." + k;
        }

        String text(String k, boolean fromDefaults) {
            if (t.hasPath(k)) {
                String v = readString(t, k, key + "." + k);
                return v == null ? "" : v;
            }
            if (fromDefaults && defaults.hasPath(k)) {
                String v = readString(defaults, k, P + ".defaults." + k);
                return v == null ? "" : v;
            }
            return "";
        }

        int port() {
            Config src = t.hasPath("port") ? t : defaults;
            String k = where("port");
            try {
                int p = src.getInt("port");
                if (p < 1 || p > 65535) {
                    r.problem(k + ": " + p + " is out of range 1..65535");
                    return 161;
                }
                return p;
            } catch (com.typesafe.config.ConfigException e) {
                r.problem(k + ": must be a port number");
                return 161;
            }
        }

        <T> T choice(String k, Map<String, T> allowed, String listed) {
            String raw = text(k, true);
            if (raw.isEmpty() && !k.equals("version")) {
                return allowed.get("");
            }
            T v = allowed.get(norm(raw));
            if (v == null) {
                r.problem(where(k) + ": '" + raw + "' is not one of " + listed);
            }
            return v;
        }
    }

    private String readString(Config cfg, String k, String fullKey) {
        try {
            return cfg.getString(k);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            r.problem(fullKey + ": must be a string, got " + typeName(cfg.getValue(k)));
            return null;
        }
    }

    /** Protocol and version names compare case-insensitively, with or without dashes: SHA-256 = sha256. */
    private static String norm(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static String typeName(ConfigValue v) {
        return v.valueType().name().toLowerCase(Locale.ROOT);
    }
}
