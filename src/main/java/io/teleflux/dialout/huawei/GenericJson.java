package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON content of any other sensor path, stored as {@code huawei_<path>} in the manner of the H3C
 * generic tables:
 * <ul>
 *   <li>every object in an array is a row (a point), the content's root is one too; nested
 *       objects are flattened into their row with {@code _};</li>
 *   <li>leaves that identify a row ({@code name}, {@code ifName}, {@code position}, {@code slot},
 *       {@code id}, any {@code ...name}, see {@link HuaweiNames#isKey}) are tags, inherited by the
 *       rows nested inside;</li>
 *   <li>numbers and numeric strings are float fields (one type whatever the value looks like, so
 *       InfluxDB never sees a field change type), booleans boolean fields; other strings are
 *       dropped and counted ({@code non_numeric});</li>
 *   <li>names are snake_cased, module prefixes dropped ({@code huawei-cpu:cpu-usage} → {@code cpu_usage}).</li>
 * </ul>
 */
final class GenericJson {
    private GenericJson() {
    }

    /** Adds the points of {@code content} (an object, or an array of rows). */
    static void points(Object content, String measurement, long timeMs, Scratch s) throws DecodeException {
        if (content instanceof List<?> list) {
            for (Object e : list) {
                Map<String, Object> o = JsonTree.object(e);
                if (o != null) {
                    row(o, List.of(), measurement, timeMs, s);
                }
            }
            return;
        }
        Map<String, Object> o = JsonTree.object(content);
        if (o != null) {
            row(o, List.of(), measurement, timeMs, s);
        }
    }

    private static void row(Map<String, Object> o, List<String[]> inherited, String measurement, long timeMs, Scratch s)
            throws DecodeException {
        Point.Builder b = Point.builder(measurement);
        List<String[]> tags = new ArrayList<>(inherited);
        List<Map<String, Object>> rows = new ArrayList<>();
        collect(o, "", b, tags, rows, s);
        if (b.fieldCount() > 0) {
            b.tag(Schema.TAG_DEVICE, s.device).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
            for (String[] t : tags) {
                b.tag(t[0], t[1]);
            }
            s.add(b.build());
        }
        for (Map<String, Object> r : rows) {
            row(r, tags, measurement, timeMs, s);
        }
    }

    private static void collect(Map<String, Object> o, String prefix, Point.Builder b, List<String[]> tags,
                                List<Map<String, Object>> rows, Scratch s) {
        for (Map.Entry<String, Object> e : o.entrySet()) {
            String name = e.getKey();
            Object v = e.getValue();
            String key = prefix + HuaweiNames.key(name);
            if (v instanceof Map<?, ?>) {
                collect(JsonTree.object(v), prefix + HuaweiNames.snake(name) + "_", b, tags, rows, s);
            } else if (v instanceof List<?> list) {
                int i = 0;
                for (Object item : list) {
                    Map<String, Object> r = JsonTree.object(item);
                    if (r != null) {
                        rows.add(r);
                    } else {
                        leaf(key + "_" + i, name, item, b, tags, s, false);
                    }
                    i++;
                }
            } else {
                leaf(key, name, v, b, tags, s, HuaweiNames.isKey(name));
            }
        }
    }

    private static void leaf(String key, String name, Object v, Point.Builder b, List<String[]> tags, Scratch s,
                             boolean isKey) {
        if (v == JsonTree.NULL || v == null) {
            return;
        }
        if (isKey) {
            String text = v instanceof String t ? t.strip() : v instanceof Double d ? d.toString() : v.toString();
            if (!text.isEmpty()) {
                tags.removeIf(t -> t[0].equals(key));
                tags.add(new String[]{key, text});
            }
            return;
        }
        if (v instanceof Boolean z) {
            b.field(key, z);
            return;
        }
        double d = v instanceof BigInteger big ? big.doubleValue() : JsonTree.number(v);
        if (Double.isNaN(d)) {
            s.count(Issue.NON_NUMERIC, name);
        } else {
            b.field(key, d);
        }
    }
}
