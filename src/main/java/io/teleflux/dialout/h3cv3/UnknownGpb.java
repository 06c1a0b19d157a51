package io.teleflux.dialout.h3cv3;

import com.google.protobuf.UnsafeByteOperations;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPB rows whose module proto Teleflux does not have. H3C's module protos ({@code ifmgr_v3.Ifmgr},
 * {@code device_v3.Device}, ...) are not public, so every GPB row is one of these: its
 * {@code content} is read as an unknown protobuf message, straight from the wire format, and kept
 * as one point, so that nothing a device sends is dropped for want of a schema. Each row is counted
 * ({@code teleflux_decode_warnings_total{reason="unknown_gpb_module"}}).
 *
 * <p>The point of a row:
 * <ul>
 *   <li>measurement {@code h3c_<module>_<table>} from the sensor path ({@code Ifmgr/Statistics} →
 *       {@code h3c_ifmgr_statistics}), the name an unmapped JSON path gets;</li>
 *   <li>tags {@code device}, {@code source=telemetry}, and every text leaf (see below) under its key,
 *       at most {@value #MAX_TEXT_TAGS}: without field names, text leaves are what identifies a row
 *       (interface names), and as fields every row of a table would fall into one series and overwrite
 *       the others. A row with no text leaf is tagged {@code row=<its index in the message>} instead;</li>
 *   <li>keys are field-number paths: {@code f<n>} per level joined by {@code _}, with {@code _<i>} after
 *       the i-th repetition (from 1) of a field within one message: {@code f1_f1_f3},
 *       {@code f1_f1_1_f3} for the second instance of a repeated message. {@code keys} (reserved by
 *       H3C, normally empty) is read the same way, as tags {@code k<n>...};</li>
 *   <li>fields: a varint as an integer (read as unsigned: 64-bit counters are; a negative int32/int64,
 *       or a value of 2^63 and more, is dropped and counted {@code uint64_overflow}; a sint is shown
 *       zigzag-encoded), a fixed64 as a double and a fixed32 as a float (proto {@code double} and
 *       {@code float}; a fixed64 integer would read as a meaningless double);</li>
 *   <li>a length-delimited value is text when it is valid UTF-8 without control characters, else a
 *       nested message when it parses as one, else opaque (packed repeated numbers, raw bytes):
 *       dropped, counted {@code opaque_bytes}. Text is tried first: a nested message almost always
 *       holds a control byte (tags of fields 1 to 3, short lengths);</li>
 *   <li>time: the row's {@code timestamp}, else the message's (see {@link Epoch} for units).</li>
 * </ul>
 * Content that is not a protobuf message loses its row ({@code decode_errors{reason="malformed_gpb_row"}}).
 * Nesting deeper than {@code max-depth} is dropped ({@code fields_dropped{reason="too_deep"}}); fields
 * beyond {@code limits.max-fields-per-point} ({@code field_limit}) and text tags beyond the cap
 * ({@code tag_limit}) too.
 *
 * <p>Thread-safe: per-row state lives on the stack.
 */
final class UnknownGpb {
    static final int MAX_TEXT_TAGS = 16;
    static final String ROW_TAG = "row";

    private final int maxFields;
    private final int maxDepth;
    private final int maxRows;
    private final Metrics.Counter unknownModule;
    private final Metrics.Counter malformedRow;
    private final Metrics.Counter emptyRow;
    private final Metrics.Counter overflow;
    private final Metrics.Counter notFinite;
    private final Metrics.Counter opaque;
    private final Metrics.Counter tooDeep;
    private final Metrics.Counter fieldLimit;
    private final Metrics.Counter tagLimit;

    UnknownGpb(Metrics metrics, int maxFields, int maxDepth, int maxRows) {
        this.maxFields = maxFields;
        this.maxDepth = maxDepth;
        this.maxRows = maxRows;
        String warnings = DialoutMetrics.DECODE_WARNINGS_TOTAL;
        String dropped = PipelineMetrics.FIELDS_DROPPED;
        unknownModule = metrics.counter(warnings, "reason", "unknown_gpb_module");
        emptyRow = metrics.counter(warnings, "reason", "empty_row");
        malformedRow = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "malformed_gpb_row");
        overflow = metrics.counter(dropped, "reason", "uint64_overflow");
        notFinite = metrics.counter(dropped, "reason", "non_numeric");
        opaque = metrics.counter(dropped, "reason", "opaque_bytes");
        tooDeep = metrics.counter(dropped, "reason", "too_deep");
        fieldLimit = metrics.counter(dropped, "reason", "field_limit");
        tagLimit = metrics.counter(dropped, "reason", "tag_limit");
    }

    /** Too many rows in one message: the message is refused whole, as a JSON document with too many rows is. */
    static final class TooManyRows extends Exception {
        TooManyRows(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Appends a point per usable row of {@code table} to out; returns how many.
     *
     * @param messageTimeMs the time of rows without a timestamp of their own
     */
    int decode(String device, String sensorPath, TelemetryGPBTable table, long messageTimeMs, List<Point> out)
            throws TooManyRows {
        int n = table.getRowCount();
        if (n > maxRows) {
            throw new TooManyRows(n + " rows, more than " + maxRows);
        }
        String measurement = measurement(sensorPath);
        int made = 0;
        for (int i = 0; i < n; i++) {
            TelemetryRowGPB r = table.getRow(i);
            unknownModule.inc();
            byte[] content = r.getContent().toByteArray();
            if (!isMessage(content, 0, content.length)) {
                malformedRow.inc();
                continue;
            }
            Row row = new Row(Point.builder(measurement).tag(Schema.TAG_DEVICE, device)
                    .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY));
            byte[] keys = r.getKeys().toByteArray();
            if (keys.length > 0) {
                if (isMessage(keys, 0, keys.length)) {
                    message(row, keys, 0, keys.length, "k", 1, true);
                } else if (isText(keys, 0, keys.length)) {
                    row.tag("keys", new String(keys, StandardCharsets.UTF_8));
                } else {
                    opaque.inc();
                }
            }
            message(row, content, 0, content.length, "f", 1, false);
            if (row.b.fieldCount() == 0) {
                emptyRow.inc();
                continue;
            }
            if (row.tags == 0) {
                row.b.tag(ROW_TAG, Integer.toString(i));
            }
            long t = Epoch.toMs(r.getTimestamp());
            out.add(row.b.time(t > 0 ? t : messageTimeMs).build());
            made++;
        }
        return made;
    }

    /** {@code h3c_<module>_<table>} of a sensor path: the first segment is the module, the rest the table. */
    static String measurement(String sensorPath) {
        String s = sensorPath == null ? "" : sensorPath.strip();
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        int slash = s.indexOf('/');
        return slash < 0 ? H3cDecoder.genericMeasurement(s, "") : H3cDecoder.genericMeasurement(s.substring(0, slash),
                s.substring(slash + 1));
    }

    /** One row's point in the making. */
    private final class Row {
        final Point.Builder b;
        int tags;

        Row(Point.Builder b) {
            this.b = b;
        }

        void tag(String key, String value) {
            if (value.isEmpty()) {
                return;
            }
            if (tags >= MAX_TEXT_TAGS) {
                tagLimit.inc();
                return;
            }
            tags++;
            b.tag(key, value);
        }

        boolean roomForField() {
            if (b.fieldCount() >= maxFields) {
                fieldLimit.inc();
                return false;
            }
            return true;
        }
    }

    /**
     * The leaves of the message in {@code b[off, end)}, which {@link #isMessage} accepted, under
     * {@code prefix}; {@code asTags} for {@code keys}, whose numbers are tags too.
     */
    private void message(Row row, byte[] b, int off, int end, String prefix, int depth, boolean asTags) {
        Cursor c = new Cursor(b, off, end);
        String letter = asTags ? "k" : "f";
        String base = depth == 1 ? letter : prefix + "_" + letter;
        Map<Integer, Integer> seen = new HashMap<>();
        while (c.pos < end) {
            c.varint();
            int number = (int) (c.value >>> 3);
            int wireType = (int) (c.value & 7);
            int occurrence = seen.merge(number, 1, Integer::sum) - 1;
            String key = occurrence == 0 ? base + number : base + number + "_" + occurrence;
            switch (wireType) {
                case 0 -> {
                    c.varint();
                    number(row, key, c.value, asTags);
                }
                case 1 -> {
                    double d = Double.longBitsToDouble(c.fixed(8));
                    floating(row, key, d, asTags);
                }
                case 5 -> {
                    double d = Float.intBitsToFloat((int) c.fixed(4));
                    floating(row, key, d, asTags);
                }
                case 2 -> {
                    c.varint();
                    int len = (int) c.value;
                    int start = c.pos;
                    c.pos += len;
                    bytes(row, key, b, start, start + len, depth, asTags);
                }
                default -> throw new IllegalStateException("isMessage let wire type " + wireType + " through");
            }
        }
    }

    private void number(Row row, String key, long v, boolean asTag) {
        if (v < 0) {
            overflow.inc(); // 2^63 or more as unsigned: not an InfluxDB integer (and likely a negative int32/int64)
        } else if (asTag) {
            row.tag(key, Long.toString(v));
        } else if (row.roomForField()) {
            row.b.field(key, v);
        }
    }

    private void floating(Row row, String key, double d, boolean asTag) {
        if (!Double.isFinite(d)) {
            notFinite.inc();
        } else if (asTag) {
            row.tag(key, Double.toString(d));
        } else if (row.roomForField()) {
            row.b.field(key, d);
        }
    }

    private void bytes(Row row, String key, byte[] b, int off, int end, int depth, boolean asTags) {
        if (off == end) {
            return; // an empty string or message: nothing to keep
        }
        if (isText(b, off, end)) {
            row.tag(key, new String(b, off, end - off, StandardCharsets.UTF_8));
        } else if (isMessage(b, off, end)) {
            if (depth >= maxDepth) {
                tooDeep.inc();
            } else {
                message(row, b, off, end, key, depth + 1, asTags);
            }
        } else {
            opaque.inc();
        }
    }

    /** Valid UTF-8 without control characters (C0 and DEL): what a name or description is, and a message rarely. */
    static boolean isText(byte[] b, int off, int end) {
        for (int i = off; i < end; i++) {
            int x = b[i] & 0xff;
            if (x < 0x20 || x == 0x7f) {
                return false;
            }
        }
        return UnsafeByteOperations.unsafeWrap(b, off, end - off).isValidUtf8();
    }

    /**
     * Whether {@code b[off, end)} is one level of a protobuf message: tags with a field number of at
     * least 1 and wire type 0, 1, 2 or 5 (groups are long deprecated), varints of at most 10 bytes and
     * lengths within the bytes, ending exactly at {@code end}. Nested values are judged when visited.
     */
    static boolean isMessage(byte[] b, int off, int end) {
        Cursor c = new Cursor(b, off, end);
        while (c.pos < end) {
            if (!c.varint() || c.value >>> 3 == 0 || c.value >>> 3 > 0x1FFFFFFF) {
                return false;
            }
            switch ((int) (c.value & 7)) {
                case 0 -> {
                    if (!c.varint()) {
                        return false;
                    }
                }
                case 1 -> {
                    if (end - c.pos < 8) {
                        return false;
                    }
                    c.pos += 8;
                }
                case 5 -> {
                    if (end - c.pos < 4) {
                        return false;
                    }
                    c.pos += 4;
                }
                case 2 -> {
                    if (!c.varint() || c.value < 0 || c.value > end - c.pos) {
                        return false;
                    }
                    c.pos += (int) c.value;
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** A position in a byte array and the last value read; never reads past {@code end}. */
    private static final class Cursor {
        final byte[] b;
        final int end;
        int pos;
        long value;

        Cursor(byte[] b, int off, int end) {
            this.b = b;
            this.pos = off;
            this.end = end;
        }

        /** Reads a varint of at most 10 bytes into {@link #value}; false when the bytes end first or it is longer. */
        boolean varint() {
            long r = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= end) {
                    return false;
                }
                byte x = b[pos++];
                r |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    value = r;
                    return true;
                }
            }
            return false;
        }

        /** A little-endian fixed64 (n = 8) or fixed32 (n = 4); the caller checked that n bytes are there. */
        long fixed(int n) {
            long r = 0;
            for (int i = 0; i < n; i++) {
                r |= (long) (b[pos++] & 0xff) << (8 * i);
            }
            return r;
        }
    }
}
