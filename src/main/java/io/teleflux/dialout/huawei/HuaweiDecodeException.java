package io.teleflux.dialout.huawei;

/**
 * A Huawei dial-out message that yields nothing at all. {@link #reason()} is a short snake_case
 * label for {@code teleflux_decode_errors_total{reason}}; the message is for logs and never quotes
 * the payload. No stack trace: a broken device can send thousands a second.
 */
public final class HuaweiDecodeException extends Exception {
    /** {@code data} is not a protobuf {@code Telemetry}, or {@code data_json} not a JSON object. */
    public static final String MALFORMED_ENVELOPE = "malformed_envelope";
    /** A {@code serviceArgs} with neither {@code data} nor {@code data_json} (and no {@code errors}). */
    public static final String EMPTY_MESSAGE = "empty_message";
    /** {@code Telemetry.encoding} is neither GPB nor JSON. */
    public static final String UNKNOWN_ENCODING = "unknown_encoding";
    /** {@code data_str} (or a JSON row's content) is not valid JSON. */
    public static final String MALFORMED_JSON = "malformed_json";
    /** A GPB row's content is not a protobuf message. */
    public static final String MALFORMED_GPB_CONTENT = "malformed_gpb_content";
    /** GPB content of a sensor path whose message Teleflux does not know (stored generically when it can be). */
    public static final String UNKNOWN_GPB_CONTENT = "unknown_gpb_content";
    public static final String NO_USABLE_ROWS = "no_usable_rows";
    public static final String TOO_MANY_ROWS = "too_many_rows";
    public static final String TOO_DEEP = "too_deep";
    public static final String NAME_TOO_LONG = "name_too_long";

    private final String reason;

    public HuaweiDecodeException(String reason, String message) {
        this(reason, message, null);
    }

    public HuaweiDecodeException(String reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "HuaweiDecodeException[" + reason + "]: " + getMessage();
    }
}
