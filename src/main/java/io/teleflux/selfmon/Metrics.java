package io.teleflux.selfmon;

import io.teleflux.config.Redaction;
import io.teleflux.point.Point;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Counters and gauges, each a family (name, help, type) with label sets.
 *
 * <p>Hot paths look a {@link Counter} up once and keep it; the lookup itself is a hash-map hit.
 * Label values are whatever the caller passes, so callers must never pass secrets (device names,
 * reasons and statuses only); as a second line of defence, a label value holding a configured
 * secret is stored redacted ({@link Redaction}).
 */
public final class Metrics {
    public enum Type { COUNTER, GAUGE }

    private record Family(String name, String help, Type type) {
    }

    private record Key(String name, List<String> labels) {
    }

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    /** Declares a family; the first declaration of a name wins. Undeclared families are exposed untyped-as-counter. */
    public Metrics describe(String name, Type type, String help) {
        families.putIfAbsent(name, new Family(name, help, type));
        return this;
    }

    /** The counter for {@code name} with labels given as key, value, key, value... */
    public Counter counter(String name, String... labels) {
        Key key = new Key(name, List.of(labels));
        Counter c = counters.get(key);
        if (c == null) {
            families.putIfAbsent(name, new Family(name, "", Type.COUNTER));
            c = counters.computeIfAbsent(redacted(key), k -> new Counter());
        }
        return c;
    }

    /** The key with secrets replaced in its label values; checked only when a series is created. */
    private static Key redacted(Key key) {
        List<String> labels = key.labels;
        List<String> out = null;
        for (int i = 1; i < labels.size(); i += 2) {
            String v = labels.get(i);
            String r = Redaction.redactExceptCommunities(v);
            if (r != v && !r.equals(v)) {
                if (out == null) {
                    out = new ArrayList<>(labels);
                }
                out.set(i, r);
            }
        }
        return out == null ? key : new Key(key.name, List.copyOf(out));
    }

    /** Registers (or replaces) a gauge read at exposition time. */
    public void gauge(String name, DoubleSupplier value, String... labels) {
        families.putIfAbsent(name, new Family(name, "", Type.GAUGE));
        gauges.put(redacted(new Key(name, List.of(labels))), value);
    }

    /** A settable gauge, for values that are pushed rather than read (e.g. last poll time). */
    public Counter settableGauge(String name, String... labels) {
        families.putIfAbsent(name, new Family(name, "", Type.GAUGE));
        Key key = redacted(new Key(name, List.of(labels)));
        Counter c = counters.computeIfAbsent(key, k -> new Counter());
        gauges.putIfAbsent(key, c::value);
        return c;
    }

    public void removeGauge(String name, String... labels) {
        Key key = new Key(name, List.of(labels));
        gauges.remove(key);
        counters.remove(key);
    }

    /** Current value of one series (0 when absent); for tests and for the health endpoint. */
    public double value(String name, String... labels) {
        Key key = new Key(name, List.of(labels));
        DoubleSupplier g = gauges.get(key);
        if (g != null) {
            return g.getAsDouble();
        }
        Counter c = counters.get(key);
        return c == null ? 0 : c.value();
    }

    /** Sum over every label set of one family. */
    public double sum(String name) {
        double s = 0;
        for (Map.Entry<Key, Counter> e : counters.entrySet()) {
            if (e.getKey().name.equals(name) && !gauges.containsKey(e.getKey())) {
                s += e.getValue().value();
            }
        }
        for (Map.Entry<Key, DoubleSupplier> e : gauges.entrySet()) {
            if (e.getKey().name.equals(name)) {
                s += e.getValue().getAsDouble();
            }
        }
        return s;
    }

    private Map<Key, Double> snapshot() {
        Map<Key, Double> all = new TreeMap<>(Comparator.comparing((Key k) -> k.name).thenComparing(k -> String.join("\u0000", k.labels)));
        counters.forEach((k, c) -> all.put(k, (double) c.value()));
        gauges.forEach((k, g) -> {
            try {
                all.put(k, g.getAsDouble());
            } catch (RuntimeException e) {
                // a gauge whose owner is shutting down must not break the whole exposition
            }
        });
        return all;
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheusText() {
        StringBuilder sb = new StringBuilder(4096);
        String current = null;
        for (Map.Entry<Key, Double> e : snapshot().entrySet()) {
            Key k = e.getKey();
            if (!k.name.equals(current)) {
                current = k.name;
                Family f = families.get(k.name);
                if (f != null && !f.help.isEmpty()) {
                    sb.append("# HELP ").append(k.name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
                }
                sb.append("# TYPE ").append(k.name).append(' ')
                        .append(f != null && f.type == Type.GAUGE ? "gauge" : "counter").append('\n');
            }
            sb.append(k.name);
            if (!k.labels.isEmpty()) {
                sb.append('{');
                for (int i = 0; i + 1 < k.labels.size(); i += 2) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(k.labels.get(i)).append("=\"");
                    String v = k.labels.get(i + 1);
                    for (int j = 0; j < v.length(); j++) {
                        char c = v.charAt(j);
                        switch (c) {
                            case '\\' -> sb.append("\\\\");
                            case '"' -> sb.append("\\\"");
                            case '\n' -> sb.append("\\n");
                            default -> sb.append(c);
                        }
                    }
                    sb.append('"');
                }
                sb.append('}');
            }
            sb.append(' ');
            double v = e.getValue();
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                sb.append((long) v);
            } else {
                sb.append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The registry as points of measurement {@code teleflux}: one point per label set, tagged with
     * {@code instance} and the labels, with one field per family named without the
     * {@code teleflux_} prefix. Counters are integer fields and gauges float fields, so a field's
     * type never changes between writes.
     */
    public List<Point> toPoints(String instance, long nowMs) {
        Map<List<String>, Point.Builder> byLabels = new LinkedHashMap<>();
        for (Map.Entry<Key, Double> e : snapshot().entrySet()) {
            Key k = e.getKey();
            Point.Builder b = byLabels.computeIfAbsent(k.labels, labels -> {
                Point.Builder nb = Point.builder("teleflux").tag("instance", instance).time(nowMs);
                for (int i = 0; i + 1 < labels.size(); i += 2) {
                    nb.tag(labels.get(i), labels.get(i + 1));
                }
                return nb;
            });
            String field = k.name.startsWith("teleflux_") ? k.name.substring("teleflux_".length()) : k.name;
            Family f = families.get(k.name);
            if (f != null && f.type == Type.GAUGE) {
                b.field(field, e.getValue());
            } else {
                b.field(field, e.getValue().longValue());
            }
        }
        List<Point> out = new ArrayList<>(byLabels.size());
        for (Point.Builder b : byLabels.values()) {
            out.add(b.build());
        }
        return out;
    }

    /** A monotonically increasing count (or, via {@link #settableGauge}, a pushed value). */
    public static final class Counter {
        private final LongAdder adder = new LongAdder();
        private volatile long set = Long.MIN_VALUE;

        public void inc() {
            adder.increment();
        }

        public void add(long n) {
            adder.add(n);
        }

        /** For pushed gauges only. */
        public void set(long v) {
            set = v;
        }

        public long value() {
            long s = set;
            return s != Long.MIN_VALUE ? s : adder.sum();
        }

        @Override
        public String toString() {
            return Long.toString(value());
        }
    }

    @Override
    public String toString() {
        return "Metrics" + Arrays.toString(families.keySet().toArray());
    }
}
