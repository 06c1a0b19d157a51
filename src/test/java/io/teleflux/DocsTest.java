package io.teleflux;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs and {@code reference.conf} describe the same keys: every key of {@code reference.conf} is
 * documented, written in full in backticks ({@code `teleflux.dialout.limits.idle-timeout`}) on some
 * page of {@code docs/}, and every key the docs (or the README) name exists, so that a renamed or
 * removed key cannot live on in the docs. Keys inside list elements (an SNMP target's
 * {@code community}) are not paths of {@code reference.conf}; the docs write them without the prefix.
 */
class DocsTest {
    static final Path REFERENCE = Path.of("src/main/resources/reference.conf");
    static final Path DOCS = Path.of("docs");
    static final Path README = Path.of("README.md");

    /**
     * Backticked names that start like a key and are not one. Keep it short: a real key that is
     * missing from reference.conf belongs there, not here.
     */
    static final Set<String> NOT_KEYS = Set.of(
            "teleflux.conf", // the user's config file, as the README and the examples name it
            "teleflux.jar"); // the packaged collector, as in `java -jar teleflux.jar`

    /** A name that starts with the root key, not preceded by anything that makes it part of a longer word or path. */
    static final Pattern KEY = Pattern.compile("(?<![A-Za-z0-9_./-])teleflux\\.[a-z0-9.-]+[a-z0-9]");
    static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
    static final Pattern HOCON_BLOCK = Pattern.compile("```hocon\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyKeyOfReferenceConfIsDocumented() {
        Set<String> documented = keysNamedIn(docsPages());
        List<String> missing = referenceLeaves().stream().filter(k -> !documented.contains(k)).toList();
        assertThat(missing)
                .as("keys of %s that no page of %s/ names in full in backticks (add each to its component's"
                        + " configuration table)", REFERENCE, DOCS)
                .isEmpty();
    }

    @Test
    void everyDocumentedKeyIsInReferenceConf() {
        Set<String> known = referencePathsAndPrefixes();
        Map<String, Set<String>> unknown = new TreeMap<>();
        for (Path page : pagesAndReadme()) {
            for (String key : keysNamedIn(List.of(page))) {
                if (!known.contains(key) && !NOT_KEYS.contains(key)) {
                    unknown.computeIfAbsent(key, k -> new TreeSet<>()).add(page.toString());
                }
            }
        }
        assertThat(unknown)
                .as("keys named in the docs (key -> pages) that are neither a key nor a block of %s", REFERENCE)
                .isEmpty();
    }

    /** The examples are configuration too: a key they set must exist (what is inside a list is not checked). */
    @Test
    void everyKeyOfAHoconExampleIsInReferenceConf() {
        Set<String> known = referencePathsAndPrefixes();
        Map<String, Set<String>> unknown = new TreeMap<>();
        for (Path page : pagesAndReadme()) {
            Matcher m = HOCON_BLOCK.matcher(read(page));
            while (m.find()) {
                ConfigObject root = ConfigFactory.parseString(m.group(1),
                        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).root();
                ConfigValue teleflux = root.get("teleflux");
                if (teleflux == null) {
                    continue; // e.g. a targets-file, whose keys are inside a list
                }
                List<String> paths = new ArrayList<>();
                collectPaths("teleflux", teleflux, paths);
                paths.stream().filter(p -> !known.contains(p))
                        .forEach(p -> unknown.computeIfAbsent(p, k -> new TreeSet<>()).add(page.toString()));
            }
        }
        assertThat(unknown).as("keys set in ```hocon examples (key -> pages) that %s does not have", REFERENCE).isEmpty();
    }

    /** Every leaf path of reference.conf, unquoted (a list, such as teleflux.snmp.targets, is a leaf). */
    static Set<String> referenceLeaves() {
        Config reference = ConfigFactory.parseFile(REFERENCE.toFile());
        return reference.entrySet().stream().map(e -> unquoted(e.getKey())).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> referencePathsAndPrefixes() {
        Set<String> all = new TreeSet<>();
        for (String leaf : referenceLeaves()) {
            List<String> parts = List.of(leaf.split("\\."));
            for (int i = 1; i <= parts.size(); i++) {
                all.add(String.join(".", parts.subList(0, i)));
            }
        }
        return all;
    }

    static void collectPaths(String path, ConfigValue value, List<String> out) {
        out.add(path);
        if (value instanceof ConfigObject object) { // not valueType(): an unresolved ${?VAR} has none yet
            object.forEach((k, v) -> collectPaths(path + "." + k, v, out));
        }
    }

    /** "teleflux.snmp.interfaces.\"include\"" and the like, as the docs write them. */
    static String unquoted(String path) {
        return String.join(".", ConfigUtil.splitPath(path));
    }

    static Set<String> keysNamedIn(List<Path> pages) {
        Set<String> keys = new TreeSet<>();
        for (Path page : pages) {
            Matcher span = CODE_SPAN.matcher(withoutCodeBlocks(read(page)));
            while (span.find()) {
                Matcher key = KEY.matcher(span.group(1));
                while (key.find()) {
                    keys.add(key.group());
                }
            }
        }
        return keys;
    }

    /** Fenced blocks hold examples (HOCON, shell, line protocol), not names in backticks. */
    static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?ms)^[ \\t]*```.*?^[ \\t]*```", "");
    }

    static List<Path> docsPages() {
        try (Stream<Path> files = Files.list(DOCS)) {
            List<Path> pages = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
            assertThat(pages).as("pages in %s/", DOCS).isNotEmpty();
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> pagesAndReadme() {
        List<Path> pages = new ArrayList<>(docsPages());
        pages.add(README);
        return pages;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
