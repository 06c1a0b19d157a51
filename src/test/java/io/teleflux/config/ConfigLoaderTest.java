package io.teleflux.config;

import io.teleflux.influx.spool.SpoolConfig;

import io.teleflux.Components;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.rate.RateConfig;
import io.teleflux.live.LiveConfig;
import io.teleflux.selfmon.HttpConfig;
import io.teleflux.selfmon.SelfmonConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String hocon) throws Exception {
        Path f = dir.resolve("teleflux.conf");
        Files.writeString(f, hocon);
        return f;
    }

    @Test
    void minimalV2ConfigGetsEveryDefault() throws Exception {
        TelefluxConfig c = Components.load(write("teleflux.influx { org = acme, token = t0k }"), Map.of());
        assertThat(c.get(InfluxConfig.SECTION).api()).isEqualTo(InfluxConfig.Api.V2);
        assertThat(c.get(InfluxConfig.SECTION).bucket()).isEqualTo("telemetry");
        assertThat(c.get(InfluxConfig.SECTION).batchSize()).isEqualTo(5000);
        assertThat(c.get(InfluxConfig.SECTION).flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.get(DialoutConfig.SECTION).listen()).isEqualTo(new HostPort("0.0.0.0", 50051));
        assertThat(c.get(DialoutConfig.SECTION).maxMessageSize()).isEqualTo(64 * 1024 * 1024);
        assertThat(c.get(HttpConfig.SECTION).listen()).as("loopback unless exposed on purpose").isEqualTo(new HostPort("127.0.0.1", 9273));
        assertThat(c.get(HttpConfig.SECTION).token().isEmpty()).isTrue();
        assertThat(c.get(LiveConfig.SECTION)).isEqualTo(new LiveConfig(true, 32, 1024, Duration.ofMinutes(5), 20));
        assertThat(c.get(SelfmonConfig.SECTION).interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.get(RateConfig.SECTION).maxGap()).isNull();
        assertThat(c.get(RateConfig.SECTION).maxGapFor(Duration.ofSeconds(5))).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.get(RateConfig.SECTION).maxGapFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.instance()).isNotEmpty();
    }

    @Test
    void environmentOverridesSecretsAndTheyNeverPrint() throws Exception {
        TelefluxConfig c = Components.load(write("teleflux.influx { org = acme, token = from-file, api = v1, password = pw-file }"),
                Map.of("TELEFLUX_INFLUX_TOKEN", "s3cr3t-token", "TELEFLUX_INFLUX_PASSWORD", "s3cr3t-pw"));
        assertThat(c.get(InfluxConfig.SECTION).token().reveal()).isEqualTo("s3cr3t-token");
        assertThat(c.get(InfluxConfig.SECTION).password().reveal()).isEqualTo("s3cr3t-pw");
        String described = ConfigLoader.describe(c);
        assertThat(described).doesNotContain("s3cr3t").doesNotContain("from-file").doesNotContain("pw-file")
                .contains("teleflux.influx.token = (set, redacted)");
        assertThat(c.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void theLiveViewTokenComesFromTheEnvironmentFirstAndNeverPrints() throws Exception {
        Path tokenFile = dir.resolve("http-token");
        Files.writeString(tokenFile, "file-live-token\n");
        String conf = "teleflux.influx { org = acme, token = t }\nteleflux.http { token = inline-live-token, token-file = \""
                + tokenFile + "\" }";
        TelefluxConfig fromFile = Components.load(write(conf), Map.of());
        assertThat(fromFile.get(HttpConfig.SECTION).token().reveal()).isEqualTo("file-live-token");
        TelefluxConfig c = Components.load(write(conf), Map.of("TELEFLUX_HTTP_TOKEN", "env-live-token"));
        assertThat(c.get(HttpConfig.SECTION).token().reveal()).isEqualTo("env-live-token");
        assertThat(ConfigLoader.describe(c)).doesNotContain("live-token").contains("teleflux.http.token = (set, redacted)");
    }

    @Test
    void liveSettingsAreValidated() throws Exception {
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { org = a, token = t }\n"
                + "teleflux.live { max-clients = 0, client-buffer = 1, history = 2h, top = 500 }"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.live.max-clients: 0 is out of range")
                .hasMessageContaining("teleflux.live.client-buffer: 1 is out of range")
                .hasMessageContaining("teleflux.live.history: ")
                .hasMessageContaining("teleflux.live.top: 500 is out of range 1..200");
    }

    @Test
    void secretFromFile() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "file-token\n");
        TelefluxConfig c = Components.load(write("teleflux.influx { org = acme, token-file = \"" + tokenFile + "\" }"), Map.of());
        assertThat(c.get(InfluxConfig.SECTION).token().reveal()).isEqualTo("file-token");
    }

    @Test
    void unknownKeyIsAnErrorWithDidYouMean() throws Exception {
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { org = a, token = t, batch-szie = 10 }"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.influx.batch-szie: unknown key (did you mean teleflux.influx.batch-size?)");
        assertThatThrownBy(() -> Components.load(write("teleflux.dialuot.listen = \":1\"\nteleflux.influx { org = a, token = t }"), Map.of()))
                .hasMessageContaining("teleflux.dialuot.listen: unknown key (did you mean teleflux.dialout.listen?)");
    }

    @Test
    void badValuesNameTheirKeysAllAtOnce() throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> Components.load(write("""
                teleflux {
                  dialout.listen = "0.0.0.0:99999"
                  influx { api = v3, batch-size = lots, flush-interval = soon, url = "ftp://x" }
                  log.level = LOUD
                }
                """), Map.of()));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.dialout.listen: port 99999 is out of range"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.influx.api: 'v3' is not v1 or v2"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.influx.batch-size:"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.influx.flush-interval:"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.influx.url: 'ftp://x' must be an http"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.log.level:"));
    }

    @Test
    void v2RequiresOrgAndTokenV1RequiresDatabase() throws Exception {
        assertThatThrownBy(() -> Components.load(write("teleflux.influx.api = v2"), Map.of()))
                .hasMessageContaining("teleflux.influx.org: required when api = v2")
                .hasMessageContaining("teleflux.influx.token: required when api = v2");
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { api = v1, database = \"\" }"), Map.of()))
                .hasMessageContaining("teleflux.influx.database: required when api = v1");
        assertThat(Components.load(write("teleflux.influx.api = v1"), Map.of()).get(InfluxConfig.SECTION).database()).isEqualTo("telemetry");
    }

    @Test
    void missingFileAndSyntaxErrorsAreClear() throws Exception {
        assertThatThrownBy(() -> Components.load(dir.resolve("nope.conf"), Map.of()))
                .hasMessageContaining("nope.conf does not exist");
        assertThatThrownBy(() -> Components.load(write("teleflux { influx { "), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("teleflux.conf");
    }

    @Test
    void hostPortParsing() {
        assertThat(HostPort.parse("k", "[::1]:50051", 0)).isEqualTo(new HostPort("::1", 50051));
        assertThat(HostPort.parse("k", "10.0.0.1", 161)).isEqualTo(new HostPort("10.0.0.1", 161));
        assertThatThrownBy(() -> HostPort.parse("k", "::1:5", 0)).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("k", "host", 0)).hasMessageContaining("k: missing port");
        assertThatThrownBy(() -> HostPort.parse("k", "h:x", 0)).hasMessageContaining("port 'x' is not a number");
    }

    @Test
    void everyReferenceKeyIsDocumentedWithAComment() throws Exception {
        String ref = new String(ConfigLoader.class.getClassLoader().getResourceAsStream("reference.conf").readAllBytes());
        var reference = ConfigLoader.reference().getConfig("teleflux");
        for (var e : reference.entrySet()) {
            assertThat(e.getValue().origin().comments())
                    .as("reference.conf key teleflux.%s has a comment", e.getKey())
                    .isNotEmpty();
        }
        assertThat(ref).contains("teleflux {");
    }

    @Test
    void theSpoolIsOnByDefaultInTheWorkingDirectory() throws Exception {
        TelefluxConfig c = Components.load(write("teleflux.influx { org = acme, token = t }"), Map.of());
        SpoolConfig s = c.get(InfluxConfig.SECTION).spool();
        assertThat(s.enabled()).isTrue();
        assertThat(s.dir()).isEqualTo(Path.of("spool"));
        assertThat(s.maxBytes()).isEqualTo(1L << 30);
        assertThat(s.segmentBytes()).isEqualTo(64L << 20);
        assertThat(s.onFull()).isEqualTo(SpoolConfig.OnFull.DROP_OLDEST);
        assertThat(s.fsync()).isEqualTo(SpoolConfig.Fsync.BATCH);
        assertThat(s.replayShare()).isEqualTo(0.5);
        assertThat(ConfigLoader.describe(c)).contains("teleflux.influx.spool.on-full = drop-oldest",
                "teleflux.influx.spool.dir = spool");
    }

    @Test
    void aSegmentIsAtMostAnEighthOfTheSpool() throws Exception {
        TelefluxConfig c = Components.load(write("teleflux.influx { org = acme, token = t, spool.max-bytes = 8 MiB }"),
                Map.of());
        assertThat(c.get(InfluxConfig.SECTION).spool().segmentBytes()).isEqualTo(1L << 20);
    }

    @Test
    void badSpoolSettingsNameTheirKeys() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { org = acme, token = t, spool { dir = \""
                + file.resolve("spool") + "\", on-full = discard, fsync = sometimes, replay-share = 0, max-bytes = 1 KiB } }"),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("teleflux.influx.spool.dir: '" + file.resolve("spool") + "' cannot be created: "
                        + file + " is not a directory")
                .hasMessageContaining("teleflux.influx.spool.on-full: 'discard' is not drop-oldest or block")
                .hasMessageContaining("teleflux.influx.spool.fsync: 'sometimes' is not batch, interval or never")
                .hasMessageContaining("teleflux.influx.spool.replay-share: 0.0 is out of range")
                .hasMessageContaining("teleflux.influx.spool.max-bytes: 1024 bytes is out of range");
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { org = acme, token = t, spool.dir = \""
                + file + "\" }"), Map.of())).hasMessageContaining("exists and is not a directory");
        // a disabled spool's directory is not checked
        Components.load(write("teleflux.influx { org = acme, token = t, spool { enabled = false, dir = \"" + file
                + "\" } }"), Map.of());
    }

    @Test
    void dialoutSecurityKeysAreValidatedAndNamed() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> Components.fromConfig(
                com.typesafe.config.ConfigFactory.parseString("""
                        teleflux.dialout { tls { enabled = true, client-auth = sometimes }, allow = ["10.0.0.0/8", "bogus"],
                          max-streams = 0, max-depth = 3 }
                        """), java.util.Map.of()));
        assertThat(e.problems()).contains("teleflux.dialout.tls.cert: required when TLS is enabled",
                "teleflux.dialout.tls.key: required when TLS is enabled",
                "teleflux.dialout.tls.client-auth: 'sometimes' is not none, optional or require",
                "teleflux.dialout.max-streams: 0 is out of range 1..1000000",
                "teleflux.dialout.max-depth: 3 is out of range 6..1000");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.dialout.allow: 'bogus' is not an IPv4 or IPv6 network"));

        var missing = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> Components.fromConfig(
                com.typesafe.config.ConfigFactory.parseString("""
                        teleflux.dialout.tls { enabled = true, cert = "/nonexistent/c.pem", key = "/nonexistent/k.pem", client-auth = require }
                        """), java.util.Map.of()));
        assertThat(missing.problems()).contains("teleflux.dialout.tls.cert: cannot read '/nonexistent/c.pem'",
                "teleflux.dialout.tls.client-ca: required when client-auth = require");
    }

    @Test
    void dialoutSecurityDefaultsAreOpenAndDescribed() {
        TelefluxConfig cfg = Components.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "teleflux.influx { api = v1 }\nteleflux.dialout { allow = [\"192.0.2.0/24\", \"2001:db8::/32\"], require-device-name-match = true }"), java.util.Map.of());
        assertThat(cfg.get(DialoutConfig.SECTION).tls().enabled()).isFalse();
        assertThat(cfg.get(DialoutConfig.SECTION).maxStreams()).isEqualTo(10_000);
        assertThat(cfg.get(DialoutConfig.SECTION).maxRows()).isEqualTo(100_000);
        assertThat(cfg.get(DialoutConfig.SECTION).maxDepth()).isEqualTo(32);
        assertThat(ConfigLoader.describe(cfg)).contains("teleflux.dialout.allow = [192.0.2.0/24, 2001:db8:0:0:0:0:0:0/32]",
                "teleflux.dialout.tls.cert = (not set)", "teleflux.dialout.tls.client-auth = none",
                "teleflux.dialout.require-device-name-match = true");
    }

    @Test
    void proxyProtocolTrustedIsOffByDefaultAndABadCidrNamesTheKey() {
        TelefluxConfig cfg = Components.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "teleflux.influx { api = v1 }\nteleflux.dialout.proxy-protocol.trusted = [\"10.0.5.10\", \"2001:db8::/64\"]"),
                java.util.Map.of());
        DialoutConfig.ProxyProtocol pp = cfg.get(DialoutConfig.SECTION).proxyProtocol();
        assertThat(pp.trusted()).hasSize(2);
        assertThat(pp.headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(Components.fromConfig(com.typesafe.config.ConfigFactory.parseString("teleflux.influx { api = v1 }"),
                java.util.Map.of()).get(DialoutConfig.SECTION).proxyProtocol().trusted()).isEmpty();
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> Components.fromConfig(
                com.typesafe.config.ConfigFactory.parseString("teleflux.influx { api = v1 }\n"
                        + "teleflux.dialout.proxy-protocol { trusted = [\"10.0.0.0/33\", \"haproxy\"], header-timeout = 0s }"),
                java.util.Map.of()));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("teleflux.dialout.proxy-protocol.trusted: '10.0.0.0/33'"))
                .anyMatch(p -> p.startsWith("teleflux.dialout.proxy-protocol.trusted: 'haproxy' is not an IPv4 or IPv6 network"))
                .anyMatch(p -> p.startsWith("teleflux.dialout.proxy-protocol.header-timeout"));
    }

    @Test
    void gzipLevelDefaultsToTheFastestAndIsBounded() throws Exception {
        assertThat(Components.load(write("teleflux.influx { org = acme, token = t }"), Map.of()).get(InfluxConfig.SECTION).gzipLevel())
                .isEqualTo(1);
        assertThat(Components.load(write("teleflux.influx { org = acme, token = t, gzip-level = 9 }"), Map.of())
                .get(InfluxConfig.SECTION).gzipLevel()).isEqualTo(9);
        assertThatThrownBy(() -> Components.load(write("teleflux.influx { org = acme, token = t, gzip-level = 0 }"), Map.of()))
                .hasMessageContaining("teleflux.influx.gzip-level: 0 is out of range 1..9");
    }

    @Test
    void gzipAutoIsOffOnlyForALoopbackUrl() throws Exception {
        for (String url : new String[] {"http://localhost:8086", "http://127.0.0.1:8086", "https://127.8.9.10", "http://[::1]:8086"}) {
            assertThat(gzip("url = \"" + url + "\"")).as(url).isFalse();
        }
        for (String url : new String[] {"http://influx:8086", "http://10.0.0.5:8086", "https://127.example.com", "http://[2001:db8::1]"}) {
            assertThat(gzip("url = \"" + url + "\"")).as(url).isTrue();
        }
        assertThat(gzip("url = \"http://127.0.0.1:8086\", gzip = true")).isTrue();
        assertThat(gzip("url = \"http://influx:8086\", gzip = false")).isFalse();
        assertThatThrownBy(() -> gzip("gzip = sometimes"))
                .hasMessageContaining("teleflux.influx.gzip: 'sometimes' is not true, false or auto");
    }

    private boolean gzip(String keys) throws Exception {
        return Components.load(write("teleflux.influx { org = acme, token = t, " + keys + " }"), Map.of())
                .get(InfluxConfig.SECTION).gzip();
    }
}
