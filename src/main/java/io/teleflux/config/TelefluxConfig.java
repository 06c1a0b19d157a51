package io.teleflux.config;

import java.time.Duration;
import java.util.Map;

/**
 * The whole validated configuration: the top-level keys, and each component's block as its own
 * {@link Section} read it, by the block's path in the order the sections were given.
 */
public record TelefluxConfig(String instance, LogConfig log, Duration shutdownTimeout, Map<String, Object> sections) {
    public TelefluxConfig {
        sections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sections));
    }

    /** The block {@code section} reads; it must have been among the sections the config was loaded with. */
    public <C> C get(Section<C> section) {
        Object v = sections.get(section.path());
        if (v == null) {
            throw new IllegalArgumentException(section.path() + " was not loaded");
        }
        @SuppressWarnings("unchecked") // put there by this section's own read()
        C c = (C) v;
        return c;
    }
}
