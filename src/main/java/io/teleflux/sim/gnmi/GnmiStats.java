package io.teleflux.sim.gnmi;

/**
 * A snapshot of the gNMI face's counters.
 *
 * @param streams       Subscribe streams with an accepted SubscriptionList, now
 * @param subscribed    such streams since start
 * @param notifications notifications sent (one per interface or component per round)
 * @param updates       leaf updates in those notifications
 * @param skipped       rounds not sent because the stream was not ready (a slow collector) or the
 *                      simulator fell a whole period behind
 * @param rejected      calls ended with an error status (bad SubscriptionList, unknown target, ...)
 * @param authFailures  calls refused for missing or wrong username/password metadata
 */
public record GnmiStats(int streams, long subscribed, long notifications, long updates, long skipped, long rejected,
                        long authFailures) {

    /** The progress line fragment; rates are taken against {@code previous}, {@code seconds} earlier. */
    public String progressLine(GnmiStats previous, double seconds) {
        double nRate = seconds > 0 ? (notifications - previous.notifications) / seconds : 0;
        double uRate = seconds > 0 ? (updates - previous.updates) / seconds : 0;
        return String.format("gnmi: %d streams, %d notifications, %.1f notif/s, %.0f updates/s, skipped %d,"
                + " rejected %d, auth failures %d", streams, notifications, nRate, uRate, skipped, rejected,
                authFailures);
    }
}
