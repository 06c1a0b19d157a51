package io.teleflux.snmp;

import java.util.Locale;

/** How one poll of one device ended; the {@code result} label of {@code teleflux_snmp_polls_total}. */
public enum PollResult {
    /** Every answer arrived; the points were handed on. */
    OK,
    /** The deadline cut the table walk: the interfaces walked completely by then were handed on. */
    PARTIAL,
    /** No (complete) answer in time: dead or unreachable device, wrong v2c community, or the per-device deadline. */
    TIMEOUT,
    /** The agent rejected the v3 credentials (unknown user, wrong passphrase, unsupported level) or refused access. */
    AUTH_ERROR,
    /** Anything else: an error status, a broken answer, a host name that does not resolve. */
    ERROR,
    /** Not polled: the previous poll of the device was still running. Counted separately, never as a poll. */
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
