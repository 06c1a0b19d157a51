package io.teleflux.gnmi;

import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.PathElem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * gNMI paths: the text form users write ({@code /interfaces/interface[name=Ethernet1/1]/state}),
 * the proto form, and the joined form a notification's update stands for (prefix + path).
 *
 * <p>Element names lose a YANG module prefix ({@code openconfig-interfaces:interfaces} is
 * {@code interfaces}): RFC 7951 qualifies names where the module changes, and devices differ in
 * whether they do.
 */
final class GnmiPaths {
    private GnmiPaths() {
    }

    /** One element: a name and its keys, sorted by key name. */
    record Elem(String name, Map<String, String> keys) {
        Elem {
            // one key (the usual list entry, interface[name=X]) needs no sorting: no TreeMap for it
            keys = switch (keys.size()) {
                case 0 -> Map.of();
                case 1 -> {
                    Map.Entry<String, String> k = keys.entrySet().iterator().next();
                    yield Map.of(k.getKey(), k.getValue());
                }
                default -> Collections.unmodifiableMap(new TreeMap<>(keys));
            };
        }

        static Elem of(String name) {
            return new Elem(name, Map.of());
        }

        String key(String k) {
            return keys.get(k);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name);
            keys.forEach((k, v) -> sb.append('[').append(k).append('=').append(v.replace("]", "\\]")).append(']'));
            return sb.toString();
        }
    }

    /**
     * Parses the text form: elements separated by {@code /} (a leading one is optional), keys in
     * brackets; inside a key's value {@code /} is literal and {@code \]} is a bracket.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static List<Elem> parse(String text) {
        String s = text == null ? "" : text.strip();
        if (!s.startsWith("/")) {
            throw new IllegalArgumentException("'" + s + "' must start with / (e.g. /interfaces/interface/state/counters)");
        }
        List<Elem> out = new ArrayList<>();
        int i = 1;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && s.charAt(i) != '/' && s.charAt(i) != '[') {
                i++;
            }
            String name = s.substring(start, i);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'" + s + "' has an empty element at position " + start);
            }
            Map<String, String> keys = new TreeMap<>();
            while (i < s.length() && s.charAt(i) == '[') {
                int eq = s.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException("'" + s + "': a key needs a value, as in [name=Ethernet1]");
                }
                String k = s.substring(i + 1, eq);
                StringBuilder v = new StringBuilder();
                int j = eq + 1;
                for (; j < s.length(); j++) {
                    char ch = s.charAt(j);
                    if (ch == '\\' && j + 1 < s.length()) {
                        v.append(s.charAt(++j));
                    } else if (ch == ']') {
                        break;
                    } else {
                        v.append(ch);
                    }
                }
                if (j >= s.length()) {
                    throw new IllegalArgumentException("'" + s + "': unclosed '[' in element '" + name + "'");
                }
                if (k.isEmpty()) {
                    throw new IllegalArgumentException("'" + s + "': an empty key name in element '" + name + "'");
                }
                keys.put(k, v.toString());
                i = j + 1;
            }
            if (i < s.length() && s.charAt(i) != '/') {
                throw new IllegalArgumentException("'" + s + "': unexpected '" + s.charAt(i) + "' after element '"
                        + name + "'");
            }
            out.add(new Elem(name, keys));
            i++;
        }
        return out;
    }

    /** The proto form of {@code elems}. */
    static Path toProto(List<Elem> elems) {
        Path.Builder b = Path.newBuilder();
        for (Elem e : elems) {
            b.addElem(PathElem.newBuilder().setName(e.name()).putAllKey(e.keys()));
        }
        return b.build();
    }

    /**
     * The elements of {@code p}: its {@code elem}s, or its deprecated {@code element} strings
     * (each may carry keys, {@code interface[name=X]}) when it has no elems.
     *
     * @throws IllegalArgumentException on an element without a name
     */
    @SuppressWarnings("deprecation") // the deprecated 'element' field is read for old targets
    static void append(Path p, List<Elem> out) {
        if (p.getElemCount() == 0) {
            for (String element : p.getElementList()) {
                for (Elem e : parse("/" + element)) {
                    out.add(new Elem(stripModule(e.name()), e.keys()));
                }
            }
            return;
        }
        for (PathElem e : p.getElemList()) {
            String name = stripModule(e.getName());
            if (name.isEmpty()) {
                throw new IllegalArgumentException("an element without a name");
            }
            out.add(new Elem(name, e.getKeyMap()));
        }
    }

    /** {@code module:name} to {@code name}. */
    static String stripModule(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(colon + 1);
    }

    /** The text form, as gNMI tools print it. */
    static String text(List<Elem> elems) {
        if (elems.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (Elem e : elems) {
            sb.append('/').append(e);
        }
        return sb.toString();
    }
}
