package io.teleflux.config;

/** {@code teleflux.log}. An empty {@code file} means console only. */
public record LogConfig(String level, String file, long maxFileSize, int maxHistory) {
}
