package io.teleflux.sim.gnmi;

import io.teleflux.proto.gnmi.Path;
import io.teleflux.proto.gnmi.PathElem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * gNMI path matching against the served schema, and the paths notifications carry.
 *
 * <p>A requested path selects every served leaf whose path it is a prefix of (a subtree
 * subscription), element by element: a name matches itself or {@code *}; a key given matches its
 * value or {@code *}; a key left out matches every entry; {@code ...} matches any number of
 * elements (zero included). The empty path selects everything.
 */
final class OcPaths {
    static final String KEY = "name";

    private OcPaths() {
    }

    /** One element of a concrete schema path: a name and, on a list entry, its {@code name} key. */
    record Step(String name, String key) {
        static Step of(String name) {
            return new Step(name, null);
        }
    }

    /** The concrete path of {@code leaf} in the list entry named {@code entry}. */
    static List<Step> schemaPath(OcLeaf leaf, String entry) {
        List<Step> out = new ArrayList<>(2 + leaf.elems.size());
        out.add(Step.of(leaf.container.top));
        out.add(new Step(leaf.container.list, entry));
        for (String e : leaf.elems) {
            out.add(Step.of(e));
        }
        return out;
    }

    /** Whether {@code requested} (prefix elements followed by the path's) selects {@code schema}. */
    static boolean matches(List<PathElem> requested, List<Step> schema) {
        return matches(requested, 0, schema, 0);
    }

    private static boolean matches(List<PathElem> req, int i, List<Step> schema, int j) {
        if (i == req.size()) {
            return true;
        }
        PathElem r = req.get(i);
        if (r.getName().equals("...")) {
            return matches(req, i + 1, schema, j) || (j < schema.size() && matches(req, i, schema, j + 1));
        }
        if (j == schema.size()) {
            return false;
        }
        Step s = schema.get(j);
        if (!r.getName().equals("*") && !r.getName().equals(s.name())) {
            return false;
        }
        for (Map.Entry<String, String> k : r.getKeyMap().entrySet()) {
            if (s.key() == null || !k.getKey().equals(KEY)) {
                return false;
            }
            if (!k.getValue().equals("*") && !k.getValue().equals(s.key())) {
                return false;
            }
        }
        return matches(req, i + 1, schema, j + 1);
    }

    /** A notification's prefix: the device, the origin asked for, and the list entry. */
    static Path prefix(String target, String origin, OcLeaf.Container c, String entry) {
        return Path.newBuilder().setTarget(target).setOrigin(origin)
                .addElem(PathElem.newBuilder().setName(c.top))
                .addElem(PathElem.newBuilder().setName(c.list).putKey(KEY, entry))
                .build();
    }

    /** An update's path, relative to the notification's prefix. */
    static Path relative(OcLeaf leaf) {
        Path.Builder b = Path.newBuilder();
        for (String e : leaf.elems) {
            b.addElem(PathElem.newBuilder().setName(e));
        }
        return b.build();
    }

    /** A path as gNMI tools print it, for messages: {@code /interfaces/interface[name=X]/state}. */
    static String text(List<PathElem> elems) {
        if (elems.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (PathElem e : elems) {
            sb.append('/').append(e.getName());
            e.getKeyMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(k -> sb.append('[').append(k.getKey()).append('=').append(k.getValue()).append(']'));
        }
        return sb.toString();
    }
}
