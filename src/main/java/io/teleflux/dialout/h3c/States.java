package io.teleflux.dialout.h3c;

import io.teleflux.point.Schema;

import java.util.Locale;
import java.util.Map;

/**
 * Strings that are data: states sent as words, and the interface states whose IF-MIB numbers the
 * data model stores. Only a string where a number was expected, and not one of these, is bad input.
 */
final class States {
    private States() {
    }

    /** IF-MIB ifOperStatus (RFC 2863), by name without case, dashes or underscores. */
    private static final Map<String, Long> OPER = Map.of("up", 1L, "down", 2L, "testing", 3L, "unknown", 4L,
            "dormant", 5L, "notpresent", 6L, "lowerlayerdown", 7L);
    /** IF-MIB ifAdminStatus; Comware also says enable / disable (ADM_UP / ADM_DOWN). */
    private static final Map<String, Long> ADMIN = Map.of("up", 1L, "down", 2L, "testing", 3L,
            "enable", 1L, "enabled", 1L, "disable", 2L, "disabled", 2L, "admup", 1L, "admdown", 2L);

    /** The IF-MIB number of a status named in {@code text} for column {@code target}, or 0 when none applies. */
    static long ifStatus(String target, char[] b, int off, int len) {
        Map<String, Long> names = Schema.OPER_STATUS.equals(target) ? OPER : Schema.ADMIN_STATUS.equals(target) ? ADMIN : null;
        if (names == null || len > 32) {
            return 0;
        }
        StringBuilder k = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            char c = b[i];
            if (c != '-' && c != '_' && c != ' ') {
                k.append(Character.toLowerCase(c));
            }
        }
        return names.getOrDefault(k.toString().toLowerCase(Locale.ROOT), 0L);
    }

    /** "N/A", "NA", "--", "-", "" and blanks: a value the device does not have, not a state. */
    static boolean notAvailable(char[] b, int off, int len) {
        int s = off;
        int e = off + len;
        while (s < e && b[s] == ' ') {
            s++;
        }
        while (e > s && b[e - 1] == ' ') {
            e--;
        }
        int n = e - s;
        if (n == 0) {
            return true;
        }
        if (n <= 2 && (b[s] == '-') && (n == 1 || b[s + 1] == '-')) {
            return true;
        }
        if (n == 2 && (b[s] | 0x20) == 'n' && (b[s + 1] | 0x20) == 'a') {
            return true;
        }
        return n == 3 && (b[s] | 0x20) == 'n' && b[s + 1] == '/' && (b[s + 2] | 0x20) == 'a';
    }

    /**
     * A word: it starts with a letter. {@code "Normal"} and {@code "enable"} are states; {@code "12abc"},
     * {@code "47%"} or {@code "1,234"} are numbers gone wrong and stay bad input.
     */
    static boolean isWord(char[] b, int off, int len) {
        return len > 0 && Character.isLetter(b[off]);
    }
}
