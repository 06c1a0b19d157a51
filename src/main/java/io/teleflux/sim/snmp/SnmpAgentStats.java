package io.teleflux.sim.snmp;

/**
 * A snapshot of the simulated agent's counters.
 *
 * @param requests         requests answered with a response (tooBig included)
 * @param varbinds         variable bindings in those responses
 * @param unknownCommunity v2c requests whose community names no simulated device: not answered
 * @param unknownContext   v3 requests whose context names no simulated device: answered with a report
 * @param authFailures     v3 messages USM rejected (unknown user, wrong digest, undecryptable,
 *                         unsupported security level): answered with a USM report
 * @param tooBig           requests answered with {@code tooBig}
 * @param failures         responses that could not be sent
 */
public record SnmpAgentStats(long requests, long varbinds, long unknownCommunity, long unknownContext,
                             long authFailures, long tooBig, long failures) {

    /** The progress line fragment; rates are taken against {@code previous}, {@code seconds} earlier. */
    public String progressLine(SnmpAgentStats previous, double seconds) {
        double reqRate = seconds > 0 ? (requests - previous.requests) / seconds : 0;
        double vbRate = seconds > 0 ? (varbinds - previous.varbinds) / seconds : 0;
        return String.format("snmp: %d requests, %.1f req/s, %.0f varbinds/s, unknown community %d, unknown"
                + " context %d, auth failures %d", requests, reqRate, vbRate, unknownCommunity, unknownContext,
                authFailures);
    }
}
