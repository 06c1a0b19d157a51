package io.teleflux.testsupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parsed answer of an InfluxQL query ({@code /query}, JSON): its series, each with columns and
 * rows of values. Integers come back as {@link Long}, floats as {@link Double} (note that InfluxDB
 * writes a float with an integral value, such as 3.0, as {@code 3}: check field types with
 * {@code SHOW FIELD KEYS}). A statement error is thrown, never returned as an empty result.
 */
public final class InfluxQueryResult {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final List<Series> series;

    private InfluxQueryResult(List<Series> series) {
        this.series = series;
    }

    /** One series: measurement name, tags (with GROUP BY), column names and rows. */
    public record Series(String name, Map<String, String> tags, List<String> columns, List<List<Object>> values) {

        public int size() {
            return values.size();
        }

        /** Every value of column {@code column}, in row order. */
        public List<Object> column(String column) {
            int i = index(column);
            List<Object> out = new ArrayList<>(values.size());
            for (List<Object> row : values) {
                out.add(row.get(i));
            }
            return out;
        }

        public Object value(int row, String column) {
            return values.get(row).get(index(column));
        }

        /** Row {@code row} as column → value. */
        public Map<String, Object> row(int row) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                m.put(columns.get(c), values.get(row).get(c));
            }
            return m;
        }

        public List<Map<String, Object>> rows() {
            List<Map<String, Object>> out = new ArrayList<>(values.size());
            for (int r = 0; r < values.size(); r++) {
                out.add(row(r));
            }
            return out;
        }

        private int index(String column) {
            int i = columns.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException("no column '" + column + "' in " + columns);
            }
            return i;
        }
    }

    public static InfluxQueryResult parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("InfluxDB answered with something that is not JSON: " + json, e);
        }
        if (root.has("error")) {
            throw new IllegalStateException("InfluxDB query error: " + root.get("error").asText());
        }
        List<Series> out = new ArrayList<>();
        for (JsonNode result : root.path("results")) {
            if (result.has("error")) {
                throw new IllegalStateException("InfluxDB statement error: " + result.get("error").asText());
            }
            for (JsonNode s : result.path("series")) {
                Map<String, String> tags = new TreeMap<>();
                s.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
                List<String> columns = new ArrayList<>();
                s.path("columns").forEach(c -> columns.add(c.asText()));
                List<List<Object>> rows = new ArrayList<>();
                for (JsonNode row : s.path("values")) {
                    List<Object> r = new ArrayList<>();
                    row.forEach(v -> r.add(JSON.convertValue(v, Object.class)));
                    rows.add(Collections.unmodifiableList(r));
                }
                out.add(new Series(s.path("name").asText(), Collections.unmodifiableMap(tags), List.copyOf(columns),
                        List.copyOf(rows)));
            }
        }
        return new InfluxQueryResult(List.copyOf(out));
    }

    public List<Series> series() {
        return series;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    /** The one series of measurement {@code name}; fails when there is none or more than one. */
    public Series series(String name) {
        Series found = null;
        for (Series s : series) {
            if (s.name().equals(name)) {
                if (found != null) {
                    throw new IllegalStateException("more than one series named '" + name + "' (use GROUP BY-aware "
                            + "series()): " + series);
                }
                found = s;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no series named '" + name + "' in " + series);
        }
        return found;
    }

    /** The only series of the result. */
    public Series single() {
        if (series.size() != 1) {
            throw new IllegalStateException("expected exactly one series, got " + series.size() + ": " + series);
        }
        return series.get(0);
    }

    @Override
    public String toString() {
        return series.toString();
    }
}
