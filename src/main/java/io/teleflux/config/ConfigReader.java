package io.teleflux.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueType;
import java.util.Locale;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.TreeSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Typed, validating access to the merged configuration, handed to each component's
 * {@link Section#read}. A reader never throws for a bad value: it records a problem naming the
 * key and returns a placeholder, so that every problem of a file is reported in one pass.
 */
public final class ConfigReader {
    private final Map<String, String> env;
    /** Insertion-ordered and without repeats: a problem in a shared block is reported once, not per user. */
    private final java.util.LinkedHashSet<String> problems = new java.util.LinkedHashSet<>();
    private Config c;

    ConfigReader(Map<String, String> env) {
        this.env = env;
    }

    void use(Config resolved) {
        this.c = resolved;
    }

    /** The merged, resolved configuration (user file over reference.conf). */
    public Config config() {
        return c;
    }

    public boolean has(String key) {
        return c.hasPath(key);
    }

    /** Records a problem; {@code message} starts with the key it is about. */
    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Problems recorded so far: a reader can tell whether a block it read was valid. */
    public int problemCount() {
        return problems.size();
    }

    public List<String> stringList(String key) {
        return get(key, () -> c.getStringList(key), List.of());
    }

    /**
     * Resolves substitutions: {@code ${?VAR}} is looked up in the configuration first, then in the
     * environment given to {@link ConfigLoader#load(Path, Map)} (the process environment in production), so that
     * secrets such as SNMP communities can stay out of the file.
     */
    public Config resolveWithEnv(Config merged) {
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


    /** A PEM file's path; when {@code required}, it must be set and readable ({@code why} says why it is required). */
    public Path pemFile(String key, boolean required, String why) {
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


    /** {@code value} as a path, or null with a problem naming {@code key} (a NUL, for one, cannot be in a path). */
    public Path path(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(key + ": not a valid path (" + e.getReason() + ")");
            return null;
        }
    }

    /** Why {@code dir} cannot be the spool directory, or null; creates nothing (check-config has no side effects). */
    public static String unusableDir(Path dir) {
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

    public <T> T get(String key, Supplier<T> read, T fallback) {
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

    public String rawString(String key) {
        ConfigValue v = c.hasPath(key) ? c.getValue(key) : null;
        return v == null ? "" : String.valueOf(v.unwrapped());
    }

    public String str(String key) {
        return get(key, () -> c.getString(key), "");
    }

    public boolean bool(String key) {
        return get(key, () -> c.getBoolean(key), false);
    }

    public int intIn(String key, int min, int max) {
        int v = get(key, () -> c.getInt(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    public double doubleIn(String key, double min, double max) {
        double v = get(key, () -> c.getDouble(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    public long bytes(String key, long min, long max) {
        long v = get(key, () -> c.getBytes(key), min);
        if (v < min || v > max) {
            problems.add(key + ": " + v + " bytes is out of range " + min + ".." + max);
        }
        return v;
    }

    public Duration duration(String key, Duration min) {
        Duration d = get(key, () -> c.getDuration(key), min);
        if (d.compareTo(min) < 0) {
            problems.add(key + ": " + d + " is shorter than the minimum " + min);
        }
        return d;
    }

    public HostPort hostPort(String key) {
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
    public Secret secret(String key, String fileKey, String envVar) {
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


    // ---- lists of objects (targets), inline and from a file ----

    /** One element of a list setting, with the key that names it in problems ({@code ...targets[3]}). */
    public record Item(String key, ConfigValue value) {
    }

    /**
     * The elements of the list at {@code listKey}, then those of the file named by {@code fileKey}
     * (a HOCON file holding only {@code targets = [...]}, resolved against the environment as the
     * main file is), for fleets too large to list inline.
     */
    public List<Item> items(String listKey, String fileKey) {
        List<Item> out = new ArrayList<>();
        try {
            if (c.hasPath(listKey)) {
                collect(c.getValue(listKey), listKey, out);
            }
        } catch (com.typesafe.config.ConfigException e) {
            problem(listKey + ": must be a list");
        }
        String name = fileKey == null ? "" : str(fileKey);
        if (!name.isEmpty()) {
            Config file = listFile(fileKey, name);
            if (file != null) {
                collect(file.getValue("targets"), name + ": targets", out);
            }
        }
        return out;
    }

    private void collect(ConfigValue list, String key, List<Item> out) {
        if (list.valueType() != ConfigValueType.LIST) {
            problem(key + ": must be a list of targets, got " + typeName(list));
            return;
        }
        List<?> items = (List<?>) list;
        for (int i = 0; i < items.size(); i++) {
            out.add(new Item(key + "[" + i + "]", (ConfigValue) items.get(i)));
        }
    }

    private Config listFile(String key, String name) {
        Path f = path(key, name);
        if (f == null) {
            return null;
        }
        if (!Files.isRegularFile(f)) {
            problem(key + ": '" + name + "' does not exist or is not a file");
            return null;
        }
        Config file;
        try {
            file = resolveWithEnv(ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
        } catch (ConfigException e) {
            e.problems().forEach(this::problem);
            return null;
        } catch (com.typesafe.config.ConfigException e) {
            problem(key + ": " + e.getMessage() + ConfigLoader.includeHint(e));
            return null;
        }
        for (String k : file.root().keySet()) {
            if (!k.equals("targets")) {
                problem(name + ": " + k + ": unknown key" + didYouMean(k, List.of("targets"))
                        + " (a targets file holds only `targets = [...]`)");
            }
        }
        if (!file.hasPath("targets")) {
            problem(name + ": no `targets = [...]` in it");
            return null;
        }
        return file;
    }

    /** Keys inside list elements: the loader's unknown-key check does not enter lists. */
    public void checkKeys(String key, ConfigObject obj, Collection<String> allowed) {
        for (String k : new TreeSet<>(obj.keySet())) {
            if (!allowed.contains(k)) {
                problem(key + "." + k + ": unknown key" + didYouMean(k, allowed));
            }
        }
    }

    /** {@code " (did you mean x?)"} for the closest of {@code allowed}, or empty when none is close. */
    public static String didYouMean(String k, Collection<String> allowed) {
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = ConfigLoader.levenshtein(k, a);
            if (d < bestScore) {
                bestScore = d;
                best = a;
            }
        }
        return best != null && bestScore <= Math.max(2, k.length() / 3) ? " (did you mean " + best + "?)" : "";
    }

    public static String typeName(ConfigValue v) {
        return v.valueType().name().toLowerCase(Locale.ROOT);
    }
}
