package io.teleflux.dialout.huawei;

import com.google.protobuf.Descriptors;
import io.teleflux.proto.huawei.Ifm;
import io.teleflux.proto.huawei.IfmClassic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interface statistics rows out of a row's {@code content}: GPB ({@code huawei_ifm.Ifm}) or JSON
 * ({@code {"interfaces":{"interface":[{"name":..,"mib-statistics":{..}}]}}}).
 *
 * <p><b>GPB.</b> The field numbers come from {@code proto/huawei/huawei-ifm.proto}, but only the
 * counters' numbering is known from real rows; the wrappers' numbers are our assumption. So the
 * content is read without its schema ({@link WireMessage}) and an interface row is recognised by
 * its shape, wherever it sits: a message with a text leaf (the interface name) and a nested message
 * of varints (the counters). The numbers of the proto are preferred at every step (the name field,
 * the statistics field, the path {@code interfaces/interface}); when one does not match, the row
 * is still read and {@code ifm_layout_guessed} is counted once for the message, so a device whose
 * numbering differs keeps working and says so.
 *
 * <p><b>JSON.</b> Member names are matched without regard to case, dashes, underscores and module
 * prefixes; 64-bit counters may be numbers or strings of digits.
 */
final class IfmContent {
    /** The two generations of interface statistics. */
    enum Kind { MIB, CLASSIC }

    /** Where the proto says things are. */
    record Layout(int interfaces, int iface, int name, int ifIndex, int stats, Map<Integer, Stat> statByNumber) {
    }

    static final Layout MIB = layout(Ifm.getDescriptor(), "interfaces", Ifm.Interfaces.getDescriptor(), "interface",
            Ifm.Interfaces.Interface.getDescriptor(), "name", null, "mib_statistics",
            Ifm.Interfaces.Interface.MibStatistics.getDescriptor());
    static final Layout CLASSIC = layout(IfmClassic.getDescriptor(), "interfaces", IfmClassic.Interfaces.getDescriptor(),
            "interface", IfmClassic.Interfaces.Interface.getDescriptor(), "ifName", "ifIndex", "ifStatistics",
            IfmClassic.Interfaces.Interface.IfStatistics.getDescriptor());

    private IfmContent() {
    }

    private static Layout layout(Descriptors.Descriptor root, String interfaces, Descriptors.Descriptor wrapper, String iface,
                                 Descriptors.Descriptor row, String name, String ifIndex, String stats,
                                 Descriptors.Descriptor counters) {
        Map<Integer, Stat> byNumber = new HashMap<>();
        for (Descriptors.FieldDescriptor f : counters.getFields()) {
            Stat s = Stat.of(f.getName());
            if (s == null) {
                throw new IllegalStateException("huawei-ifm.proto: " + f.getFullName() + " is no known counter");
            }
            byNumber.put(f.getNumber(), s);
        }
        return new Layout(root.findFieldByName(interfaces).getNumber(), wrapper.findFieldByName(iface).getNumber(),
                row.findFieldByName(name).getNumber(), ifIndex == null ? -1 : row.findFieldByName(ifIndex).getNumber(),
                row.findFieldByName(stats).getNumber(), Map.copyOf(byNumber));
    }

    /** The kind of interface statistics a sensor path carries, or null for any other path. */
    static Kind kind(String sensorPath) {
        String p = HuaweiNames.normalizedPath(sensorPath);
        return switch (p) {
            case "ifm/interfaces/interface/mibstatistics" -> Kind.MIB;
            case "ifm/interfaces/interface/ifstatistics" -> Kind.CLASSIC;
            default -> null;
        };
    }

    static Layout layout(Kind kind) {
        return kind == Kind.MIB ? MIB : CLASSIC;
    }

    // ---------------------------------------------------------------- GPB

    /**
     * Reads the rows of GPB {@code content} into {@code rows}. Returns -1 when the content is not a
     * protobuf message, else how many interface rows it holds, including those skipped (no name,
     * no statistics): 0 means it is not interface statistics at all.
     */
    static int gpb(byte[] content, Kind kind, Scratch s, List<IfRow> rows) {
        WireMessage root = WireMessage.parse(content);
        if (root == null) {
            return -1;
        }
        Layout l = layout(kind);
        int[] seen = new int[1];
        find(root, l, s, rows, 0, new int[s.maxDepth + 1], seen);
        return seen[0];
    }

    private static void find(WireMessage m, Layout l, Scratch s, List<IfRow> rows, int depth, int[] path, int[] seen) {
        if (depth >= s.maxDepth) {
            return;
        }
        boolean declaredPath = depth == 2 && path[0] == l.interfaces && path[1] == l.iface;
        int name = -1;
        boolean nameDeclared = false;
        int stats = -1;
        boolean statsDeclared = false;
        WireMessage statsMsg = null;
        int bestVarints = 0;
        // each length-delimited field's reading as a nested message, kept for the descent below: parsing
        // it again there would parse every row once per level above it
        WireMessage[] children = new WireMessage[m.size()];
        for (int i = 0; i < m.size(); i++) {
            if (m.type(i) != WireMessage.LEN) {
                continue;
            }
            int n = m.number(i);
            String text = m.text(i);
            if (text != null) {
                if (n == l.name && !nameDeclared) {
                    name = i;
                    nameDeclared = true;
                } else if (name < 0) {
                    name = i;
                }
                continue;
            }
            WireMessage child = m.message(i);
            if (child == null) {
                continue;
            }
            children[i] = child;
            int v = child.varints();
            if (n == l.stats && !statsDeclared) {
                // at its declared number even when empty: proto3 leaves zero counters out
                stats = i;
                statsMsg = child;
                statsDeclared = true;
            } else if (!statsDeclared && v > bestVarints) {
                stats = i;
                statsMsg = child;
                bestVarints = v;
            }
        }
        if (stats >= 0 && name >= 0) {
            seen[0]++;
            if (!(declaredPath && nameDeclared && statsDeclared)) {
                s.count(Issue.IFM_LAYOUT_GUESSED, "row at field path " + pathText(path, depth));
            }
            IfRow row = new IfRow();
            row.name = m.text(name).strip();
            int ix = l.ifIndex > 0 ? m.indexOf(l.ifIndex) : -1;
            if (ix >= 0 && m.type(ix) == WireMessage.VARINT && m.value(ix) >= 0) {
                row.ifIndex = m.value(ix);
            }
            counters(statsMsg, l, row, s);
            if (row.name.isEmpty()) {
                s.count(Issue.ROW_WITHOUT_KEY, "blank name");
            } else {
                rows.add(row);
            }
            return;
        }
        if (statsDeclared && declaredPath) {
            seen[0]++;
            s.count(Issue.ROW_WITHOUT_KEY, "no name at field " + l.name);
            return;
        }
        if (declaredPath && nameDeclared) {
            seen[0]++;
            s.count(Issue.EMPTY_ROW, m.text(name));
            return;
        }
        for (int i = 0; i < m.size(); i++) {
            if (children[i] != null) {
                path[depth] = m.number(i);
                find(children[i], l, s, rows, depth + 1, path, seen);
            }
        }
    }

    /**
     * The counters of a statistics message. Proto3 does not send a field whose value is 0, so every
     * counter of the layout that is absent is 0 (a down interface sends an empty message).
     */
    private static void counters(WireMessage stats, Layout l, IfRow row, Scratch s) {
        for (Stat st : l.statByNumber.values()) {
            row.set(st, 0, s);
        }
        for (int i = 0; i < stats.size(); i++) {
            if (stats.type(i) != WireMessage.VARINT) {
                continue;
            }
            Stat st = l.statByNumber.get(stats.number(i));
            long v = stats.value(i);
            if (st != null) {
                row.set(st, v, s);
            } else if (v < 0) {
                s.count(Issue.UINT64_OVERFLOW, "gpb_" + stats.number(i));
            } else {
                row.extra("gpb_" + stats.number(i), v);
            }
        }
    }

    private static String pathText(int[] path, int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append(i == 0 ? "" : ".").append(path[i]);
        }
        return b.length() == 0 ? "(root)" : b.toString();
    }

    // ---------------------------------------------------------------- JSON

    /**
     * Reads the interface rows of JSON {@code content} (an object or an array of rows) into
     * {@code rows}; returns how many rows it holds, including those skipped (0: not interface statistics).
     */
    static int json(Object content, Scratch s, List<IfRow> rows) {
        int[] seen = new int[1];
        entries(content, s, rows, 0, seen);
        return seen[0];
    }

    private static void entries(Object node, Scratch s, List<IfRow> rows, int depth, int[] seen) {
        if (depth > 4) {
            return;
        }
        if (node instanceof List<?> list) {
            for (Object e : list) {
                Map<String, Object> o = JsonTree.object(e);
                if (o != null) {
                    entry(o, s, rows, seen);
                }
            }
            return;
        }
        Map<String, Object> o = JsonTree.object(node);
        if (o == null) {
            return;
        }
        Object v = JsonTree.member(o, "interface");
        if (v != null) {
            if (v instanceof List<?>) {
                entries(v, s, rows, depth + 1, seen);
            } else if (JsonTree.object(v) != null) {
                entry(JsonTree.object(v), s, rows, seen);
            }
            return;
        }
        for (String wrapper : new String[]{"interfaces", "ifm"}) {
            v = JsonTree.member(o, wrapper);
            if (v != null) {
                entries(v, s, rows, depth + 1, seen);
                return;
            }
        }
        if (JsonTree.member(o, "name") != null || JsonTree.member(o, "ifname") != null
                || JsonTree.member(o, "mibstatistics") != null || JsonTree.member(o, "ifstatistics") != null) {
            entry(o, s, rows, seen); // the row itself
        }
    }

    private static void entry(Map<String, Object> o, Scratch s, List<IfRow> rows, int[] seen) {
        seen[0]++;
        Object name = JsonTree.member(o, "name");
        if (name == null) {
            name = JsonTree.member(o, "ifname");
        }
        Map<String, Object> stats = JsonTree.object(JsonTree.member(o, "mibstatistics"));
        if (stats == null) {
            stats = JsonTree.object(JsonTree.member(o, "ifstatistics"));
        }
        boolean flat = stats == null;
        if (flat) {
            stats = o; // the counters next to the name
        }
        String n = name instanceof String t ? t.strip() : name instanceof Long l ? l.toString() : "";
        if (n.isEmpty()) {
            s.count(Issue.ROW_WITHOUT_KEY, "no name");
            return;
        }
        IfRow row = new IfRow();
        row.name = n;
        JsonTree.Unsigned ix = JsonTree.unsigned(JsonTree.member(o, "ifindex"));
        if (ix.status() == JsonTree.Unsigned.OK) {
            row.ifIndex = ix.value();
        }
        for (Map.Entry<String, Object> e : stats.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            Stat st = Stat.of(key);
            if (st != null) {
                JsonTree.Unsigned u = JsonTree.unsigned(value);
                switch (u.status()) {
                    case JsonTree.Unsigned.OK -> row.set(st, u.value(), s);
                    case JsonTree.Unsigned.OVERFLOW -> s.count(Issue.UINT64_OVERFLOW, key);
                    case JsonTree.Unsigned.NOT_A_NUMBER -> s.count(Issue.NON_NUMERIC, key);
                    default -> {
                    }
                }
                continue;
            }
            String norm = HuaweiNames.normalized(key);
            if (flat && (norm.equals("name") || norm.equals("ifname") || norm.equals("ifindex"))) {
                continue;
            }
            if (value instanceof Map<?, ?> || value instanceof List<?> || value == JsonTree.NULL) {
                continue;
            }
            if (value instanceof Boolean) {
                row.extra(HuaweiNames.key(key), value);
                continue;
            }
            double d = JsonTree.number(value);
            if (Double.isNaN(d)) {
                s.count(Issue.NON_NUMERIC, key);
            } else {
                row.extra(HuaweiNames.key(key), d);
            }
        }
        if (row.empty()) {
            s.count(Issue.EMPTY_ROW, n);
            return;
        }
        rows.add(row);
    }
}
