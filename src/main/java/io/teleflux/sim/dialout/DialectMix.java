package io.teleflux.sim.dialout;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which dialect each device speaks: weights per dialect, assigned by smooth weighted round-robin
 * over the device index, so the assignment is deterministic and interleaved ({@code h3c:2,cisco:1}
 * gives h3c, cisco, h3c, h3c, cisco, h3c, ...; device {@code i} always gets the same dialect).
 *
 * @param weights dialect → weight (at least 1), in the order given
 */
public record DialectMix(Map<Dialect, Integer> weights) {
    public static final int MAX_WEIGHT = 1000;

    public DialectMix {
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("at least one dialect is required");
        }
        weights.forEach((d, w) -> {
            if (w == null || w < 1 || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight of " + d + " must be in 1-" + MAX_WEIGHT + ", got " + w);
            }
        });
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** Every device speaks {@code dialect}. */
    public static DialectMix of(Dialect dialect) {
        return new DialectMix(Map.of(dialect, 1));
    }

    /** {@code h3c:1,h3cv3:1,cisco:2}; a dialect without {@code :W} weighs 1. */
    public static DialectMix parse(String spec) {
        Map<Dialect, Integer> w = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            Dialect d = Dialect.parse(colon < 0 ? part : part.substring(0, colon));
            int weight;
            try {
                weight = colon < 0 ? 1 : Integer.parseInt(part.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of " + d + " is not a number: '" + part.trim() + "'");
            }
            if (w.putIfAbsent(d, weight) != null) {
                throw new IllegalArgumentException("dialect " + d + " is given twice");
            }
        }
        return new DialectMix(w);
    }

    /** The dialects of devices {@code 0..devices-1}. */
    public List<Dialect> assign(int devices) {
        List<Dialect> order = new ArrayList<>(weights.keySet());
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int[] current = new int[order.size()];
        List<Dialect> out = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            int best = 0;
            for (int k = 0; k < order.size(); k++) {
                current[k] += weights.get(order.get(k));
                if (current[k] > current[best]) {
                    best = k;
                }
            }
            current[best] -= total;
            out.add(order.get(best));
        }
        return out;
    }

    /** How many of {@code devices} speak each dialect. */
    public Map<Dialect, Integer> counts(int devices) {
        Map<Dialect, Integer> c = new EnumMap<>(Dialect.class);
        assign(devices).forEach(d -> c.merge(d, 1, Integer::sum));
        return c;
    }

    @Override
    public String toString() {
        return weights.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }
}
