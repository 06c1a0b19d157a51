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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a HOCON file over {@code reference.conf} and validates it into a {@link TelefluxConfig}:
 * the generic parts (file, environment, secrets' sources, unknown keys, the top-level keys); each
 * component's block is read by the component's own {@link Section}.
 *
 * <p>All problems are collected and reported together, each naming its key, so that an operator
 * fixes a file in one pass rather than one error per restart.
 */
public final class ConfigLoader {
    private final ConfigReader r;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Map<String, String> env) {
        this.r = new ConfigReader(env);
    }

    /** Loads {@code file}, with environment overrides from {@code System.getenv()}. */
    public static TelefluxConfig load(Path file, List<? extends Section<?>> sections) {
        return load(file, System.getenv(), sections);
    }

    public static TelefluxConfig load(Path file, Map<String, String> env, List<? extends Section<?>> sections) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("config file " + file + " does not exist or is not a file"));
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(List.of(e.getMessage() + includeHint(e)));
        }
        return fromConfig(user, env, sections);
    }

    /** {@code include} is a HOCON keyword, and also the name of an interface filter key. */
    public static String includeHint(com.typesafe.config.ConfigException e) {
        return String.valueOf(e.getMessage()).contains("include keyword")
                ? " (to set an interface filter write \"include\" = \"...\" with quotes, or interfaces.include = \"...\")"
                : "";
    }

    /** Validates an already parsed user config (tests, and the defaults when no file is given). */
    public static TelefluxConfig fromConfig(Config user, Map<String, String> env, List<? extends Section<?>> sections) {
        return new ConfigLoader(env).build(user, sections);
    }

    public static Config reference() {
        return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf").resolve();
    }

    private TelefluxConfig build(Config user, List<? extends Section<?>> sections) {
        Config reference = reference();
        r.use(r.resolveWithEnv(user.withFallback(reference)));
        checkUnknownKeys(user, reference);

        String instance = r.str("teleflux.instance");
        if (instance.isEmpty()) {
            instance = hostName();
        }
        Duration shutdownTimeout = r.duration("teleflux.shutdown-timeout", Duration.ofSeconds(1));
        String level = r.str("teleflux.log.level").toUpperCase(Locale.ROOT);
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            r.problem("teleflux.log.level: '" + level + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        LogConfig log = new LogConfig(level, r.str("teleflux.log.file"),
                r.bytes("teleflux.log.max-file-size", 1024, Long.MAX_VALUE), r.intIn("teleflux.log.max-history", 0, 10_000));

        Map<String, Object> read = new LinkedHashMap<>();
        for (Section<?> s : sections) {
            read.put(s.path(), s.read(r));
        }
        problems.addAll(r.problems());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new TelefluxConfig(instance, log, shutdownTimeout, read);
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

    public static String suggest(String key, Set<String> known) {
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

    public static int levenshtein(String a, String b) {
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
        describe("teleflux.instance", cfg.instance(), sb);
        describe("teleflux.shutdown-timeout", cfg.shutdownTimeout(), sb);
        describe("teleflux.log", cfg.log(), sb);
        cfg.sections().forEach((path, value) -> describe(path, value, sb));
        return sb.toString();
    }

    /** Records printed as one value (their toString), not key by key. */
    private static boolean isValue(Object v) {
        return v instanceof Summarized || v instanceof HostPort || v instanceof Cidr;
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
                describe(v instanceof Inline ? prefix : prefix + "." + kebab(rc.getName()), v, sb);
            }
            return;
        }
        if (value instanceof List<?> list && list.stream().noneMatch(v -> v instanceof Summarized || (v instanceof Record && !isValue(v)))) {
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
        if (value instanceof Summarized t) {
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
