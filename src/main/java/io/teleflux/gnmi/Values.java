package io.teleflux.gnmi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.teleflux.gnmi.GnmiPaths.Elem;
import io.teleflux.proto.gnmi.TypedValue;
import io.teleflux.proto.gnmi.Update;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An update's value as leaves: (full path, Java value) pairs. Values are {@link Long},
 * {@link Double}, {@link Boolean}, {@link String}, or {@link #OVERFLOW} for an unsigned 64-bit
 * value at or above 2^63 (it has no InfluxDB 1.x type; the caller drops and counts it).
 *
 * <p>JSON ({@code json_ietf_val}, {@code json_val}) is read the RFC 7951 way: a scalar is the leaf
 * at the update's path; an object is a container whose members are flattened into leaves below
 * it; an array of objects is a list whose entries get their key ({@code name}, else
 * {@code index}, {@code id}, {@code identifier}, else the position as {@code index}) in the path;
 * an array of scalars is a leaf-list, written as one comma-separated string. 64-bit integers and
 * decimal64 come as JSON strings: a string that is a whole decimal number becomes an integer and
 * one with a fraction a float, except in leaves whose name says they are text (description, name, ...).
 */
final class Values {
    /** An unsigned 64-bit value >= 2^63. */
    static final Object OVERFLOW = new Object() {
        @Override
        public String toString() {
            return "uint64>=2^63";
        }
    };

    static final int MAX_JSON_DEPTH = 64;
    private static final List<String> LIST_KEYS = List.of("name", "index", "id", "identifier");
    /** Leaves that are text even when a device fills them with digits: never read as numbers. */
    private static final Set<String> TEXT_LEAVES = Set.of("description", "name", "alias", "hostname", "domain-name",
            "serial-no", "part-no", "software-version", "firmware-version", "hardware-version", "id", "location",
            "mfg-name", "login-banner", "motd-banner", "version");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,25}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,25}\\.[0-9]{1,25}");
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build()).build();
    private static final Object NULL = new Object();

    private Values() {
    }

    /** One leaf: where it is (prefix and update path joined) and its value. */
    record Leaf(List<Elem> path, Object value) {
    }

    /** A value that cannot be read; {@link #reason} is the metric label. */
    static final class BadValue extends Exception {
        final String reason;

        BadValue(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /** The leaves of update {@code u} at {@code path}. */
    @SuppressWarnings("deprecation") // Update.value (Value) is read for targets of gNMI < 0.4
    static void leaves(List<Elem> path, Update u, List<Leaf> out) throws BadValue {
        if (u.hasVal()) {
            leaves(path, u.getVal(), out);
        } else if (u.hasValue()) {
            switch (u.getValue().getType()) {
                case JSON, JSON_IETF -> json(path, u.getValue().getValue().toByteArray(), out);
                default -> throw new BadValue("unsupported_type", "a deprecated Value of type " + u.getValue().getType());
            }
        } else {
            throw new BadValue("missing_value", "an update without a value");
        }
    }

    @SuppressWarnings("deprecation") // float_val and decimal_val are still sent by many targets
    static void leaves(List<Elem> path, TypedValue v, List<Leaf> out) throws BadValue {
        Object value = switch (v.getValueCase()) {
            case STRING_VAL -> v.getStringVal();
            case ASCII_VAL -> v.getAsciiVal();
            case INT_VAL -> v.getIntVal();
            case UINT_VAL -> v.getUintVal() >= 0 ? v.getUintVal() : OVERFLOW;
            case BOOL_VAL -> v.getBoolVal();
            case DOUBLE_VAL -> v.getDoubleVal();
            case FLOAT_VAL -> Double.parseDouble(Float.toString(v.getFloatVal())); // 0.1f is 0.1, not 0.100000001
            case DECIMAL_VAL -> BigDecimal.valueOf(v.getDecimalVal().getDigits(), v.getDecimalVal().getPrecision())
                    .doubleValue();
            case LEAFLIST_VAL -> leafList(v);
            case JSON_IETF_VAL -> {
                json(path, v.getJsonIetfVal().toByteArray(), out);
                yield null;
            }
            case JSON_VAL -> {
                json(path, v.getJsonVal().toByteArray(), out);
                yield null;
            }
            case VALUE_NOT_SET -> throw new BadValue("missing_value", "an update without a value");
            default -> throw new BadValue("unsupported_type", "a value of type " + v.getValueCase());
        };
        if (value != null) {
            out.add(new Leaf(path, value));
        }
    }

    private static String leafList(TypedValue v) throws BadValue {
        StringBuilder sb = new StringBuilder();
        for (TypedValue e : v.getLeaflistVal().getElementList()) {
            List<Leaf> one = new ArrayList<>(1);
            leaves(List.of(), e, one);
            for (Leaf l : one) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(l.value());
            }
        }
        return sb.toString();
    }

    // ---- JSON (RFC 7951) ----

    /** The leaves of a JSON document at {@code path}. */
    static void json(List<Elem> path, byte[] json, List<Leaf> out) throws BadValue {
        Object tree;
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new BadValue("malformed_json", "an empty JSON value");
            }
            tree = read(p, t);
            if (p.nextToken() != null) {
                throw new BadValue("malformed_json", "text after the JSON value");
            }
        } catch (IOException e) {
            throw new BadValue("malformed_json", "JSON that cannot be read: " + firstLine(e.getMessage()));
        }
        flatten(path, tree, out);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                return l;
            }
            case VALUE_STRING -> {
                return new JsonString(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> unsignedOrOverflow(p.getBigIntegerValue());
                };
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
            default -> throw new IOException("unexpected " + t);
        }
    }

    /** A JSON string, before the leaf's name decides whether it is a number (RFC 7951 64-bit integers). */
    private record JsonString(String text) {
    }

    private static Object unsignedOrOverflow(BigInteger b) {
        return b.signum() >= 0 && b.compareTo(TWO_64) < 0 ? OVERFLOW : b.doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(List<Elem> path, Object node, List<Leaf> out) throws BadValue {
        if (node instanceof Map<?, ?> m) {
            Elem last = path.isEmpty() ? null : path.get(path.size() - 1);
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                String name = GnmiPaths.stripModule(e.getKey());
                if (name.isEmpty()) {
                    throw new BadValue("malformed_json", "a JSON member without a name");
                }
                if (last != null && last.keys().containsKey(name)) {
                    continue; // a list entry's key leaf: already in the path
                }
                flatten(append(path, Elem.of(name)), e.getValue(), out);
            }
        } else if (node instanceof List<?> l) {
            list(path, l, out);
        } else if (node != NULL) {
            out.add(new Leaf(path, scalar(path, node)));
        }
    }

    private static void list(List<Elem> path, List<?> l, List<Leaf> out) throws BadValue {
        if (l.size() == 1 && l.get(0) == NULL) {
            out.add(new Leaf(path, Boolean.TRUE)); // YANG 'empty': [null]
            return;
        }
        boolean objects = !l.isEmpty() && l.stream().allMatch(o -> o instanceof Map);
        if (!objects) {
            StringBuilder sb = new StringBuilder();
            for (Object o : l) {
                if (o instanceof Map || o instanceof List) {
                    throw new BadValue("malformed_json", "an array mixing objects and values");
                }
                if (o != NULL) {
                    sb.append(sb.length() > 0 ? "," : "").append(o instanceof JsonString s ? s.text() : o);
                }
            }
            out.add(new Leaf(path, sb.toString()));
            return;
        }
        if (path.isEmpty()) {
            throw new BadValue("malformed_json", "a list without a name");
        }
        Elem listElem = path.get(path.size() - 1);
        List<Elem> parent = path.subList(0, path.size() - 1);
        for (int i = 0; i < l.size(); i++) {
            Map<?, ?> entry = (Map<?, ?>) l.get(i);
            Map<String, String> keys = new LinkedHashMap<>(listElem.keys());
            String key = null;
            for (String k : LIST_KEYS) {
                Object v = findMember(entry, k);
                if (v != null && !(v instanceof Map) && !(v instanceof List) && v != NULL) {
                    key = k;
                    keys.put(k, v instanceof JsonString s ? s.text() : String.valueOf(v));
                    break;
                }
            }
            if (key == null) {
                keys.put("index", Integer.toString(i));
            }
            flatten(append(parent, new Elem(listElem.name(), keys)), entry, out);
        }
    }

    /** Member {@code name} of a JSON object, qualified by a module or not. */
    private static Object findMember(Map<?, ?> m, String name) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (GnmiPaths.stripModule((String) e.getKey()).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Object scalar(List<Elem> path, Object v) {
        if (!(v instanceof JsonString s)) {
            return v;
        }
        String text = s.text();
        String leaf = path.isEmpty() ? "" : path.get(path.size() - 1).name();
        if (TEXT_LEAVES.contains(leaf)) {
            return text;
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                BigInteger b = new BigInteger(text);
                return b.signum() >= 0 && b.compareTo(TWO_64) < 0 ? OVERFLOW : text;
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        return text;
    }

    private static List<Elem> append(List<Elem> path, Elem e) {
        List<Elem> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(e);
        return p;
    }
}
