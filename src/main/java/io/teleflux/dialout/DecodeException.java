package io.teleflux.dialout;

/**
 * A dial-out message, or a document in it, that yields nothing at all. {@link #reason()} is a short
 * snake_case label for {@code teleflux_decode_errors_total{reason}}; the message is for logs and
 * never quotes the payload.
 *
 * <p>No stack trace is captured: a broken device can send thousands of these a second and the
 * trace would only ever point into the decoder.
 *
 * <p>One class for every vendor, because a reason label means the same whoever counts it; the
 * reasons only one vendor has say which.
 */
public final class DecodeException extends Exception {
    /** Not valid JSON (H3C {@code jsonData}, Huawei {@code data_str} or row content, Cisco JSON). */
    public static final String MALFORMED_JSON = "malformed_json";
    /** Huawei: {@code data} is not a protobuf {@code Telemetry}, or {@code data_json} not a JSON object; Cisco: neither a protobuf {@code Telemetry} nor JSON. */
    public static final String MALFORMED_ENVELOPE = "malformed_envelope";
    /** Huawei: {@code Telemetry.encoding} is neither GPB nor JSON; Cisco: a protobuf message with neither rows nor the identity of a Telemetry message. */
    public static final String UNKNOWN_ENCODING = "unknown_encoding";
    /** GPB content whose message Teleflux does not know (Huawei: stored generically when it can be; Cisco: compact GPB, or GPB-KV rows without {@code content}). */
    public static final String UNKNOWN_GPB_CONTENT = "unknown_gpb_content";
    public static final String NO_USABLE_ROWS = "no_usable_rows";
    public static final String TOO_MANY_ROWS = "too_many_rows";
    public static final String TOO_DEEP = "too_deep";
    public static final String NAME_TOO_LONG = "name_too_long";
    /** H3C: an empty {@code jsonData}. */
    public static final String EMPTY_JSON = "empty_json";
    /** H3C: a {@code jsonData} that is not a JSON object. */
    public static final String NOT_OBJECT = "not_object";
    /** H3C: a {@code jsonData} without its {@code Notification}. */
    public static final String NO_NOTIFICATION = "no_notification";
    /** Huawei: a {@code serviceArgs} with neither {@code data} nor {@code data_json} (and no {@code errors}). */
    public static final String EMPTY_MESSAGE = "empty_message";
    /** Huawei: a GPB row's content is not a protobuf message. */
    public static final String MALFORMED_GPB_CONTENT = "malformed_gpb_content";

    private final String reason;

    public DecodeException(String reason, String message) {
        this(reason, message, null);
    }

    public DecodeException(String reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "DecodeException[" + reason + "]: " + getMessage();
    }
}
