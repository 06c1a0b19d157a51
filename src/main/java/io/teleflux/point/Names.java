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
}
