package io.teleflux.selfmon;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;
import io.teleflux.config.Section;


/**
 * {@code teleflux.http}: the /metrics, /health and /live endpoint. {@code token}, when not empty,
 * guards the routes registered as guarded (the live view); /metrics and /health stay open so that
 * probes and Prometheus need no secret.
 */
public record HttpConfig(boolean enabled, HostPort listen, Secret token) {
    /** Takes precedence over {@code teleflux.http.token-file} and {@code teleflux.http.token}. */
    public static final String ENV_HTTP_TOKEN = "TELEFLUX_HTTP_TOKEN";

    /** {@code teleflux.http}. */
    public static final Section<HttpConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.http";
        }

        @Override
        public HttpConfig read(ConfigReader r) {
            return new HttpConfig(r.bool("teleflux.http.enabled"), r.hostPort("teleflux.http.listen"),
                    r.secret("teleflux.http.token", "teleflux.http.token-file", ENV_HTTP_TOKEN));
        }
    };
}
