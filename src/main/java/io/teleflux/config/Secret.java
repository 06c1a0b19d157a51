package io.teleflux.config;

/**
 * A credential. {@link #toString()} never reveals it, so that a secret cannot reach a log line or
 * an error message by accident; code that needs the value calls {@link #reveal()}. Every value is
 * also registered with {@link Redaction}, which cleans text from elsewhere that may echo it.
 */
public final class Secret {
    public static final Secret EMPTY = new Secret("");

    private final String value;

    public Secret(String value) {
        this(value, false);
    }

    private Secret(String value, boolean community) {
        this.value = value == null ? "" : value;
        Redaction.register(this.value, community);
    }

    /** An SNMP v2c community: redacted from log lines, but not from metric labels (see {@link Redaction}). */
    public static Secret community(String value) {
        return new Secret(value, true);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "<redacted>";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
