package io.teleflux.gnmi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigReader;
import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code teleflux.gnmi}: the client's settings and the targets (inline and from
 * {@code targets-file}), each merged over {@code defaults} and validated on its own. Every problem
 * is recorded naming its key (the target's own key, or the {@code defaults} key it inherited),
 * so that a file's problems are all reported at once. Target lists are HOCON lists, which the
 * loader's unknown-key check does not enter, so unknown keys inside a target are found here.
 */
final class GnmiConfigReader {
    static final String P = "teleflux.gnmi";

    static final List<String> TARGET_KEYS = List.of("name", "address", "username", "password", "password-file", "tls",
            "sample-interval", "heartbeat-interval", "state-mode", "target", "origin", "subscriptions", "encoding");
    static final List<String> TLS_KEYS = List.of("enabled", "ca-file", "cert-file", "key-file", "server-name");

    private static final Map<String, GnmiTarget.EncodingChoice> ENCODINGS = Map.of(
            "auto", GnmiTarget.EncodingChoice.AUTO, "proto", GnmiTarget.EncodingChoice.PROTO,
            "jsonietf", GnmiTarget.EncodingChoice.JSON_IETF);
    private static final Map<String, GnmiTarget.StateMode> STATE_MODES = Map.of(
            "auto", GnmiTarget.StateMode.AUTO, "onchange", GnmiTarget.StateMode.ON_CHANGE,
            "sample", GnmiTarget.StateMode.SAMPLE);

    private final ConfigReader r;
    private final Config c;
    private final Map<String, String> byName = new HashMap<>();
    private final Map<String, String> byAddress = new HashMap<>();

    GnmiConfigReader(ConfigReader r) {
        this.r = r;
        this.c = r.config();
    }

    GnmiConfig read() {
        Duration initial = r.duration(P + ".redial.initial-delay", Duration.ofMillis(10));
        Duration max = r.duration(P + ".redial.max-delay", Duration.ofMillis(10));
        if (max.compareTo(initial) < 0) {
            r.problem(P + ".redial.max-delay: " + max + " is shorter than redial.initial-delay (" + initial + ")");
        }
        GnmiConfig.Redial redial = new GnmiConfig.Redial(initial, max,
                r.doubleIn(P + ".redial.multiplier", 1.0, 10.0), r.doubleIn(P + ".redial.jitter", 0.0, 1.0));
        Duration connectTimeout = r.duration(P + ".connect-timeout", Duration.ofMillis(100));
        Duration idleTimeout = null;
        if (!"auto".equalsIgnoreCase(r.rawString(P + ".idle-timeout"))) {
            idleTimeout = r.duration(P + ".idle-timeout", Duration.ZERO);
        }
        int maxMessageSize = (int) r.bytes(P + ".max-message-size", 64 * 1024, Integer.MAX_VALUE);
        GnmiConfig.Limits limits = new GnmiConfig.Limits(
                // room for the hash suffix and a readable prefix
                r.intIn(P + ".limits.max-name-length", 64, 65_535),
                r.intIn(P + ".limits.max-fields-per-point", 1, 1_000_000),
                r.intIn(P + ".limits.max-measurements-per-target", 1, 1_000_000));
        String targetsFile = r.str(P + ".targets-file");

        Config defaults = object(P + ".defaults");
        List<GnmiTarget> targets = new ArrayList<>();
        for (ConfigReader.Item item : r.items(P + ".targets", P + ".targets-file")) {
            GnmiTarget t = target(item.key(), item.value(), defaults);
            if (t != null) {
                targets.add(t);
            }
        }
        return new GnmiConfig(targets, targetsFile, redial, connectTimeout, idleTimeout, maxMessageSize, limits);
    }

    private Config object(String key) {
        try {
            return c.getConfig(key);
        } catch (com.typesafe.config.ConfigException e) {
            return ConfigFactory.empty(); // the loader's unknown-key check has said what is wrong
        }
    }

    // ---- one target ----

    private GnmiTarget target(String key, ConfigValue value, Config defaults) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            r.problem(key + ": must be an object like { name = \"leaf1\", address = \"192.0.2.11:57400\" }, got "
                    + ConfigReader.typeName(value));
            return null;
        }
        Config own = ((ConfigObject) value).toConfig();
        int before = r.problemCount();
        r.checkKeys(key, own.root(), TARGET_KEYS);
        if (own.hasPath("tls")) {
            ConfigValue tls = own.root().get("tls");
            if (tls.valueType() == ConfigValueType.OBJECT) {
                r.checkKeys(key + ".tls", (ConfigObject) tls, TLS_KEYS);
            } else {
                r.problem(key + ".tls: must be an object { enabled = true, ca-file = \"...\" }, got "
                        + ConfigReader.typeName(tls));
                own = own.withoutPath("tls");
            }
        }
        Setting s = new Setting(key, own, defaults);

        String name = s.text("name").strip();
        if (name.isEmpty()) {
            r.problem(key + ".name: required (the device tag of everything this target sends)");
        } else {
            String first = byName.putIfAbsent(name, key);
            if (first != null) {
                r.problem(key + ".name: '" + name + "' is already the name of " + first
                        + " (two targets would write the same series)");
            }
        }
        HostPort address = null;
        String addressText = s.text("address").strip();
        if (addressText.isEmpty()) {
            r.problem(key + ".address: required (host:port or [IPv6]:port)");
        } else {
            try {
                address = HostPort.parse(s.where("address"), addressText, 0);
                if (address.port() == 0) {
                    r.problem(s.where("address") + ": port 0 is not a valid gNMI port");
                    address = null;
                }
            } catch (ConfigException e) {
                e.problems().forEach(r::problem);
            }
        }
        String username = s.text("username");
        Secret password = password(s);
        if (username.isEmpty() && !password.isEmpty()) {
            r.problem(key + ".username: required when a password is set");
        }
        GnmiTls tls = tls(s); // plaintext with a password is allowed (a lab), and warned about at start
        Duration sample = s.duration("sample-interval", Duration.ofMillis(100));
        Duration heartbeat = s.duration("heartbeat-interval", Duration.ZERO);
        GnmiTarget.StateMode stateMode = s.choice("state-mode", STATE_MODES, "auto, on-change, sample");
        GnmiTarget.EncodingChoice encoding = s.choice("encoding", ENCODINGS, "auto, proto, json_ietf");
        String target = s.text("target");
        String origin = s.text("origin");
        List<String> subscriptions = s.paths("subscriptions");

        if (address != null) {
            String id = address.host().toLowerCase(Locale.ROOT) + "|" + address.port() + "|" + target;
            String first = byAddress.putIfAbsent(id, key);
            if (first != null) {
                r.problem(key + ".address: " + address + (target.isEmpty() ? "" : " with target '" + target + "'")
                        + " is already subscribed to by " + first + " (set target to tell devices behind one server apart)");
            }
        }
        if (r.problemCount() > before || address == null || tls == null || stateMode == null || encoding == null) {
            return null;
        }
        return new GnmiTarget(key, name, address, username, password, tls, sample, heartbeat, stateMode, target,
                origin, subscriptions, encoding);
    }

    private Secret password(Setting s) {
        String inline = s.text("password");
        String file = s.text("password-file");
        if (!inline.isEmpty() && !file.isEmpty()) {
            r.problem(s.where("password-file") + ": set, but so is " + s.where("password") + ": use one of the two");
            return Secret.EMPTY;
        }
        if (file.isEmpty()) {
            return new Secret(inline);
        }
        String k = s.where("password-file");
        try {
            return new Secret(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
        } catch (IOException | InvalidPathException e) {
            r.problem(k + ": cannot read '" + file + "': " + e.getClass().getSimpleName());
            return Secret.EMPTY;
        }
    }

    private GnmiTls tls(Setting s) {
        int before = r.problemCount();
        boolean enabled = s.bool("tls.enabled");
        String server = s.text("tls.server-name").strip();
        Path ca = s.file("tls.ca-file", enabled);
        Path cert = s.file("tls.cert-file", enabled);
        Path key = s.file("tls.key-file", enabled);
        if (enabled && (cert == null) != (key == null) && r.problemCount() == before) {
            String missing = cert == null ? "tls.cert-file" : "tls.key-file";
            r.problem(s.key + "." + missing + ": required with " + (cert == null ? "tls.key-file" : "tls.cert-file")
                    + " (a client certificate needs its key, and a key its certificate)");
        }
        if (!enabled && !server.isEmpty() && s.own.hasPath("tls.server-name")) {
            r.problem(s.where("tls.server-name") + ": set, but tls.enabled = false (plaintext)");
        }
        if (r.problemCount() > before) {
            return null;
        }
        if (!enabled) {
            return GnmiTls.PLAINTEXT;
        }
        GnmiTls tls = new GnmiTls(true, ca, cert, key, server);
        try {
            GnmiClient.sslContext(s.key, tls); // PEM that does not parse is found now, with the other problems
        } catch (IOException e) {
            r.problem(e.getMessage());
            return null;
        }
        return tls;
    }

    /** A target key, falling back to {@code defaults}; problems name the key where the value was set. */
    private final class Setting {
        final String key;
        final Config own;
        final Config merged;

        Setting(String key, Config own, Config defaults) {
            this.key = key;
            this.own = own;
            this.merged = own.withFallback(defaults);
        }

        String where(String k) {
            return own.hasPath(k) ? key + "." + k : P + ".defaults." + k;
        }

        String text(String k) {
            if (!merged.hasPath(k)) {
                return "";
            }
            try {
                return merged.getString(k);
            } catch (com.typesafe.config.ConfigException.WrongType e) {
                r.problem(where(k) + ": must be a string, got " + ConfigReader.typeName(merged.getValue(k)));
                return "";
            }
        }

        boolean bool(String k) {
            try {
                return merged.getBoolean(k);
            } catch (com.typesafe.config.ConfigException e) {
                r.problem(where(k) + ": must be true or false");
                return false;
            }
        }

        Duration duration(String k, Duration min) {
            Duration d;
            try {
                d = merged.getDuration(k);
            } catch (com.typesafe.config.ConfigException e) {
                r.problem(where(k) + ": must be a duration such as 10s");
                return min;
            }
            if (d.compareTo(min) < 0) {
                r.problem(where(k) + ": " + d + " is shorter than the minimum " + min);
            }
            return d;
        }

        <T> T choice(String k, Map<String, T> allowed, String listed) {
            String raw = text(k);
            T v = allowed.get(raw.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""));
            if (v == null) {
                r.problem(where(k) + ": '" + raw + "' is not one of " + listed);
            }
            return v;
        }

        /** A readable file when set and {@code enabled}; set while TLS is off is a problem (it would be ignored). */
        Path file(String k, boolean enabled) {
            String v = text(k).strip();
            if (v.isEmpty()) {
                return null;
            }
            if (!enabled) {
                // a file inherited from defaults is simply not used by a target that turns TLS off
                if (own.hasPath(k)) {
                    r.problem(where(k) + ": set, but tls.enabled = false (plaintext): enable TLS or remove it");
                }
                return null;
            }
            Path p;
            try {
                p = Path.of(v);
            } catch (InvalidPathException e) {
                r.problem(where(k) + ": not a valid path (" + e.getReason() + ")");
                return null;
            }
            if (!Files.isReadable(p) || Files.isDirectory(p)) {
                r.problem(where(k) + ": cannot read '" + v + "'");
                return null;
            }
            return p;
        }

        List<String> paths(String k) {
            if (!merged.hasPath(k)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            ConfigValue v = merged.getValue(k);
            if (v.valueType() != ConfigValueType.LIST) {
                r.problem(where(k) + ": must be a list of paths such as [\"/interfaces/interface/state/counters\"]");
                return out;
            }
            List<?> items = (List<?>) v.unwrapped();
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof String text)) {
                    r.problem(where(k) + "[" + i + "]: must be a path string");
                    continue;
                }
                try {
                    GnmiPaths.parse(text);
                    out.add(text.strip());
                } catch (IllegalArgumentException e) {
                    r.problem(where(k) + "[" + i + "]: " + e.getMessage());
                }
            }
            return out;
        }
    }
}
