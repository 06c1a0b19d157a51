package io.teleflux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metric names live in one catalogue per package (a class whose name ends in {@code Metrics}):
 * no metric name is written anywhere else in the production code, and no name is defined by two
 * catalogues (which is how one metric came to have two help texts).
 */
class MetricCatalogueTest {
    static final Pattern NAME = Pattern.compile("\"(teleflux_[a-z0-9_]+)\"");

    @Test
    void metricNamesAreWrittenOnlyInTheirPackagesCatalogue() throws IOException {
        List<String> outside = new ArrayList<>();
        Map<String, List<Path>> definedIn = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ArchitectureTest.MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = NAME.matcher(Files.readString(f));
                boolean catalogue = f.getFileName().toString().endsWith("Metrics.java");
                while (m.find()) {
                    if (catalogue) {
                        definedIn.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
                    } else {
                        outside.add(ArchitectureTest.MAIN.relativize(f) + ": " + m.group(1));
                    }
                }
            }
        }
        assertThat(outside).as("metric names outside a *Metrics catalogue").isEmpty();
        assertThat(definedIn).as("catalogues found").isNotEmpty();
        definedIn.forEach((name, where) -> assertThat(where).as("catalogues defining %s", name).hasSize(1));
    }
}
