package io.teleflux.dialout.h3c;

/**
 * A {@code jsonData} document that yields nothing at all. {@link #reason()} is a short snake_case
 * label meant for a counter ({@code teleflux_decode_errors_total{reason}}); the message is for logs.
 *
 * <p>No stack trace is captured: a broken device can send thousands of these a second and the
 * trace would only ever point into the decoder.
 */
public final class DecodeException extends Exception {
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String EMPTY_JSON = "empty_json";
    public static final String NOT_OBJECT = "not_object";
    public static final String NO_NOTIFICATION = "no_notification";
    public static final String NO_USABLE_ROWS = "no_usable_rows";
    public static final String TOO_MANY_ROWS = "too_many_rows";
    public static final String TOO_DEEP = "too_deep";
    public static final String NAME_TOO_LONG = "name_too_long";

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
