package io.teleflux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The design's rules, checked on the sources: one direction of data flow, no package cycles,
 * and a package-info in every package.
 */
class ArchitectureTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.teleflux\\.[a-z0-9_.]+?)\\.[A-Z]", Pattern.MULTILINE);

    /** package → packages it may not import (directly). */
    static final Map<String, Set<String>> FORBIDDEN = Map.ofEntries(
            Map.entry("io.teleflux.point", Set.of("*")),
            Map.entry("io.teleflux.config", Set.of("*")),
            Map.entry("io.teleflux.component", Set.of("*")),
            Map.entry("io.teleflux.input", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.gnmi", "io.teleflux.rate", "io.teleflux.influx", "io.teleflux.sim")),
            Map.entry("io.teleflux.gnmi", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.influx", "io.teleflux.rate", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.sim")),
            Map.entry("io.teleflux.selfmon", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.rate", "io.teleflux.influx", "io.teleflux.sim", "io.teleflux.gnmi", "io.teleflux.input")),
            Map.entry("io.teleflux.rate", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.influx", "io.teleflux.sim", "io.teleflux.gnmi")),
            Map.entry("io.teleflux.influx", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.rate", "io.teleflux.sim", "io.teleflux.gnmi")),
            Map.entry("io.teleflux.dialout", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.influx", "io.teleflux.rate", "io.teleflux.snmp", "io.teleflux.sim", "io.teleflux.gnmi")),
            Map.entry("io.teleflux.snmp", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.influx", "io.teleflux.rate", "io.teleflux.dialout", "io.teleflux.sim", "io.teleflux.gnmi")),
            // the live view reads points the rate stage passes on; only the root package wires it in
            Map.entry("io.teleflux.live", Set.of("io.teleflux.kafka", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.rate", "io.teleflux.influx", "io.teleflux.sim", "io.teleflux.gnmi", "io.teleflux.input")),
            Map.entry("io.teleflux.sim", Set.of("io.teleflux.live", "io.teleflux.kafka", "io.teleflux.influx", "io.teleflux.rate", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.gnmi")),
            // the Kafka output and relay sit beside the InfluxDB writer, after the rate stage: they know
            // line protocol and the writer machinery, nothing of the inputs or the live view
            Map.entry("io.teleflux.kafka", Set.of("io.teleflux.live", "io.teleflux.dialout", "io.teleflux.snmp", "io.teleflux.rate",
                    "io.teleflux.sim", "io.teleflux.gnmi", "io.teleflux.input")));


    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg) && !m.group(1).startsWith("io.teleflux.proto")) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return g;
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        for (String pkg : graph().keySet()) {
            Path info = MAIN.resolve(pkg.replace('.', '/')).resolve("package-info.java");
            assertThat(info).as("package-info.java of %s", pkg).exists();
            assertThat(Files.readString(info)).contains("/**");
        }
    }

    @Test
    void dataFlowsOneWay() throws IOException {
        List<String> violations = new ArrayList<>();
        graph().forEach((pkg, deps) -> FORBIDDEN.forEach((scope, banned) -> {
            if (pkg.equals(scope) || pkg.startsWith(scope + ".")) {
                for (String d : deps) {
                    boolean inScope = d.equals(scope) || d.startsWith(scope + ".");
                    if (!inScope && (banned.contains("*") || banned.stream().anyMatch(b -> d.equals(b) || d.startsWith(b + ".")))) {
                        violations.add(pkg + " imports " + d);
                    }
                }
            }
        }));
        assertThat(violations).isEmpty();
    }

    @Test
    void noPackageCycles() throws IOException {
        Map<String, Set<String>> g = graph();
        for (String start : g.keySet()) {
            // a cycle through start exists if start is reachable from one of its dependencies
            Set<String> seen = new TreeSet<>();
            List<String> todo = new ArrayList<>(g.getOrDefault(start, Set.of()));
            while (!todo.isEmpty()) {
                String p = todo.remove(todo.size() - 1);
                assertThat(p).as("package cycle through %s", start).isNotEqualTo(start);
                if (seen.add(p)) {
                    todo.addAll(g.getOrDefault(p, Set.of()));
                }
            }
        }
    }
}
