package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPB content whose message Teleflux does not know, stored anyway: read without its schema, every
 * leaf is named by its path of field numbers from the content's root, {@code gpb_1_3_2} for field 2
 * of the message in field 3 of the message in field 1.
 *
 * <ul>
 *   <li>One point per message that holds numbers directly; its fields are those numbers.</li>
 *   <li>Text leaves (valid UTF-8 without control characters) of that message and of the messages
 *       around it are its tags: in YANG data they are mostly the list keys (names, positions), and
 *       they keep two rows of one list apart. At most {@link #MAX_TAGS} per point.</li>
 *   <li>Elements of a repeated message that have no text leaf of their own get the tag
 *       {@code <path>_index} = their position, so they stay apart too.</li>
 *   <li>Varints are unsigned integers (a value of 2^63 or more is dropped and counted; a negative
 *       int32/int64, which protobuf sends as such a value, too); fixed64 is read as a double and
 *       fixed32 as a float (YANG→proto generators use them for decimal values, not for integers).
 *       Other bytes are dropped and counted ({@code gpb_bytes}).</li>
 * </ul>
 */
final class GenericGpb {
    static final int MAX_TAGS = 16;
    static final String ROOT = "gpb";

    private GenericGpb() {
    }

    /** Adds the points of {@code content}; false when it is not a protobuf message at all. */
    static boolean points(byte[] content, String measurement, long timeMs, Scratch s) throws DecodeException {
        WireMessage root = WireMessage.parse(content);
        if (root == null) {
            return false;
        }
        walk(root, ROOT, new ArrayList<>(), measurement, timeMs, s, 0);
        return true;
    }

    private static void walk(WireMessage m, String path, List<String[]> inherited, String measurement, long timeMs,
                             Scratch s, int depth) throws DecodeException {
        if (depth >= s.maxDepth) {
            throw new DecodeException(DecodeException.TOO_DEEP,
                    "GPB content nested deeper than " + s.maxDepth + " (teleflux.dialout.max-depth)");
        }
        List<String[]> tags = new ArrayList<>(inherited);
        Point.Builder b = null;
        List<Integer> children = null;
        for (int i = 0; i < m.size(); i++) {
            String key = path + '_' + m.number(i);
            switch (m.type(i)) {
                case WireMessage.VARINT -> {
                    if (m.value(i) < 0) {
                        s.count(Issue.UINT64_OVERFLOW, key);
                    } else {
                        b = builder(b, measurement).field(key, m.value(i));
                    }
                }
                case WireMessage.FIXED64 -> b = builder(b, measurement).field(key, Double.longBitsToDouble(m.value(i)));
                case WireMessage.FIXED32 -> b = builder(b, measurement).field(key,
                        (double) Float.intBitsToFloat((int) m.value(i)));
                default -> {
                    if (m.length(i) == 0) {
                        continue; // an empty string or an empty message: nothing to store
                    }
                    String text = m.text(i);
                    if (text != null) {
                        tags.add(new String[]{key, text});
                    } else if (m.message(i) != null) {
                        if (children == null) {
                            children = new ArrayList<>();
                        }
                        children.add(i);
                    } else {
                        s.count(Issue.GPB_BYTES, key);
                    }
                }
            }
        }
        if (b != null && b.fieldCount() > 0) {
            b.tag(Schema.TAG_DEVICE, s.device).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(timeMs);
            int n = 0;
            for (String[] t : tags) {
                if (n++ < MAX_TAGS) {
                    b.tag(t[0], t[1]);
                } else {
                    s.count(Issue.TAG_LIMIT, t[0]);
                }
            }
            s.add(b.build());
        }
        if (children == null) {
            return;
        }
        Map<Integer, Integer> occurrences = new HashMap<>();
        for (int i : children) {
            occurrences.merge(m.number(i), 1, Integer::sum);
        }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i : children) {
            int number = m.number(i);
            int index = seen.merge(number, 1, Integer::sum) - 1;
            WireMessage child = m.message(i);
            String childPath = path + '_' + number;
            List<String[]> childTags = tags;
            if (occurrences.get(number) > 1 && !hasText(child)) {
                childTags = new ArrayList<>(tags);
                childTags.add(new String[]{childPath + "_index", Integer.toString(index)});
            }
            walk(child, childPath, childTags, measurement, timeMs, s, depth + 1);
        }
    }

    private static Point.Builder builder(Point.Builder b, String measurement) {
        return b != null ? b : Point.builder(measurement);
    }

    private static boolean hasText(WireMessage m) {
        for (int i = 0; i < m.size(); i++) {
            if (m.text(i) != null) {
                return true;
            }
        }
        return false;
    }
}
