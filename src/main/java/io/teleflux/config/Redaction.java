package io.teleflux.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of every {@link Secret} this process has loaded, so that text which may have picked
 * one up by accident (an error body echoing a request header, a third-party log line, a metric
 * label) can be cleaned before it is shown.
 *
 * <p>This is the second line of defence: Teleflux itself never formats a revealed secret into a
 * message. Values shorter than {@link #MIN_LENGTH} are not searched for: replacing every "ab" in
 * every log line would make the log unreadable while protecting nothing worth a secret.
 */
public final class Redaction {
    public static final String MARK = "<redacted>";
    public static final int MIN_LENGTH = 4;
    /** A bound, because the set only grows; far above any real configuration (SNMP communities included). */
    private static final int MAX_VALUES = 10_000;
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    static void register(String value) {
        if (value.length() >= MIN_LENGTH && VALUES.size() < MAX_VALUES) {
            VALUES.add(value);
        }
    }

    /** {@code text} with every known secret value replaced by {@value #MARK}; null stays null. */
    public static String redact(String text) {
        if (text == null || text.length() < MIN_LENGTH || VALUES.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : VALUES) {
            if (out.contains(v)) {
                out = out.replace(v, MARK);
            }
        }
        return out;
    }
}
