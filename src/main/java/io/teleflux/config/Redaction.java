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
    /**
     * The subset that is not an SNMP community. Communities are redacted from log lines only: the
     * simulator's and many small networks' convention makes a community equal to the device name,
     * and the device name must stay readable in metric labels (dashboards and alerts key on it);
     * communities never reach InfluxDB, so error bodies cannot echo them.
     */
    private static final Set<String> STRONG = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    static void register(String value, boolean community) {
        if (value.length() >= MIN_LENGTH && VALUES.size() < MAX_VALUES) {
            VALUES.add(value);
            if (!community) {
                STRONG.add(value);
            }
        }
    }

    /** {@code text} with every known secret value replaced by {@value #MARK}; null stays null. For log lines. */
    public static String redact(String text) {
        return redact(text, VALUES);
    }

    /** Like {@link #redact} but leaves SNMP communities alone: for metric labels and InfluxDB error bodies. */
    public static String redactExceptCommunities(String text) {
        return redact(text, STRONG);
    }

    private static String redact(String text, Set<String> values) {
        if (text == null || text.length() < MIN_LENGTH || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MARK);
            }
        }
        return out;
    }
}
