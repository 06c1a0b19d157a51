package io.teleflux.dialout;

import io.teleflux.selfmon.Metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters of a golden case (every vendor's): {@code expected-counters.properties} holds lines
 * {@code family{label="value"}=n}; each must have counted exactly that, and no other series of the
 * decoder's families may have counted anything (an unexpected error would otherwise pass unseen).
 */
public final class GoldenCounters {
    private GoldenCounters() {
    }

    /** @param runs how many times the case was decoded (a case fed twice counts twice) */
    public static void check(Path dir, Metrics metrics, Collection<String> families, int runs) throws IOException {
        Map<String, Long> expected = new LinkedHashMap<>();
        Path file = dir.resolve("expected-counters.properties");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.lastIndexOf('=');
                expected.put(line.substring(0, eq).strip(), Long.parseLong(line.substring(eq + 1).strip()));
            }
        }
        Map<String, Long> totals = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            String series = e.getKey();
            int brace = series.indexOf('{');
            String name = series.substring(0, brace);
            String label = series.substring(brace + 1, series.length() - 1);
            int eq = label.indexOf('=');
            String value = label.substring(eq + 2, label.length() - 1);
            assertThat(families).as("counter family of %s", series).contains(name);
            assertThat((long) metrics.value(name, label.substring(0, eq), value)).as(series).isEqualTo(runs * e.getValue());
            totals.merge(name, e.getValue(), Long::sum);
        }
        for (String family : families) {
            assertThat((long) metrics.sum(family)).as("total of %s (no unexpected counter)", family)
                    .isEqualTo(runs * totals.getOrDefault(family, 0L));
        }
    }
}
