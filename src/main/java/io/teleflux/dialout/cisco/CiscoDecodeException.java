package io.teleflux.dialout.cisco;

/**
 * A Cisco MDT message that yields nothing; {@link #reason()} is the {@code reason} label of
 * {@code teleflux_decode_errors_total}. The message (never the device's payload) goes to the log.
 */
public final class CiscoDecodeException extends Exception {
    /** Neither a protobuf {@code Telemetry} nor JSON. */
    public static final String MALFORMED_ENVELOPE = "malformed_envelope";
    /** Starts like JSON but does not parse as a JSON object. */
    public static final String MALFORMED_JSON = "malformed_json";
    /** A protobuf message with neither rows nor the identity of a Telemetry message. */
    public static final String UNKNOWN_ENCODING = "unknown_encoding";
    /** Compact GPB rows (they need the model's own .proto), or GPB-KV rows without {@code content}. */
    public static final String UNKNOWN_GPB_CONTENT = "unknown_gpb_content";
    public static final String NO_USABLE_ROWS = "no_usable_rows";
    public static final String TOO_MANY_ROWS = "too_many_rows";
    public static final String TOO_DEEP = "too_deep";
    public static final String NAME_TOO_LONG = "name_too_long";

    private final String reason;

    public CiscoDecodeException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
