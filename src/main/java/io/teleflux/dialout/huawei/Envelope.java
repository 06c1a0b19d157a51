package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import com.google.protobuf.InvalidProtocolBufferException;
import io.teleflux.proto.huawei.Telemetry;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.serviceArgs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The {@code Telemetry} header and payload of one {@code serviceArgs}, whichever way it came:
 * {@code data} (GPB) or {@code data_json} (the same envelope as JSON: snake_case or protobuf-JSON
 * lowerCamelCase keys, {@code data_str} as an object or as a string, GPB rows with base64 content).
 *
 * @param json    with JSON encoding: the payload ({@code data_str}), parsed or as text; else null
 * @param gpbRows with GPB encoding: the rows; else empty
 */
record Envelope(String nodeId, String neId, String sensorPath, String protoPath, String subscription,
                String productName, String softwareVersion, String exceptDesc, long msgTimestamp,
                long collectionStartTime, int encoding, Object json, List<GpbRow> gpbRows) {
    static final int GPB = 0;
    static final int JSON = 1;

    /** One GPB row: its sample time (0 when absent) and its content bytes. */
    record GpbRow(long timestamp, byte[] content) {
    }

    /** The envelope of {@code msg}; null when the message carries neither data nor data_json. */
    static Envelope of(serviceArgs msg, JsonTree json) throws DecodeException {
        return switch (msg.getMessageDataCase()) {
            case DATA -> gpb(msg.getData().toByteArray());
            case DATA_JSON -> json(msg.getDataJson(), json);
            default -> null;
        };
    }

    static Envelope gpb(byte[] data) throws DecodeException {
        if (data.length == 0) {
            throw new DecodeException(DecodeException.EMPTY_MESSAGE, "serviceArgs.data is empty");
        }
        Telemetry t;
        try {
            t = Telemetry.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new DecodeException(DecodeException.MALFORMED_ENVELOPE,
                    "serviceArgs.data is not a Telemetry message: " + e.getMessage(), e);
        }
        int encoding = t.getEncodingValue();
        if (encoding != GPB && encoding != JSON) {
            throw new DecodeException(DecodeException.UNKNOWN_ENCODING, "Telemetry.encoding " + encoding);
        }
        List<GpbRow> rows = new ArrayList<>(t.getDataGpb().getRowCount());
        for (TelemetryRowGPB r : t.getDataGpb().getRowList()) {
            rows.add(new GpbRow(r.getTimestamp(), r.getContent().toByteArray()));
        }
        return new Envelope(t.getNodeIdStr(), t.getNeId(), t.getSensorPath(), t.getProtoPath(), t.getSubscriptionIdStr(),
                t.getProductName(), t.getSoftwareVersion(), t.getExceptDesc(), t.getMsgTimestamp(),
                t.getCollectionStartTime(), encoding, encoding == JSON ? t.getDataStr() : null,
                encoding == GPB ? rows : List.of());
    }

    static Envelope json(String text, JsonTree tree) throws DecodeException {
        if (text.isBlank()) {
            throw new DecodeException(DecodeException.EMPTY_MESSAGE, "serviceArgs.data_json is empty");
        }
        Object root;
        try {
            root = tree.parse(text);
        } catch (DecodeException e) {
            if (e.reason().equals(DecodeException.MALFORMED_JSON)) {
                throw new DecodeException(DecodeException.MALFORMED_ENVELOPE,
                        "serviceArgs.data_json: " + e.getMessage(), e);
            }
            throw e;
        }
        Map<String, Object> o = JsonTree.object(root);
        if (o == null) {
            throw new DecodeException(DecodeException.MALFORMED_ENVELOPE, "serviceArgs.data_json is not a JSON object");
        }
        Object data = JsonTree.member(o, "datastr");
        Object gpb = JsonTree.member(o, "datagpb");
        int encoding = encoding(JsonTree.member(o, "encoding"), data, gpb);
        List<GpbRow> rows = List.of();
        if (encoding == GPB) {
            rows = gpbRows(gpb);
        }
        return new Envelope(text(o, "nodeidstr"), text(o, "neid"), text(o, "sensorpath"), text(o, "protopath"),
                text(o, "subscriptionidstr"), text(o, "productname"), text(o, "softwareversion"), text(o, "exceptdesc"),
                time(o, "msgtimestamp"), time(o, "collectionstarttime"), encoding, encoding == JSON ? data : null, rows);
    }

    /** The encoding a JSON envelope declares ({@code "Encoding_JSON"}, {@code "json"}, 1, ...), or what its payload implies. */
    private static int encoding(Object declared, Object data, Object gpb) throws DecodeException {
        if (declared == null || declared == JsonTree.NULL) {
            return gpb != null && data == null ? GPB : JSON;
        }
        if (declared instanceof Long l && (l == GPB || l == JSON)) {
            return l.intValue();
        }
        if (declared instanceof String s) {
            String n = HuaweiNames.normalized(s);
            if (n.equals("encodingjson") || n.equals("json") || n.equals("1")) {
                return JSON;
            }
            if (n.equals("encodinggpb") || n.equals("gpb") || n.equals("0")) {
                return GPB;
            }
        }
        throw new DecodeException(DecodeException.UNKNOWN_ENCODING,
                "encoding " + abbreviated(String.valueOf(declared)));
    }

    /** GPB rows in a JSON envelope: {@code {"row":[{"timestamp":..,"content":"<base64>"}]}}. */
    private static List<GpbRow> gpbRows(Object gpb) throws DecodeException {
        Map<String, Object> table = JsonTree.object(gpb);
        if (table == null) {
            return List.of();
        }
        Object rowList = JsonTree.member(table, "row");
        List<GpbRow> rows = new ArrayList<>();
        if (rowList instanceof List<?> l) {
            for (Object r : l) {
                Map<String, Object> row = JsonTree.object(r);
                if (row == null) {
                    continue;
                }
                byte[] content = new byte[0];
                if (JsonTree.member(row, "content") instanceof String s) {
                    try {
                        content = Base64.getDecoder().decode(s.strip());
                    } catch (IllegalArgumentException e) {
                        throw new DecodeException(DecodeException.MALFORMED_GPB_CONTENT,
                                "data_gpb row content is not base64", e);
                    }
                }
                rows.add(new GpbRow(time(row, "timestamp"), content));
            }
        }
        return rows;
    }

    private static String text(Map<String, Object> o, String key) {
        Object v = JsonTree.member(o, key);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Double) {
            return String.valueOf(v);
        }
        return "";
    }

    /** A time member as a number or numeric string; 0 when absent or unusable. */
    static long time(Map<String, Object> o, String key) {
        JsonTree.Unsigned u = JsonTree.unsigned(JsonTree.member(o, key));
        return u.status() == JsonTree.Unsigned.OK ? u.value() : 0;
    }

    static String abbreviated(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
