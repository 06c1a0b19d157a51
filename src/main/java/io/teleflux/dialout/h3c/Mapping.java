package io.teleflux.dialout.h3c;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How the rows of one table become points: a measurement, the mapped columns in emission order,
 * what happens to the other columns, derived values and a "not available" sentinel.
 *
 * <p>A generic mapping has no columns: key columns become tags and every numeric leaf a float field.
 */
final class Mapping {
    enum Extras { KEEP, IGNORE }

    /** One item of a mapping line: a {@link Column} or a derived value ({@link Ratio}). */
    sealed interface Item permits Column, Ratio {
    }

    /** A ratio resolved to column positions. */
    record ResolvedRatio(int target, int numerator, int denominator, double factor) {
    }

    final String path;
    final String measurement;
    final boolean generic;
    final boolean keepExtras;
    final Column[] columns;
    /** Position of the column a row cannot do without, or -1. */
    final int requiredTag;
    final ResolvedRatio[] ratios;
    final boolean hasNotAvailable;
    final long notAvailable;
    /** Keys an extra column must not take (they belong to mapped or computed fields of the measurement). */
    final Set<String> reserved;
    private final Map<String, Column> exact = new HashMap<>();
    private final TreeMap<String, Column> anyCase = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private Mapping(String path, String measurement, boolean generic, Extras extras, List<Item> specs,
                    Long notAvailable, Set<String> reserved) {
        this.path = path;
        this.measurement = measurement;
        this.generic = generic;
        this.keepExtras = extras == Extras.KEEP;
        this.hasNotAvailable = notAvailable != null;
        this.notAvailable = notAvailable == null ? 0 : notAvailable;
        this.reserved = reserved;
        List<Column> cols = new ArrayList<>();
        List<Ratio> ratioSpecs = new ArrayList<>();
        for (Item s : specs) {
            if (s instanceof Column c) {
                cols.add(c.withIndex(cols.size()));
            } else if (s instanceof Ratio r) {
                ratioSpecs.add(r);
            }
        }
        this.columns = cols.toArray(new Column[0]);
        int required = -1;
        for (Column c : columns) {
            if (anyCase.putIfAbsent(c.source(), c) != null) {
                throw new IllegalArgumentException(path + ": column " + c.source() + " mapped twice");
            }
            exact.put(c.source(), c);
            if (c.required()) {
                required = c.index();
            }
        }
        this.requiredTag = required;
        this.ratios = new ResolvedRatio[ratioSpecs.size()];
        for (int i = 0; i < ratios.length; i++) {
            Ratio r = ratioSpecs.get(i);
            ratios[i] = new ResolvedRatio(indexOfTarget(r.target()), indexOfSource(r.numerator()),
                    indexOfSource(r.denominator()), r.factor());
        }
    }

    static Mapping mapped(String path, String measurement, Extras extras, List<Item> specs, Set<String> reserved) {
        return new Mapping(path, measurement, false, extras, specs, null, reserved);
    }

    static Mapping generic(String path, String measurement, Long notAvailable) {
        return new Mapping(path, measurement, true, Extras.KEEP, List.of(), notAvailable, Set.of());
    }

    /** The mapped column for a JSON column name (exact case first, then any case), or null. */
    Column column(String name) {
        if (columns.length == 0) {
            return null;
        }
        Column c = exact.get(name);
        return c != null ? c : anyCase.get(name);
    }

    private int indexOfTarget(String target) {
        for (Column c : columns) {
            if (target.equals(c.target()) && c.kind() == Column.Kind.FLOAT) {
                return c.index();
            }
        }
        throw new IllegalArgumentException(path + ": derived " + target + " needs a FLOAT column with that target");
    }

    private int indexOfSource(String source) {
        Column c = anyCase.get(source);
        if (c == null || (c.kind() != Column.Kind.INT && c.kind() != Column.Kind.FLOAT)) {
            throw new IllegalArgumentException(path + ": derived input " + source + " must be a numeric column");
        }
        return c.index();
    }

    @Override
    public String toString() {
        return path + " -> " + measurement;
    }
}
