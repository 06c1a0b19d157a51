package io.teleflux.config;

import io.teleflux.Components;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the config loader (Jazzer): arbitrary HOCON text, parsed as
 * {@link ConfigLoader#load} parses a file, then validated by {@link ConfigLoader#fromConfig}. Seeds:
 * {@code reference.conf}, the collector config of the compose stack, every HOCON block of the README
 * and of the pages in {@code docs/}, and a few minimal configs.
 *
 * <p>Invariants: the text gives either a config (which {@link ConfigLoader#describe} can print) or
 * a {@link ConfigException} with at least one problem, never another exception (a syntax error is
 * typesafe-config's exception, which {@code load} turns into a ConfigException); loading the same
 * text twice gives the same result.
 *
 * <p>{@code include} statements resolve to nothing here: an include may name a URL, and a fuzzer
 * must not reach the network (they are typesafe-config's code, not Teleflux's). Secret files
 * ({@code token-file}) are read as configured: reading the file the operator names is the feature,
 * so Jazzer's path-traversal detector is told to allow it.
 */
class ConfigLoaderFuzzer {
    static final Map<String, String> ENV = Map.of("TELEFLUX_FUZZ_VAR", "fuzz", "TELEFLUX_INFLUX_PASSWORD", "");
    static final ConfigParseOptions OPTIONS = ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
            .setAllowMissing(false).setIncluder(new NoIncludes());

    static Stream<Arguments> seeds() throws IOException {
        List<String> texts = new ArrayList<>();
        texts.add(Files.readString(Path.of("src/main/resources/reference.conf")));
        for (Path p : List.of(Path.of("docker/teleflux/teleflux.conf"), Path.of("docker/teleflux/snmp-targets.conf"))) {
            if (Files.exists(p)) {
                texts.add(Files.readString(p));
            }
        }
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Pattern hocon = Pattern.compile("```hocon\n(.*?)```", Pattern.DOTALL);
        for (Path page : pages) {
            Matcher m = hocon.matcher(Files.readString(page));
            while (m.find()) {
                texts.add(m.group(1));
            }
        }
        texts.add("teleflux.influx { org = acme, token = t0k }");
        texts.add("teleflux.influx { api = v1, url = \"http://127.0.0.1:8086\", database = telemetry }\n"
                + "teleflux.snmp.targets = [ { address = \"127.0.0.1:161\", community = ${?TELEFLUX_FUZZ_VAR} } ]");
        return texts.stream().map(t -> Arguments.of((Object) t.getBytes(StandardCharsets.UTF_8)));
    }

    @MethodSource("seeds")
    @DictionaryEntries({"teleflux", "dialout", "influx", "snmp", "spool", "tls", "targets", "interfaces", "include",
            "exclude", "community", "token-file", "max-bytes", "v1", "v2", "MiB", "GiB", "60s", "${?", "}", "{", "[",
            "]", "=", "\"", ".", ",", "+=", "\"\"\""})
    @FuzzTest(maxDuration = "30s")
    void load(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try (SilentCloseable ignored = BugDetectors.setFilePathTraversalAllowPath(p -> true)) {
            Object first = outcome(text);
            Object second = outcome(text);
            assertThat(second).as("the same text loaded twice").isEqualTo(first);
        }
    }

    /** describe() of the config, or the problems of the ConfigException, or null for a syntax error. */
    static Object outcome(String text) {
        Config user;
        try {
            user = ConfigFactory.parseString(text, OPTIONS);
        } catch (com.typesafe.config.ConfigException e) {
            return null; // load() reports it as a ConfigException
        }
        TelefluxConfig cfg;
        try {
            cfg = Components.fromConfig(user, ENV);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).isNotBlank());
            assertThat(e.getMessage()).isNotBlank();
            return e.problems();
        }
        assertThat(cfg).isNotNull();
        return ConfigLoader.describe(cfg);
    }

    /** Every include, of any kind, is an empty object. */
    static final class NoIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
        @Override
        public ConfigIncluder withFallback(ConfigIncluder fallback) {
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            return ConfigFactory.empty().root();
        }

        @Override
        public ConfigObject includeFile(ConfigIncludeContext context, File what) {
            return ConfigFactory.empty().root();
        }

        @Override
        public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
            return ConfigFactory.empty().root();
        }

        @Override
        public ConfigObject includeResources(ConfigIncludeContext context, String what) {
            return ConfigFactory.empty().root();
        }
    }
}
