package io.teleflux.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares several things by interleaving many short rounds of equal length (A, B, A, B, …) and
 * reporting, for each of them, the median of its per-round ratio to a reference and the spread of
 * those ratios. Measuring one thing after the other lets a change of the machine's load (others'
 * builds on this shared machine) land on one side only; within a round the sides are a few hundred
 * milliseconds apart, so both see nearly the same machine, and the median ignores the rounds where
 * they did not.
 *
 * <p>The order inside a round rotates (round 0: A B C, round 1: B C A, …) so that no side always
 * runs first after a pause or right after the same neighbour.
 */
final class Interleaved {
    /** One side of a comparison: runs one round and returns its rate (units per second). */
    interface Side {
        double round() throws Exception;
    }

    /** What one side did over the measured rounds: its rates and its ratios to the reference, round by round. */
    record Result(String name, double[] rates, double[] ratios) {
        double medianRate() {
            return quantile(rates, 0.5);
        }

        double medianRatio() {
            return quantile(ratios, 0.5);
        }

        /** "0.62 (IQR 0.60-0.64, min-max 0.55-0.68, 40 rounds)". */
        String ratioSpread() {
            return String.format("%.2f (IQR %.2f-%.2f, min-max %.2f-%.2f, %d rounds)", medianRatio(), quantile(ratios, 0.25),
                    quantile(ratios, 0.75), min(ratios), max(ratios), ratios.length);
        }

        /** Width of the inter-quartile range relative to the median: how still the ratio held. */
        double relativeIqr() {
            return (quantile(ratios, 0.75) - quantile(ratios, 0.25)) / medianRatio();
        }
    }

    private final Map<String, Side> sides = new LinkedHashMap<>();
    private final String reference;

    /** @param reference the name of the side every ratio is taken against (it must be added) */
    Interleaved(String reference) {
        this.reference = reference;
    }

    Interleaved add(String name, Side side) {
        sides.put(name, side);
        return this;
    }

    /**
     * Runs {@code warmup} rounds that are thrown away, then {@code rounds} measured ones.
     *
     * @param onRound called after each measured round with its rates by side (progress lines), may be null
     */
    Map<String, Result> run(int warmup, int rounds, java.util.function.BiConsumer<Integer, Map<String, Double>> onRound)
            throws Exception {
        if (!sides.containsKey(reference)) {
            throw new IllegalStateException("reference side '" + reference + "' was not added");
        }
        List<String> names = new ArrayList<>(sides.keySet());
        Map<String, double[]> rates = new LinkedHashMap<>();
        for (String n : names) {
            rates.put(n, new double[rounds]);
        }
        for (int r = -warmup; r < rounds; r++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            int shift = Math.floorMod(r, names.size());
            for (int i = 0; i < names.size(); i++) {
                String n = names.get((i + shift) % names.size());
                thisRound.put(n, sides.get(n).round());
            }
            if (r >= 0) {
                for (String n : names) {
                    rates.get(n)[r] = thisRound.get(n);
                }
                if (onRound != null) {
                    Map<String, Double> ordered = new LinkedHashMap<>();
                    for (String n : names) {
                        ordered.put(n, thisRound.get(n));
                    }
                    onRound.accept(r, ordered);
                }
            }
        }
        double[] ref = rates.get(reference);
        Map<String, Result> out = new LinkedHashMap<>();
        for (String n : names) {
            double[] rs = rates.get(n);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = rs[r] / ref[r];
            }
            out.put(n, new Result(n, rs, ratios));
        }
        return out;
    }

    /** An operation measured in process: one call = one unit of work; its result is folded into a sink. */
    interface Op {
        long run() throws Exception;
    }

    private static volatile long sink;

    /**
     * A side that calls {@code op} over and over for {@code millis} and returns calls per second. The
     * clock is read every few calls only, and every result is folded into a volatile so that the JIT
     * cannot drop the work.
     */
    static Side timed(Op op, long millis) {
        long nanos = millis * 1_000_000L;
        return () -> {
            long acc = 0;
            long calls = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                for (int i = 0; i < 8; i++) {
                    acc += op.run();
                }
                calls += 8;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < nanos);
            sink += acc;
            return calls * 1e9 / elapsed;
        };
    }

    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
