package io.teleflux.influx;

import io.teleflux.Components;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.influx.InfluxConfig;

import java.net.URI;
import java.util.Map;

/** Writer configs for tests, built through the real loader so that they are validated as in production. */
final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * {@code hocon} holds keys under {@code teleflux.influx}, e.g. {@code "batch-size = 10\ngzip = false"}.
     * The spool is off unless {@code hocon} turns it on (with a dir of the test's own): tests must
     * never share the default {@code ./spool}.
     */
    static InfluxConfig influx(String hocon) {
        return Components.fromConfig(ConfigFactory.parseString("teleflux.influx {\nspool.enabled = false\n" + hocon
                + "\n}"), Map.of()).get(InfluxConfig.SECTION);
    }

    static InfluxConfig v1(URI url, String database, String extra) {
        return influx("api = v1\nurl = " + q(url.toString()) + "\ndatabase = " + q(database) + "\n"
                + "retry { initial-backoff = 50ms, max-backoff = 500ms }\n" + extra);
    }

    static InfluxConfig v2(URI url, String org, String bucket, String token, String extra) {
        return influx("api = v2\nurl = " + q(url.toString()) + "\norg = " + q(org) + "\nbucket = " + q(bucket) + "\n"
                + "token = " + q(token) + "\nretry { initial-backoff = 50ms, max-backoff = 500ms }\n" + extra);
    }

    /** A HOCON quoted string. */
    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
