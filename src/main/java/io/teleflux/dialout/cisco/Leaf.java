package io.teleflux.dialout.cisco;

import java.util.HexFormat;

/**
 * One leaf of a row, below its {@code keys} or its {@code content}: the YANG names from there
 * joined with {@code /} (e.g. {@code data-rates/input-data-rate}) and a typed value. GPB-KV gives
 * the type; JSON gives numbers, strings and booleans only ({@link #json}).
 *
 * @param bits the value of INT, UINT (unsigned), BOOL (0/1) and DOUBLE (raw bits)
 * @param text the value of STRING, the digits of OVERFLOW
 */
record Leaf(String path, byte kind, long bits, String text, boolean json) {
    static final byte INT = 1;
    /** An unsigned 64-bit value: {@code bits < 0} means it is at least 2^63. */
    static final byte UINT = 2;
    static final byte DOUBLE = 3;
    static final byte BOOL = 4;
    static final byte STRING = 5;
    /** A JSON integer too large for 64 bits. */
    static final byte OVERFLOW = 6;

    static Leaf ofInt(String path, long v, boolean json) {
        return new Leaf(path, INT, v, null, json);
    }

    static Leaf ofUint(String path, long v, boolean json) {
        return new Leaf(path, UINT, v, null, json);
    }

    static Leaf ofDouble(String path, double v, boolean json) {
        return new Leaf(path, DOUBLE, Double.doubleToRawLongBits(v), null, json);
    }

    static Leaf ofBool(String path, boolean v, boolean json) {
        return new Leaf(path, BOOL, v ? 1 : 0, null, json);
    }

    static Leaf ofString(String path, String v, boolean json) {
        return new Leaf(path, STRING, 0, v, json);
    }

    /** Bytes are written as lower-case hex: they have no text form of their own. */
    static Leaf ofBytes(String path, byte[] v) {
        return new Leaf(path, STRING, 0, HexFormat.of().formatHex(v), false);
    }

    static Leaf ofOverflow(String path, String digits, boolean json) {
        return new Leaf(path, OVERFLOW, 0, digits, json);
    }

    double doubleValue() {
        return Double.longBitsToDouble(bits);
    }

    /** The value as a tag value. */
    String asText() {
        return switch (kind) {
            case INT -> Long.toString(bits);
            case UINT -> Long.toUnsignedString(bits);
            case DOUBLE -> Double.toString(doubleValue());
            case BOOL -> bits != 0 ? "true" : "false";
            default -> text;
        };
    }
}
