package io.teleflux.config;

/** {@code teleflux.http}: the /metrics and /health endpoint. */
public record HttpConfig(boolean enabled, HostPort listen) {
}
