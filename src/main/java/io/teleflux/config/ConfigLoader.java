package io.teleflux.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a HOCON file over {@code reference.conf} and validates it into a {@link TelefluxConfig}.
 *
 * <p>All problems are collected and reported together, each naming its key, so that an operator
 * fixes a file in one pass rather than one error per restart.
 */
public final class ConfigLoader {
    public static final String ENV_INFLUX_TOKEN = "TELEFLUX_INFLUX_TOKEN";
    public static final String ENV_INFLUX_PASSWORD = "TELEFLUX_INFLUX_PASSWORD";

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private Config c;

    private ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /** Loads {@code file}, with environment overrides from {@code System.getenv()}. */
    public static TelefluxConfig load(Path file) {
        return load(file, System.getenv());
    }

    public static TelefluxConfig load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("config file " + file + " does not exist or is not a file"));
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(List.of(e.getMessage() + includeHint(e)));
        }
        return fromConfig(user, env);
    }

    /** {@code include} is a HOCON keyword, and also the name of an interface filter key. */
    static String includeHint(com.typesafe.config.ConfigException e) {
        return String.valueOf(e.getMessage()).contains("include keyword")
                ? " (to set an interface filter write \"include\" = \"...\" with quotes, or interfaces.include = \"...\")"
                : "";
    }

    /** Validates an already parsed user config (tests, and the defaults when no file is given). */
    public static TelefluxConfig fromConfig(Config user, Map<String, String> env) {
        ConfigLoader l = new ConfigLoader(env);
        return l.build(user);
    }

    public static Config reference() {
        return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf").resolve();
    }

    private TelefluxConfig build(Config user) {
        Config reference = reference();
        c = resolveWithEnv(user.withFallback(reference));
        checkUnknownKeys(user, reference);

        String instance = str("teleflux.instance");
        if (instance.isEmpty()) {
            instance = hostName();
        }
        DialoutConfig dialout = dialout();

        Duration maxGap = null;
        if (!"auto".equalsIgnoreCase(rawString("teleflux.rate.max-gap"))) {
            maxGap = duration("teleflux.rate.max-gap", Duration.ofSeconds(1));
        }
        RateConfig rate = new RateConfig(maxGap,
                duration("teleflux.rate.idle-expiry", Duration.ofSeconds(1)),
                intIn("teleflux.rate.max-series", 1, Integer.MAX_VALUE));

        InfluxConfig influx = influx();
        HttpConfig http = new HttpConfig(bool("teleflux.http.enabled"), hostPort("teleflux.http.listen"));
        SelfmonConfig selfmon = new SelfmonConfig(bool("teleflux.selfmon.enabled"),
                duration("teleflux.selfmon.interval", Duration.ofSeconds(1)));
        HealthConfig health = new HealthConfig(duration("teleflux.health.stall-timeout", Duration.ofSeconds(1)));
        Duration shutdownTimeout = duration("teleflux.shutdown-timeout", Duration.ofSeconds(1));
        String level = str("teleflux.log.level").toUpperCase(Locale.ROOT);
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            problems.add("teleflux.log.level: '" + level + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        LogConfig log = new LogConfig(level, str("teleflux.log.file"),
                bytes("teleflux.log.max-file-size", 1024, Long.MAX_VALUE), intIn("teleflux.log.max-history", 0, 10_000));

        SnmpConfig snmp = new SnmpConfigReader(this, c, this::resolveWithEnv).read(problems);

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new TelefluxConfig(instance, dialout, rate, influx, http, selfmon, log, snmp, health, shutdownTimeout);
    }

    /**
     * Resolves substitutions: {@code ${?VAR}} is looked up in the configuration first, then in the
     * environment given to {@link #load(Path, Map)} (the process environment in production), so that
     * secrets such as SNMP communities can stay out of the file.
     */
    private Config resolveWithEnv(Config merged) {
        try {
            Config resolved = merged.withFallback(ConfigValueFactory.fromMap(env).toConfig())
                    .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false).setAllowUnresolved(false));
            // keep only the configuration's own keys: the environment was there to be looked up, not read
            ConfigObject own = resolved.root();
            for (String k : resolved.root().keySet()) {
                if (!merged.root().containsKey(k)) {
                    own = own.withoutKey(k);
                }
            }
            return own.toConfig();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
    }

    private DialoutConfig dialout() {
        String p = "teleflux.dialout.";
        List<Cidr> allow = new ArrayList<>();
        for (String cidr : get(p + "allow", () -> c.getStringList(p + "allow"), List.<String>of())) {
            try {
                allow.add(Cidr.parse(p + "allow", cidr));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        DialoutConfig.Limits limits = limits();
        int maxMessageSize = (int) bytes(p + "max-message-size", 1024, Integer.MAX_VALUE);
        if (limits.receiveBuffer() < maxMessageSize) {
            problems.add(p + "limits.receive-buffer: " + limits.receiveBuffer() + " bytes is less than max-message-size ("
                    + maxMessageSize + "): no message of the largest allowed size could arrive");
        }
        return new DialoutConfig(
                bool(p + "enabled"),
                hostPort(p + "listen"),
                maxMessageSize,
                intIn(p + "workers", 0, 1024),
                bytes(p + "queue-max-bytes", 1024, Long.MAX_VALUE),
                duration(p + "permit-keepalive-time", Duration.ZERO),
                duration(p + "chunk-timeout", Duration.ofSeconds(1)),
                tls(),
                allow,
                bool(p + "require-device-name-match"),
                intIn(p + "max-streams", 1, 1_000_000),
                intIn(p + "max-rows", 1, Integer.MAX_VALUE),
                // 6 = root, Notification, module, table, row array, row: anything shallower rejects every document
                intIn(p + "max-depth", 6, 1000),
                limits);
    }

    private DialoutConfig.Limits limits() {
        String p = "teleflux.dialout.limits.";
        return new DialoutConfig.Limits(
                intIn(p + "max-streams-per-peer", 1, 1_000_000),
                intIn(p + "max-streams-per-connection", 1, 1_000_000),
                duration(p + "idle-timeout", Duration.ZERO),
                duration(p + "handshake-timeout", Duration.ofSeconds(1)),
                intIn(p + "max-resets", 1, Integer.MAX_VALUE),
                duration(p + "reset-window", Duration.ofSeconds(1)),
                bytes(p + "chunk-buffer", 1024, Long.MAX_VALUE),
                bytes(p + "receive-buffer", 1024, Long.MAX_VALUE),
                // room for the hash suffix and a readable prefix; 64 covers every vendor's sysname
                intIn(p + "max-name-length", 64, 65_535),
                intIn(p + "max-measurements-per-message", 1, 1_000_000),
                intIn(p + "max-measurements-per-device", 1, 1_000_000),
                intIn(p + "max-fields-per-point", 1, 1_000_000),
                intIn(p + "max-device-labels", 1, 10_000_000),
                intIn(p + "max-device-labels-per-peer", 1, 10_000_000),
                duration(p + "device-label-expiry", Duration.ofSeconds(1)));
    }

    private TlsConfig tls() {
        String p = "teleflux.dialout.tls.";
        boolean enabled = bool(p + "enabled");
        String authStr = str(p + "client-auth").toLowerCase(Locale.ROOT);
        TlsConfig.ClientAuth auth = switch (authStr) {
            case "none" -> TlsConfig.ClientAuth.NONE;
            case "optional" -> TlsConfig.ClientAuth.OPTIONAL;
            case "require" -> TlsConfig.ClientAuth.REQUIRE;
            default -> {
                problems.add(p + "client-auth: '" + authStr + "' is not none, optional or require");
                yield TlsConfig.ClientAuth.NONE;
            }
        };
        Duration reload = duration(p + "reload-interval", Duration.ofSeconds(1));
        Path cert = pemFile(p + "cert", enabled, "TLS is enabled");
        Path key = pemFile(p + "key", enabled, "TLS is enabled");
        Path ca = pemFile(p + "client-ca", enabled && auth != TlsConfig.ClientAuth.NONE,
                "client-auth = " + authStr);
        return new TlsConfig(enabled, cert, key, ca, auth, reload);
    }

    /** A PEM file's path; when {@code required}, it must be set and readable ({@code why} says why it is required). */
    private Path pemFile(String key, boolean required, String why) {
        String v = str(key);
        if (v.isEmpty()) {
            if (required) {
                problems.add(key + ": required when " + why);
            }
            return null;
        }
        Path f = path(key, v);
        if (f == null) {
            return null;
        }
        if (required && !Files.isReadable(f)) {
            problems.add(key + ": cannot read '" + v + "'");
        }
        return f;
    }

    private InfluxConfig influx() {
        String p = "teleflux.influx.";
        InfluxConfig.Api api = null;
        String apiStr = str(p + "api").toLowerCase(Locale.ROOT);
        switch (apiStr) {
            case "v1" -> api = InfluxConfig.Api.V1;
            case "v2" -> api = InfluxConfig.Api.V2;
            default -> problems.add(p + "api: '" + apiStr + "' is not v1 or v2");
        }
        URI url = null;
        String urlStr = str(p + "url");
        try {
            url = new URI(urlStr);
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                problems.add(p + "url: '" + urlStr + "' must be an http:// or https:// URL with a host");
                url = null;
            } else if (url.getUserInfo() != null) {
                problems.add(p + "url: credentials in the URL are not allowed; use token or username/password");
                url = null;
            }
        } catch (URISyntaxException e) {
            problems.add(p + "url: '" + urlStr + "' is not a valid URL (" + e.getReason() + ")");
        }
        Secret token = secret(p + "token", p + "token-file", ENV_INFLUX_TOKEN);
        Secret password = secret(p + "password", p + "password-file", ENV_INFLUX_PASSWORD);
        String org = str(p + "org");
        String bucket = str(p + "bucket");
        String database = str(p + "database");
        if (api == InfluxConfig.Api.V2) {
            if (org.isEmpty()) {
                problems.add(p + "org: required when api = v2");
            }
            if (bucket.isEmpty()) {
                problems.add(p + "bucket: required when api = v2");
            }
            if (token.isEmpty()) {
                problems.add(p + "token: required when api = v2 (set it, token-file, or the environment variable "
                        + ENV_INFLUX_TOKEN + ")");
            }
        } else if (api == InfluxConfig.Api.V1 && database.isEmpty()) {
            problems.add(p + "database: required when api = v1");
        }
        InfluxConfig.Retry retry = new InfluxConfig.Retry(
                duration(p + "retry.initial-backoff", Duration.ofMillis(1)),
                duration(p + "retry.max-backoff", Duration.ofMillis(1)),
                doubleIn(p + "retry.multiplier", 1.0, 100.0),
                doubleIn(p + "retry.jitter", 0.0, 1.0));
        int batchSize = intIn(p + "batch-size", 1, 1_000_000);
        int queueMax = intIn(p + "queue-max-points", 1, Integer.MAX_VALUE);
        if (queueMax < batchSize) {
            problems.add(p + "queue-max-points: " + queueMax + " is smaller than batch-size " + batchSize);
        }
        return new InfluxConfig(api, url, org, bucket, token, database, str(p + "retention-policy"),
                str(p + "username"), password, bool(p + "create-database"), batchSize,
                duration(p + "flush-interval", Duration.ofMillis(1)), bool(p + "gzip"), intIn(p + "gzip-level", 1, 9),
                intIn(p + "writers", 1, 64), duration(p + "timeout", Duration.ofMillis(100)), queueMax, retry,
                spool(p + "spool."));
    }

    private InfluxConfig.Spool spool(String p) {
        boolean enabled = bool(p + "enabled");
        String dirStr = str(p + "dir");
        Path dir = dirStr.isEmpty() ? null : path(p + "dir", dirStr);
        if (dirStr.isEmpty()) {
            problems.add(p + "dir: must not be empty (set enabled = false to run without a spool)");
        }
        if (dir == null) {
            dir = Path.of("."); // a problem is recorded: the record is never used
        } else if (enabled) {
            String why = unusableDir(dir);
            if (why != null) {
                problems.add(p + "dir: '" + dirStr + "' " + why);
            }
        }
        long maxBytes = bytes(p + "max-bytes", 64 * 1024, Long.MAX_VALUE);
        long segment = bytes(p + "segment-size", 16 * 1024, 1L << 30);
        InfluxConfig.OnFull onFull = null;
        switch (str(p + "on-full").toLowerCase(Locale.ROOT)) {
            case "drop-oldest" -> onFull = InfluxConfig.OnFull.DROP_OLDEST;
            case "block" -> onFull = InfluxConfig.OnFull.BLOCK;
            default -> problems.add(p + "on-full: '" + str(p + "on-full") + "' is not drop-oldest or block");
        }
        InfluxConfig.Fsync fsync = null;
        switch (str(p + "fsync").toLowerCase(Locale.ROOT)) {
            case "batch" -> fsync = InfluxConfig.Fsync.BATCH;
            case "interval" -> fsync = InfluxConfig.Fsync.INTERVAL;
            case "never" -> fsync = InfluxConfig.Fsync.NEVER;
            default -> problems.add(p + "fsync: '" + str(p + "fsync") + "' is not batch, interval or never");
        }
        Duration interval = duration(p + "fsync-interval", Duration.ofMillis(1));
        double share = doubleIn(p + "replay-share", 0.01, 1.0);
        // eviction works on whole segments: keep one segment a small part of the spool
        long effectiveSegment = Math.max(16 * 1024, Math.min(segment, maxBytes / 8));
        return new InfluxConfig.Spool(enabled, dir, maxBytes, effectiveSegment, onFull, fsync, interval, share);
    }

    /** {@code value} as a path, or null with a problem naming {@code key} (a NUL, for one, cannot be in a path). */
    Path path(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(key + ": not a valid path (" + e.getReason() + ")");
            return null;
        }
    }

    /** Why {@code dir} cannot be the spool directory, or null; creates nothing (check-config has no side effects). */
    static String unusableDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) {
                return "exists and is not a directory";
            }
            return Files.isWritable(abs) ? null : "is not writable";
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    return "cannot be created: " + p + " is not a directory";
                }
                return Files.isWritable(p) ? null : "cannot be created: " + p + " is not writable";
            }
        }
        return "cannot be created";
    }

    // ---- typed readers: each records a problem naming the key instead of throwing ----

    private <T> T get(String key, Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (com.typesafe.config.ConfigException.Missing e) {
            problems.add(key + ": missing");
        } catch (com.typesafe.config.ConfigException.WrongType | com.typesafe.config.ConfigException.BadValue e) {
            problems.add(key + ": " + cleanMessage(key, e));
        }
        return fallback;
    }

    private static String cleanMessage(String key, com.typesafe.config.ConfigException e) {
        String m = e.getMessage();
        // typesafe prefixes the origin and repeats the key; keep the origin, drop the repetition
        int i = m.indexOf(key + ":");
        return i >= 0 ? m.substring(i + key.length() + 1).trim() + originOf(e) : m;
    }

    private static String originOf(com.typesafe.config.ConfigException e) {
        return e.origin() == null ? "" : " (" + e.origin().description() + ")";
    }

    private String rawString(String key) {
        ConfigValue v = c.hasPath(key) ? c.getValue(key) : null;
        return v == null ? "" : String.valueOf(v.unwrapped());
    }

    String str(String key) {
        return get(key, () -> c.getString(key), "");
    }

    boolean bool(String key) {
        return get(key, () -> c.getBoolean(key), false);
    }

    int intIn(String key, int min, int max) {
        int v = get(key, () -> c.getInt(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    double doubleIn(String key, double min, double max) {
        double v = get(key, () -> c.getDouble(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    long bytes(String key, long min, long max) {
        long v = get(key, () -> c.getBytes(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " bytes is out of range " + min + ".." + max);
        }
        return v;
    }

    Duration duration(String key, Duration min) {
        Duration d = get(key, () -> c.getDuration(key), min);
        if (d.compareTo(min) < 0) {
            problems.add(key + ": " + d + " is shorter than the minimum " + min);
        }
        return d;
    }

    HostPort hostPort(String key) {
        try {
            return HostPort.parse(key, str(key), 0);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return new HostPort("0.0.0.0", 0);
        }
    }

    /**
     * A secret from, in order of precedence: the environment variable, the file named by
     * {@code fileKey}, the value at {@code key}.
     */
    Secret secret(String key, String fileKey, String envVar) {
        String fromEnv = envVar == null ? null : env.get(envVar);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return new Secret(fromEnv);
        }
        String file = fileKey == null ? "" : str(fileKey);
        if (!file.isEmpty()) {
            Path f = path(fileKey, file);
            if (f == null) {
                return Secret.EMPTY;
            }
            try {
                return new Secret(Files.readString(f, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                problems.add(fileKey + ": cannot read '" + file + "': " + e.getClass().getSimpleName());
                return Secret.EMPTY;
            }
        }
        return new Secret(str(key));
    }

    // ---- unknown keys ----

    private void checkUnknownKeys(Config user, Config reference) {
        if (!user.hasPath("teleflux")) {
            return;
        }
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : reference.getConfig("teleflux").entrySet()) {
            known.add("teleflux." + e.getKey());
        }
        Set<String> knownObjects = new TreeSet<>();
        for (String k : known) {
            for (int i = k.indexOf('.'); i >= 0; i = k.indexOf('.', i + 1)) {
                knownObjects.add(k.substring(0, i));
            }
        }
        ConfigValue root = user.getValue("teleflux");
        if (root.valueType() != ConfigValueType.OBJECT) {
            problems.add("teleflux: must be an object, got " + root.valueType().name().toLowerCase(Locale.ROOT));
            return;
        }
        for (Map.Entry<String, ConfigValue> e : user.getConfig("teleflux").entrySet()) {
            String key = "teleflux." + e.getKey();
            if (known.contains(key)) {
                continue;
            }
            if (knownObjects.contains(key)) {
                problems.add(key + ": must be an object, not a " + e.getValue().valueType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            String hint = suggest(key, known);
            problems.add(key + ": unknown key" + (hint == null ? "" : " (did you mean " + hint + "?)")
                    + originSuffix(e.getValue()));
        }
    }

    private static String originSuffix(ConfigValue v) {
        return v.origin() == null || v.origin().lineNumber() < 0 ? "" : " (" + v.origin().description() + ")";
    }

    static String suggest(String key, Set<String> known) {
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        for (String k : known) {
            int whole = levenshtein(key, k);
            int leafScore = levenshtein(leaf, k.substring(k.lastIndexOf('.') + 1)) + (k.startsWith(parent(key)) ? 0 : 2);
            int score = Math.min(whole, leafScore);
            if (score < bestScore) {
                bestScore = score;
                best = k;
            }
        }
        return bestScore <= Math.max(2, leaf.length() / 3) ? best : null;
    }

    private static String parent(String key) {
        int i = key.lastIndexOf('.');
        return i < 0 ? "" : key.substring(0, i + 1);
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "teleflux";
        }
    }

    /**
     * The validated settings as {@code key = value} lines, for {@code check-config}. Secrets show
     * only whether they are set.
     */
    public static String describe(TelefluxConfig cfg) {
        StringBuilder sb = new StringBuilder();
        describe("teleflux", cfg, sb);
        return sb.toString();
    }

    /** Records printed as one value (their toString), not key by key. */
    private static boolean isValue(Object v) {
        return v instanceof SnmpTarget || v instanceof HostPort || v instanceof Cidr;
    }

    private static void describe(String prefix, Object value, StringBuilder sb) {
        if (value instanceof Record r && !isValue(value)) {
            for (java.lang.reflect.RecordComponent rc : r.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = rc.getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    v = "?";
                }
                if (v == null && rc.getType() == Path.class) {
                    sb.append(prefix).append('.').append(kebab(rc.getName())).append(" = (not set)\n");
                    continue;
                }
                describe(prefix + "." + kebab(rc.getName()), v, sb);
            }
            return;
        }
        if (value instanceof List<?> list && list.stream().noneMatch(v -> v instanceof SnmpTarget || (v instanceof Record && !isValue(v)))) {
            sb.append(prefix).append(" = ").append(list).append('\n'); // e.g. allow = [10.0.0.0/8, ...]
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                describe(prefix + "[" + i + "]", list.get(i), sb);
            }
            return;
        }
        String shown;
        if (value instanceof SnmpTarget t) {
            shown = t.summary(); // one line per target: a long list stays readable
        } else if (value instanceof Secret s) {
            shown = s.isEmpty() ? "(not set)" : "(set, redacted)";
        } else if (value instanceof Duration d) {
            shown = d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        } else if (value instanceof Enum<?> e) {
            shown = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        } else if (value == null) {
            shown = "auto";
        } else if (value instanceof java.util.List<?> list) {
            shown = list.toString();
        } else if (value instanceof String str) {
            shown = "\"" + str + "\"";
        } else {
            shown = String.valueOf(value);
        }
        sb.append(prefix).append(" = ").append(shown).append('\n');
    }

    private static String kebab(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('-').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
