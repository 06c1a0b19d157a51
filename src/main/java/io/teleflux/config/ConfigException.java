package io.teleflux.config;

import java.util.List;

/** Invalid configuration. The message lists every problem found, each naming its key. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? "invalid configuration: " + problems.get(0)
                : "invalid configuration (" + problems.size() + " problems):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String key, String problem) {
        this(List.of(key + ": " + problem));
    }

    public List<String> problems() {
        return problems;
    }
}
