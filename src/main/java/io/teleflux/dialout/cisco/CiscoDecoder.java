package io.teleflux.dialout.cisco;

import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;
import io.teleflux.dialout.DialoutMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes Cisco MDT {@code Telemetry} messages (GPB-KV or JSON) into points.
 *
 * <ul>
 *   <li>The three interface paths of {@link CiscoMappings} become {@code interface} points (tags
 *       {@code device}, {@code interface}, {@code source=telemetry}) with the data model's field
 *       names; their other leaves are kept too, numbers as floats (as every vendor's extra interface
 *       fields are, so that the shared measurement never meets a type conflict), strings and
 *       booleans as they are.</li>
 *   <li>Every other encoding path becomes {@code cisco_<path>}: tags {@code device},
 *       {@code source} and every leaf under {@code keys}; fields every leaf under {@code content},
 *       nested names joined with {@code _}. GPB-KV keeps its types (uint64/uint32/sint → integer,
 *       double/float → float, bool, string, bytes as hex); JSON has no integer type and 64-bit values
 *       arrive as strings, so there every number (and every string of digits) is a float.</li>
 *   <li>A point's time is its row's {@code timestamp}, else the message's {@code msg_timestamp}
 *       (ms), else the receive time (counted).</li>
 *   <li>An unsigned 64-bit value ≥ 2^63 is left out and counted, never wrapped negative.</li>
 * </ul>
 *
 * <p>A message either yields at least one point or throws a {@link DecodeException}; problems
 * with single values or rows are counted here ({@code teleflux_fields_dropped_total},
 * {@code teleflux_decode_warnings_total}) and logged, rate-limited. Thread-safe.
 */
public final class CiscoDecoder {
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final int DEFAULT_MAX_DEPTH = 32;
    public static final int DEFAULT_MAX_NAME_LENGTH = 256;
    static final String WARNINGS_HELP =
            "Input problems that were worked around (a row skipped, a timestamp replaced, a fragment replaced), by reason";
    private static final Logger LOG = LoggerFactory.getLogger(CiscoDecoder.class);
    private static final double TWO_63 = 9.223372036854775807E18;
    /** Names an extra interface leaf may not take: the data model's, which mean something fixed. */
    private static final Set<String> INTERFACE_NAMES = interfaceNames();

    private final TelemetryReader reader;
    private final int maxNameLength;
    private final Metrics.Counter[] counters = new Metrics.Counter[Issue.COUNT];
    private final RateLimitedLog log = new RateLimitedLog(LOG, 60_000);

    public CiscoDecoder(Metrics metrics) {
        this(metrics, DEFAULT_MAX_ROWS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NAME_LENGTH);
    }

    /**
     * @param maxRows       a message with more rows is rejected ({@code too_many_rows})
     * @param maxDepth      a message nested deeper is rejected ({@code too_deep})
     * @param maxNameLength the longest generic measurement name (longer ones end in a hash)
     */
    public CiscoDecoder(Metrics metrics, int maxRows, int maxDepth, int maxNameLength) {
        this.reader = new TelemetryReader(maxRows, maxDepth);
        this.maxNameLength = maxNameLength;
        PipelineMetrics.describe(metrics);
        metrics.describe(DialoutMetrics.DECODE_WARNINGS_TOTAL, Metrics.Type.COUNTER, WARNINGS_HELP);
        for (Issue i : Issue.values()) {
            counters[i.ordinal()] = metrics.counter(i.metric, "reason", i.label);
        }
    }

    /** Reads one whole Telemetry message; its names are not checked yet. */
    Message read(ByteString data) throws DecodeException {
        return reader.read(data);
    }

    /**
     * Decodes one whole Telemetry message of {@code device} into points appended to {@code out};
     * returns how many. A message without rows gives none (counted as {@code no_rows}).
     */
    public int decode(ByteString data, String device, long receivedAtMs, List<Point> out) throws DecodeException {
        return points(read(data), device, receivedAtMs, out);
    }

    /**
     * The points of {@code m}'s rows, appended to {@code out}; returns how many. On an exception
     * {@code out} is left as it was.
     */
    int points(Message m, String device, long receivedAtMs, List<Point> out) throws DecodeException {
        Scratch s = new Scratch();
        if (m.rows().isEmpty()) {
            s.note(Issue.NO_ROWS, m.path());
            publish(s, device, m.path());
            return 0;
        }
        CiscoMappings.Mapping map = CiscoMappings.forPath(m.path());
        String generic = map == null ? CiscoNames.measurement(m.path(), maxNameLength) : null;
        int start = out.size();
        int withoutContent = 0;
        for (Row row : m.rows()) {
            long ts = row.timestampMs > 0 ? row.timestampMs : m.msgTimestamp();
            if (ts <= 0) {
                s.note(Issue.MISSING_TIMESTAMP, m.path());
                ts = receivedAtMs;
            }
            if (!row.hasContent) {
                s.note(Issue.ROW_WITHOUT_CONTENT, m.path());
                withoutContent++;
                continue;
            }
            Point p = map != null ? interfacePoint(row, map, device, ts, s) : genericPoint(row, generic, device, ts, s);
            if (p != null) {
                out.add(p);
            }
        }
        publish(s, device, m.path());
        int n = out.size() - start;
        if (n == 0) {
            if (withoutContent == m.rows().size() && !m.json()) {
                throw new DecodeException(DecodeException.UNKNOWN_GPB_CONTENT,
                        "no GPB-KV row has a content child (rows must be {keys, content})");
            }
            throw new DecodeException(DecodeException.NO_USABLE_ROWS, "no row produced a field");
        }
        return n;
    }

    // ---------------------------------------------------------------- interface

    private Point interfacePoint(Row row, CiscoMappings.Mapping map, String device, long ts, Scratch s) {
        String iface = null;
        for (Leaf k : row.keys) {
            if (k.path().equals(map.interfaceKey())) {
                iface = k.asText();
                break;
            }
        }
        if (iface == null || iface.isEmpty()) {
            s.note(Issue.ROW_WITHOUT_KEY, map.path());
            return null;
        }
        Point.Builder b = Point.builder(Schema.INTERFACE, row.content.size() + 2)
                .tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_INTERFACE, iface).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY)
                .time(ts);
        for (Leaf k : row.keys) {
            if (!k.path().equals(map.interfaceKey())) {
                String key = CiscoNames.key(k.path());
                b.tag(key.equals(Schema.TAG_INTERFACE) ? key + "_value" : key, k.asText());
            }
        }
        Set<String> names = s.names();
        Leaf[][] parts = map.sums().isEmpty() ? null : new Leaf[map.sums().size()][];
        for (Leaf leaf : row.content) {
            if (parts != null) {
                collectPart(map.sums(), parts, leaf);
            }
            CiscoMappings.Spec spec = map.specs().get(leaf.path());
            if (spec != null) {
                if (names.add(spec.field())) {
                    mapped(b, spec, leaf, s);
                } else {
                    s.note(Issue.DUPLICATE_FIELD, leaf.path());
                }
                continue;
            }
            String name = CiscoNames.key(leaf.path());
            if (name.isEmpty() || INTERFACE_NAMES.contains(name)) {
                continue; // an extra never takes a name the data model gives a meaning
            }
            if (name.equals(Schema.TAG_INTERFACE)) {
                name = name + "_value";
            }
            if (!names.add(name)) {
                s.note(Issue.DUPLICATE_FIELD, leaf.path());
                continue;
            }
            extra(b, name, leaf, s);
        }
        if (parts != null) {
            sums(b, map.sums(), parts, names, s);
        }
        if (b.fieldCount() == 0) {
            s.note(Issue.EMPTY_ROW, map.path());
            return null;
        }
        return b.build();
    }

    private void mapped(Point.Builder b, CiscoMappings.Spec spec, Leaf leaf, Scratch s) {
        switch (spec.kind()) {
            case INTEGER -> {
                Long v = integer(leaf, s);
                if (v != null) {
                    b.field(spec.field(), v);
                }
            }
            case KBPS -> {
                Long v = integer(leaf, s);
                if (v != null) {
                    if (Math.abs(v) > Long.MAX_VALUE / 1000) {
                        s.note(Issue.UINT64_OVERFLOW, leaf.path());
                    } else {
                        b.field(spec.field(), v * 1000);
                    }
                }
            }
            case OPER_STATE, ADMIN_STATE -> {
                int status = leaf.kind() != Leaf.STRING ? 0
                        : spec.kind() == CiscoMappings.Kind.OPER_STATE ? CiscoMappings.operStatus(leaf.text())
                        : CiscoMappings.adminStatus(leaf.text());
                if (status == 0) {
                    s.note(Issue.UNKNOWN_STATE, leaf.path());
                } else {
                    b.field(spec.field(), (long) status);
                }
            }
            case STRING -> b.field(spec.field(), leaf.asText());
        }
    }

    /** An extra interface leaf: numbers as floats, strings and booleans as they are. */
    private void extra(Point.Builder b, String name, Leaf leaf, Scratch s) {
        switch (leaf.kind()) {
            case Leaf.INT -> b.field(name, (double) leaf.bits());
            case Leaf.UINT -> {
                if (leaf.bits() < 0) {
                    s.note(Issue.UINT64_OVERFLOW, leaf.path());
                } else {
                    b.field(name, (double) leaf.bits());
                }
            }
            case Leaf.DOUBLE -> finite(b, name, leaf, s);
            case Leaf.BOOL -> b.field(name, leaf.bits() != 0);
            case Leaf.STRING -> jsonDigitsOrString(b, name, leaf, s);
            default -> s.note(Issue.UINT64_OVERFLOW, leaf.path());
        }
    }

    private static void collectPart(List<CiscoMappings.Sum> sums, Leaf[][] parts, Leaf leaf) {
        for (int i = 0; i < sums.size(); i++) {
            List<String> names = sums.get(i).parts();
            int j = names.indexOf(leaf.path());
            if (j >= 0) {
                if (parts[i] == null) {
                    parts[i] = new Leaf[names.size()];
                }
                if (parts[i][j] == null) {
                    parts[i][j] = leaf;
                }
            }
        }
    }

    private static void sums(Point.Builder b, List<CiscoMappings.Sum> sums, Leaf[][] parts, Set<String> names, Scratch s) {
        for (int i = 0; i < sums.size(); i++) {
            CiscoMappings.Sum sum = sums.get(i);
            if (parts[i] == null || names.contains(sum.target())) {
                continue;
            }
            long total = 0;
            boolean ok = true;
            for (Leaf part : parts[i]) {
                Long v = part == null ? null : integer(part, null);
                if (v == null || v < 0) {
                    ok = false; // a part missing or unusable (counted where it is a field of its own)
                    break;
                }
                total += v;
                if (total < 0) {
                    s.note(Issue.UINT64_OVERFLOW, sum.target());
                    ok = false;
                    break;
                }
            }
            if (ok) {
                names.add(sum.target());
                b.field(sum.target(), total);
            }
        }
    }

    // ---------------------------------------------------------------- generic

    private Point genericPoint(Row row, String measurement, String device, long ts, Scratch s) {
        Point.Builder b = Point.builder(measurement, row.content.size())
                .tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(ts);
        for (Leaf k : row.keys) {
            String key = CiscoNames.key(k.path());
            if (b.tagValue(key) == null) {
                b.tag(key, k.asText());
            }
        }
        Set<String> names = s.names();
        for (Leaf leaf : row.content) {
            String name = CiscoNames.key(leaf.path());
            if (name.isEmpty()) {
                continue;
            }
            if (!names.add(name)) {
                s.note(Issue.DUPLICATE_FIELD, leaf.path());
                continue;
            }
            switch (leaf.kind()) {
                case Leaf.INT -> {
                    if (leaf.json()) {
                        b.field(name, (double) leaf.bits());
                    } else {
                        b.field(name, leaf.bits());
                    }
                }
                case Leaf.UINT -> {
                    if (leaf.bits() < 0) {
                        s.note(Issue.UINT64_OVERFLOW, leaf.path());
                    } else if (leaf.json()) {
                        b.field(name, (double) leaf.bits());
                    } else {
                        b.field(name, leaf.bits());
                    }
                }
                case Leaf.DOUBLE -> finite(b, name, leaf, s);
                case Leaf.BOOL -> b.field(name, leaf.bits() != 0);
                case Leaf.STRING -> jsonDigitsOrString(b, name, leaf, s);
                default -> s.note(Issue.UINT64_OVERFLOW, leaf.path());
            }
        }
        if (b.fieldCount() == 0) {
            s.note(Issue.EMPTY_ROW, measurement);
            return null;
        }
        return b.build();
    }

    // ---------------------------------------------------------------- values

    private static void finite(Point.Builder b, String name, Leaf leaf, Scratch s) {
        double d = leaf.doubleValue();
        if (Double.isFinite(d)) {
            b.field(name, d);
        } else {
            s.note(Double.isNaN(d) ? Issue.NON_NUMERIC : Issue.UINT64_OVERFLOW, leaf.path());
        }
    }

    /** A JSON string of digits is a 64-bit number (proto3 JSON writes them so): a float; any other string stays one. */
    private static void jsonDigitsOrString(Point.Builder b, String name, Leaf leaf, Scratch s) {
        if (leaf.json() && digits(leaf.text())) {
            Long v = TelemetryReader.parseInteger(leaf.text());
            if (v == null || (v < 0 && leaf.text().charAt(0) != '-')) {
                s.note(Issue.UINT64_OVERFLOW, leaf.path());
            } else {
                b.field(name, (double) v);
            }
            return;
        }
        b.field(name, leaf.text());
    }

    /** Whether {@code t} is an optionally negative run of decimal digits. */
    private static boolean digits(String t) {
        int start = !t.isEmpty() && t.charAt(0) == '-' ? 1 : 0;
        if (t.length() == start) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The exact integer of a leaf meant to be one (a counter): signed and unsigned integers below
     * 2^63, integral floats in range, strings of digits. Null, and counted when {@code s} is given,
     * when it is too large ({@code uint64_overflow}) or not an integer ({@code non_numeric}).
     */
    static Long integer(Leaf leaf, Scratch s) {
        Issue problem;
        switch (leaf.kind()) {
            case Leaf.INT -> {
                return leaf.bits();
            }
            case Leaf.UINT -> {
                if (leaf.bits() >= 0) {
                    return leaf.bits();
                }
                problem = Issue.UINT64_OVERFLOW;
            }
            case Leaf.DOUBLE -> {
                double d = leaf.doubleValue();
                if (Double.isNaN(d)) {
                    problem = Issue.NON_NUMERIC;
                } else if (Math.abs(d) >= TWO_63) {
                    problem = Issue.UINT64_OVERFLOW;
                } else if (d != Math.rint(d)) {
                    problem = Issue.NON_NUMERIC;
                } else {
                    return (long) d;
                }
            }
            case Leaf.STRING -> {
                String t = leaf.text().strip();
                if (!digits(t)) {
                    problem = Issue.NON_NUMERIC;
                } else {
                    Long v = TelemetryReader.parseInteger(t);
                    if (v != null && (v >= 0 || t.charAt(0) == '-')) {
                        return v;
                    }
                    problem = Issue.UINT64_OVERFLOW;
                }
            }
            case Leaf.OVERFLOW -> problem = Issue.UINT64_OVERFLOW;
            default -> problem = Issue.NON_NUMERIC;
        }
        if (s != null) {
            s.note(problem, leaf.path());
        }
        return null;
    }

    private void publish(Scratch s, String device, String path) {
        for (int i = 0; i < Issue.COUNT; i++) {
            int n = s.counts[i];
            if (n == 0) {
                continue;
            }
            Issue issue = Issue.of(i);
            counters[i].add(n);
            log.warn(issue.label + '\u0000' + device, "Cisco device {} path {}: {} x {} (first: {})",
                    device, path, n, issue.text, s.first[i]);
        }
    }

    private static Set<String> interfaceNames() {
        Set<String> s = new HashSet<>(Schema.RESERVED.get(Schema.INTERFACE));
        s.addAll(List.of(Schema.IN_OCTETS, Schema.OUT_OCTETS, Schema.IN_PKTS, Schema.OUT_PKTS, Schema.IN_UCAST_PKTS,
                Schema.OUT_UCAST_PKTS, Schema.IN_NUCAST_PKTS, Schema.OUT_NUCAST_PKTS, Schema.IN_ERRORS, Schema.OUT_ERRORS,
                Schema.IN_DISCARDS, Schema.OUT_DISCARDS, Schema.IN_UNKNOWN_PROTOS, Schema.DESCRIPTION));
        return Set.copyOf(s);
    }

    /** Per-message counts of issues, the first path of each, and the names of the point being built. */
    static final class Scratch {
        final int[] counts = new int[Issue.COUNT];
        final String[] first = new String[Issue.COUNT];
        private final Set<String> names = new HashSet<>();

        void note(Issue issue, String path) {
            if (counts[issue.ordinal()]++ == 0) {
                first[issue.ordinal()] = path;
            }
        }

        Set<String> names() {
            names.clear();
            return names;
        }
    }
}
