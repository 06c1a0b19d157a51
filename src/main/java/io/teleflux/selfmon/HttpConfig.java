package io.teleflux.selfmon;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;
import io.teleflux.config.HostPort;


/** {@code teleflux.http}: the /metrics and /health endpoint. */
public record HttpConfig(boolean enabled, HostPort listen) {
    /** {@code teleflux.http}. */
    public static final Section<HttpConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.http";
        }

        @Override
        public HttpConfig read(ConfigReader r) {
            return new HttpConfig(r.bool("teleflux.http.enabled"), r.hostPort("teleflux.http.listen"));
        }
    };
}
