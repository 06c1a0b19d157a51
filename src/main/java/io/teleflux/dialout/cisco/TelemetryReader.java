package io.teleflux.dialout.cisco;

import io.teleflux.dialout.DecodeException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one whole {@code Telemetry} message, GPB-KV or JSON, into {@link Row}s of typed leaves.
 *
 * <ul>
 *   <li>GPB-KV ({@code encoding self-describing-gpb}): each element of {@code data_gpbkv} is a row
 *       with children {@code keys} and {@code content}, trees of {@code TelemetryField}s;</li>
 *   <li>JSON ({@code encoding json}): the same message as JSON text, the rows in {@code data_json}
 *       ({@code timestamp}, {@code keys} as an object or an array of objects, {@code content}); 64-bit
 *       numbers may come as strings (IOS XR 7). NX-OS's {@code data} object is read as one row;</li>
 *   <li>compact GPB ({@code data_gpb}) needs each model's own .proto: rejected as
 *       {@code unknown_gpb_content}.</li>
 * </ul>
 *
 * <p>Rows, nesting and member names are bounded ({@code max-rows}, {@code max-depth}, 1,024 chars);
 * the message itself is bounded by {@code max-message-size}. Thread-safe.
 */
final class TelemetryReader {
    static final int MAX_MEMBER_NAME = 1024;
    /** protobuf-java's own nesting limit is 100; ours is {@code max-depth}, checked while walking. */
    private static final int PROTOBUF_RECURSION_LIMIT = 200;

    private final int maxRows;
    private final int maxDepth;
    private final JsonFactory factory;

    TelemetryReader(int maxRows, int maxDepth) {
        if (maxRows < 1 || maxDepth < 4) {
            throw new IllegalArgumentException("maxRows must be >= 1 and maxDepth >= 4");
        }
        this.maxRows = maxRows;
        this.maxDepth = maxDepth;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth + 1) // ours fires first; a backstop
                        .maxStringLength(Integer.MAX_VALUE) // bounded by max-message-size
                        .maxNumberLength(Integer.MAX_VALUE) // a long number costs its field only
                        .maxNameLength(MAX_MEMBER_NAME)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION) // no payload in error messages
                .build();
    }

    Message read(ByteString data) throws DecodeException {
        if (looksLikeJson(data)) {
            try {
                return readJson(data);
            } catch (DecodeException e) {
                // a GPB message can begin with '\n' '{' (node_id_str of 123 bytes) and end in '}'
                Message gpb = gpbOrNull(data);
                if (gpb != null && !gpb.rows().isEmpty()) {
                    return gpb;
                }
                throw e;
            }
        }
        Telemetry t;
        try {
            t = parse(data);
        } catch (InvalidProtocolBufferException e) {
            throw new DecodeException(DecodeException.MALFORMED_ENVELOPE,
                    "data is neither a protobuf Telemetry message nor JSON: " + e.getMessage());
        }
        return fromGpb(t);
    }

    private static Telemetry parse(ByteString data) throws InvalidProtocolBufferException {
        CodedInputStream in = data.newCodedInput();
        in.setRecursionLimit(PROTOBUF_RECURSION_LIMIT);
        try {
            Telemetry t = Telemetry.parseFrom(in);
            in.checkLastTagWas(0);
            return t;
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e); // from a ByteString: cannot happen
        }
    }

    private Message gpbOrNull(ByteString data) {
        try {
            return fromGpb(parse(data));
        } catch (InvalidProtocolBufferException | DecodeException e) {
            return null;
        }
    }

    static boolean looksLikeJson(ByteString d) {
        int n = d.size();
        int i = 0;
        while (i < n && whitespace(d.byteAt(i))) {
            i++;
        }
        int j = n - 1;
        while (j > i && whitespace(d.byteAt(j))) {
            j--;
        }
        return i < j && d.byteAt(i) == '{' && d.byteAt(j) == '}';
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    // ---------------------------------------------------------------- GPB-KV

    private Message fromGpb(Telemetry t) throws DecodeException {
        String device = t.getNodeIdCase() == Telemetry.NodeIdCase.NODE_ID_STR ? t.getNodeIdStr() : "";
        String path = t.getEncodingPath().isEmpty() ? t.getSensorPath() : t.getEncodingPath();
        if (t.getDataGpbkvCount() == 0) {
            if (t.hasDataGpb() && t.getDataGpb().getRowCount() > 0) {
                throw new DecodeException(DecodeException.UNKNOWN_GPB_CONTENT, "compact GPB rows ("
                        + t.getDataGpb().getRowCount() + ") need the model's own .proto: configure encoding"
                        + " self-describing-gpb on the device");
            }
            if (device.isEmpty() || path.isEmpty()) {
                // random bytes often parse as a protobuf message of unknown fields: nothing identifies it
                throw new DecodeException(DecodeException.UNKNOWN_ENCODING,
                        "a protobuf message with no rows (data_gpbkv, data_gpb), no node_id_str or no encoding_path");
            }
            return new Message(device, path, t.getMsgTimestamp(), List.of(), false);
        }
        if (t.getDataGpbkvCount() > maxRows) {
            throw new DecodeException(DecodeException.TOO_MANY_ROWS,
                    t.getDataGpbkvCount() + " rows, more than teleflux.dialout.max-rows (" + maxRows + ")");
        }
        List<Row> rows = new ArrayList<>(t.getDataGpbkvCount());
        for (TelemetryField r : t.getDataGpbkvList()) {
            Row row = new Row();
            row.timestampMs = r.getTimestamp();
            for (TelemetryField child : r.getFieldsList()) {
                switch (child.getName()) {
                    case "keys" -> walk(child.getFieldsList(), "", 3, row.keys);
                    case "content" -> {
                        row.hasContent = true;
                        walk(child.getFieldsList(), "", 3, row.content);
                    }
                    default -> {
                        // neither keys nor content: not the documented row shape
                    }
                }
            }
            rows.add(row);
        }
        return new Message(device, path, t.getMsgTimestamp(), rows, false);
    }

    /** Adds the leaves below {@code fields}; a row is level 1, keys and content level 2. */
    private void walk(List<TelemetryField> fields, String prefix, int depth, List<Leaf> out) throws DecodeException {
        if (fields.isEmpty()) {
            return;
        }
        if (depth > maxDepth) {
            throw tooDeep();
        }
        for (TelemetryField f : fields) {
            String path = join(prefix, f.getName());
            if (f.getValueByTypeCase() != TelemetryField.ValueByTypeCase.VALUEBYTYPE_NOT_SET) {
                out.add(leaf(path, f));
            }
            walk(f.getFieldsList(), path, depth + 1, out);
        }
    }

    private static Leaf leaf(String path, TelemetryField f) {
        return switch (f.getValueByTypeCase()) {
            case BYTES_VALUE -> Leaf.ofBytes(path, f.getBytesValue().toByteArray());
            case STRING_VALUE -> Leaf.ofString(path, f.getStringValue(), false);
            case BOOL_VALUE -> Leaf.ofBool(path, f.getBoolValue(), false);
            case UINT32_VALUE -> Leaf.ofInt(path, Integer.toUnsignedLong(f.getUint32Value()), false);
            case UINT64_VALUE -> Leaf.ofUint(path, f.getUint64Value(), false);
            case SINT32_VALUE -> Leaf.ofInt(path, f.getSint32Value(), false);
            case SINT64_VALUE -> Leaf.ofInt(path, f.getSint64Value(), false);
            case DOUBLE_VALUE -> Leaf.ofDouble(path, f.getDoubleValue(), false);
            case FLOAT_VALUE -> Leaf.ofDouble(path, f.getFloatValue(), false);
            case VALUEBYTYPE_NOT_SET -> throw new IllegalStateException("no value");
        };
    }

    private static String join(String prefix, String name) {
        if (name.isEmpty()) {
            return prefix;
        }
        return prefix.isEmpty() ? name : prefix + '/' + name;
    }

    private DecodeException tooDeep() {
        return new DecodeException(DecodeException.TOO_DEEP,
                "nested deeper than teleflux.dialout.max-depth (" + maxDepth + ")");
    }

    // ---------------------------------------------------------------- JSON

    private Message readJson(ByteString data) throws DecodeException {
        try (InputStream in = data.newInput(); JsonParser p = factory.createParser(in)) {
            return readJson(p);
        } catch (StreamConstraintsException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Name length")) {
                throw new DecodeException(DecodeException.NAME_TOO_LONG,
                        "a JSON member name is longer than " + MAX_MEMBER_NAME + " chars");
            }
            throw malformed(e);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "unreadable JSON: " + e.getMessage());
        }
    }

    private static DecodeException malformed(JsonProcessingException e) {
        return new DecodeException(DecodeException.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage());
    }

    private Message readJson(JsonParser p) throws IOException, DecodeException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "JSON that is not an object");
        }
        String device = "";
        String encodingPath = "";
        String sensorPath = "";
        long msgTimestamp = 0;
        List<Row> rows = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "node_id_str" -> device = scalar(p, v);
                case "encoding_path" -> encodingPath = scalar(p, v);
                case "sensor_path" -> sensorPath = scalar(p, v);
                case "msg_timestamp" -> msgTimestamp = timestamp(p, v);
                case "data_json" -> {
                    if (v == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.START_OBJECT) {
                                rows.add(jsonRow(p));
                                checkRows(rows.size());
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "data" -> {
                    if (v == JsonToken.START_OBJECT) {
                        Row row = new Row();
                        row.hasContent = true;
                        walkJson(p, "", 3, row.content);
                        rows.add(row);
                        checkRows(rows.size());
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "data after the JSON object");
        }
        String path = encodingPath.isEmpty() ? sensorPath : encodingPath;
        return new Message(device, path, msgTimestamp, rows, true);
    }

    private void checkRows(int n) throws DecodeException {
        if (n > maxRows) {
            throw new DecodeException(DecodeException.TOO_MANY_ROWS,
                    "more rows than teleflux.dialout.max-rows (" + maxRows + ")");
        }
    }

    /** At the START_OBJECT of a row (level 3: root, data_json, row). */
    private Row jsonRow(JsonParser p) throws IOException, DecodeException {
        Row row = new Row();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "timestamp" -> row.timestampMs = timestamp(p, v);
                case "keys" -> {
                    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                        walkJson(p, "", 4, row.keys);
                    } else {
                        p.skipChildren();
                    }
                }
                case "content" -> {
                    if (v == JsonToken.START_OBJECT) {
                        row.hasContent = true;
                        walkJson(p, "", 4, row.content);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return row;
    }

    /**
     * Adds the leaves of the value at the current token: an object's members under their names, an
     * array's elements under the array's own name (a YANG list or leaf-list), a scalar as one leaf.
     */
    private void walkJson(JsonParser p, String path, int depth, List<Leaf> out) throws IOException, DecodeException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                if (depth > maxDepth) {
                    throw tooDeep();
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String child = join(path, p.currentName());
                    p.nextToken();
                    walkJson(p, child, depth + 1, out);
                }
            }
            case START_ARRAY -> {
                if (depth > maxDepth) {
                    throw tooDeep();
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    walkJson(p, path, depth + 1, out);
                }
            }
            case VALUE_STRING -> out.add(Leaf.ofString(path, p.getText(), true));
            case VALUE_NUMBER_INT -> out.add(integer(path, p.getText()));
            case VALUE_NUMBER_FLOAT -> {
                double d = Double.parseDouble(p.getText());
                out.add(Double.isFinite(d) ? Leaf.ofDouble(path, d, true) : Leaf.ofOverflow(path, p.getText(), true));
            }
            case VALUE_TRUE -> out.add(Leaf.ofBool(path, true, true));
            case VALUE_FALSE -> out.add(Leaf.ofBool(path, false, true));
            default -> {
                // null: no value
            }
        }
    }

    /** A JSON integer, exactly: signed when it fits, unsigned up to 2^64 - 1, else OVERFLOW (never BigInteger). */
    static Leaf integer(String path, String digits) {
        Long v = parseInteger(digits);
        if (v == null) {
            return Leaf.ofOverflow(path, digits, true);
        }
        boolean unsigned = digits.charAt(0) != '-' && v < 0;
        return unsigned ? Leaf.ofUint(path, v, true) : Leaf.ofInt(path, v, true);
    }

    /**
     * The value of an optionally signed decimal integer of at most 20 digits: signed when it fits a
     * long, else its unsigned bits when it fits 64 bits unsigned (a negative long then); null when it
     * is not such a number or is larger.
     */
    static Long parseInteger(String s) {
        int n = s.length();
        boolean negative = n > 0 && s.charAt(0) == '-';
        int start = negative ? 1 : 0;
        if (n == start || n - start > 20) {
            return null;
        }
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            if (negative) {
                return null;
            }
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String scalar(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    /** A time in ms as a number or (IOS XR 7) a string of digits; 0 when it is neither. */
    private static long timestamp(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING) {
            Long t = parseInteger(p.getText().strip());
            return t == null || t < 0 ? 0 : t;
        }
        p.skipChildren();
        return 0;
    }
}
