package io.teleflux.point;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The rule for a name (measurement, tag key or value, field key) longer than a limit: it keeps its
 * first characters and ends in {@code ~} plus 8 hex digits of a SHA-256 of the whole name. Two long
 * names that share a prefix stay two series, the result is the same on every collector and after
 * every restart, and nothing of unbounded size reaches the rate state, the metrics registry or
 * InfluxDB's index.
 */
public final class Names {
    /** {@code ~} and 8 hex digits. */
    public static final int HASH_SUFFIX = 9;

    private Names() {
    }

    /** {@code name} itself when it has at most {@code max} chars (UTF-16 units), else its bounded form. */
    public static String limit(String name, int max) {
        if (name == null || name.length() <= max) {
            return name;
        }
        if (max <= HASH_SUFFIX) {
            throw new IllegalArgumentException("limit " + max + " leaves no room for the hash suffix");
        }
        int keep = max - HASH_SUFFIX;
        if (Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--; // never split a surrogate pair: half of one has no UTF-8 form
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        return name.substring(0, keep) + '~' + HexFormat.of().formatHex(digest, 0, 4);
    }

    /**
     * Lower snake case: an underscore only where a lower-case letter or a digit meets an upper-case
     * one, so acronyms stay whole ({@code IfIndex} → {@code if_index}, {@code InNUcastPkts} →
     * {@code in_nucast_pkts}), and one for every run of other characters ({@code in-octets} →
     * {@code in_octets}); none at the ends. The rule every dial-out vendor's names follow.
     */
    public static String snake(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        char prev = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (Character.isUpperCase(c)) {
                    if (Character.isLowerCase(prev) || Character.isDigit(prev)) {
                        underscore(b);
                    }
                    b.append(Character.toLowerCase(c));
                } else {
                    b.append(c);
                }
            } else {
                underscore(b);
            }
            prev = c;
        }
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == '_') {
            end--;
        }
        b.setLength(end);
        return b.toString();
    }

    private static void underscore(StringBuilder b) {
        if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
            b.append('_');
        }
    }

    /** How {@link #rebuild} names each part of a point: a cut-to-length function that may count. */
    public interface Renamer {
        String measurement(String name);

        String tagKey(String name);

        String tagValue(String name);

        String fieldKey(String name);

        /** One function for every kind of name. */
        static Renamer of(java.util.function.UnaryOperator<String> f) {
            return new Renamer() {
                @Override
                public String measurement(String name) {
                    return f.apply(name);
                }

                @Override
                public String tagKey(String name) {
                    return f.apply(name);
                }

                @Override
                public String tagValue(String name) {
                    return f.apply(name);
                }

                @Override
                public String fieldKey(String name) {
                    return f.apply(name);
                }
            };
        }
    }

    /**
     * {@code p} with every name passed through {@code r} and at most {@code maxFields} fields (the
     * first ones, in order): what an input does to a point whose names or size exceed its limits.
     */
    public static Point rebuild(Point p, Renamer r, int maxFields) {
        Point.Builder b = Point.builder(r.measurement(p.measurement())).time(p.timeMs()).hints(p.hints());
        for (int i = 0; i < p.tagCount(); i++) {
            b.tag(r.tagKey(p.tagKey(i)), r.tagValue(p.tagValue(i)));
        }
        int n = Math.min(p.fieldCount(), maxFields);
        for (int i = 0; i < n; i++) {
            String k = r.fieldKey(p.fieldKey(i));
            switch (p.fieldType(i)) {
                case Point.LONG -> b.field(k, p.longValue(i));
                case Point.DOUBLE -> b.field(k, p.doubleValue(i));
                case Point.BOOLEAN -> b.field(k, p.booleanValue(i));
                default -> b.field(k, p.stringValue(i));
            }
        }
        return b.build();
    }
}
