package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as plain values: {@code Map<String,Object>} (member order kept; a repeated name
 * keeps its last value), {@code List<Object>}, {@code String}, {@code Long}, {@code BigInteger} (an
 * integer beyond 64 bits), {@code Double}, {@code Boolean} and {@link #NULL}. Read with
 * jackson-core's streaming parser, within the dial-out limits: nesting depth ({@code max-depth}),
 * member names of at most 1,024 chars, numbers of at most 1,000 digits.
 */
final class JsonTree {
    /** JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    static final int MAX_MEMBER_NAME = 1024;

    private final JsonFactory factory;
    private final int maxDepth;

    JsonTree(int maxDepth) {
        this.maxDepth = maxDepth;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth + 1)
                        .maxStringLength(Integer.MAX_VALUE) // data_str holds a whole document
                        .maxNameLength(MAX_MEMBER_NAME)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION) // error messages must not quote payloads
                .build();
    }

    /** The document in {@code text}; trailing content after it is an error. */
    Object parse(String text) throws DecodeException {
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new DecodeException(DecodeException.MALFORMED_JSON, "empty JSON");
            }
            Object v = value(p, t, 1);
            if (p.nextToken() != null) {
                throw new DecodeException(DecodeException.MALFORMED_JSON, "content after the JSON value");
            }
            return v;
        } catch (StreamConstraintsException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Document nesting depth")) {
                throw new DecodeException(DecodeException.TOO_DEEP, "JSON nested deeper than " + maxDepth, e);
            }
            if (m.startsWith("Name length")) {
                throw new DecodeException(DecodeException.NAME_TOO_LONG,
                        "a JSON member name is longer than " + MAX_MEMBER_NAME + " chars", e);
            }
            throw new DecodeException(DecodeException.MALFORMED_JSON, "JSON beyond a limit: " + m, e);
        } catch (JsonProcessingException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "unreadable JSON: " + e.getMessage(), e);
        }
    }

    private Object value(JsonParser p, JsonToken t, int depth) throws IOException, DecodeException {
        if (depth > maxDepth) {
            throw new DecodeException(DecodeException.TOO_DEEP, "JSON nested deeper than " + maxDepth);
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken(), depth + 1));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(value(p, e, depth + 1));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
                    return p.getLongValue();
                }
                return p.getBigIntegerValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new DecodeException(DecodeException.MALFORMED_JSON, "unexpected JSON token " + t);
        }
    }

    /** The member of {@code object} whose name, normalized ({@link HuaweiNames#normalized}), is {@code key}; or null. */
    static Object member(Map<String, Object> object, String key) {
        Object v = object.get(key);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, Object> e : object.entrySet()) {
            if (HuaweiNames.normalized(e.getKey()).equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v) {
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** An unsigned 64-bit integer read from a JSON number or numeric string, or why not. */
    record Unsigned(long value, int status) {
        static final int OK = 0;
        static final int OVERFLOW = 1;
        static final int NOT_A_NUMBER = 2;
        static final int ABSENT = 3;
    }

    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);

    /**
     * {@code v} as a counter: a non-negative integer, as a JSON number or a string of digits
     * (protobuf-JSON writes 64-bit integers as strings). A value of 2^63 or more is OVERFLOW (never
     * wrapped to a negative number); a fraction, a negative number or text is NOT_A_NUMBER.
     */
    static Unsigned unsigned(Object v) {
        if (v == null || v == NULL) {
            return new Unsigned(0, Unsigned.ABSENT);
        }
        if (v instanceof Long l) {
            return l >= 0 ? new Unsigned(l, Unsigned.OK) : new Unsigned(0, Unsigned.NOT_A_NUMBER);
        }
        if (v instanceof BigInteger b) {
            return b.signum() >= 0 && b.compareTo(TWO_63) >= 0 ? new Unsigned(0, Unsigned.OVERFLOW)
                    : new Unsigned(0, Unsigned.NOT_A_NUMBER);
        }
        if (v instanceof Double d) {
            if (d >= 0 && d == Math.rint(d)) {
                return d >= 0x1p63 ? new Unsigned(0, Unsigned.OVERFLOW) : new Unsigned(d.longValue(), Unsigned.OK);
            }
            return new Unsigned(0, Unsigned.NOT_A_NUMBER);
        }
        if (v instanceof String s) {
            String t = s.strip();
            if (t.startsWith("+")) {
                t = t.substring(1);
            }
            if (t.isEmpty() || t.length() > 40) {
                return new Unsigned(0, Unsigned.NOT_A_NUMBER);
            }
            long n = 0;
            boolean overflow = false;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') {
                    return new Unsigned(0, Unsigned.NOT_A_NUMBER);
                }
                if (!overflow) {
                    if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
                        overflow = true;
                    } else {
                        n = n * 10 + (c - '0');
                    }
                }
            }
            return overflow ? new Unsigned(0, Unsigned.OVERFLOW) : new Unsigned(n, Unsigned.OK);
        }
        return new Unsigned(0, Unsigned.NOT_A_NUMBER);
    }

    /** {@code v} as a double (number or numeric string), or NaN when it is not a number. */
    static double number(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (v instanceof String s) {
            String t = s.strip();
            if (t.isEmpty() || t.length() > 64) {
                return Double.NaN;
            }
            char c0 = t.charAt(0);
            if (!(c0 == '-' || c0 == '+' || c0 == '.' || (c0 >= '0' && c0 <= '9'))) {
                return Double.NaN; // also keeps "NaN", "Infinity" and hex out
            }
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
                    return Double.NaN;
                }
            }
            try {
                double d = Double.parseDouble(t);
                return Double.isFinite(d) ? d : Double.NaN;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
