package io.teleflux.gnmi;

import io.teleflux.config.HostPort;
import io.teleflux.config.Secret;
import io.teleflux.config.Summarized;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One gNMI target with every setting resolved ({@code defaults} merged in). {@code key} is where
 * it was configured ({@code teleflux.gnmi.targets[2]}), for messages that must name it.
 *
 * @param name              the {@code device} tag of everything it sends, and the metrics' {@code device} label
 * @param target            gNMI {@code Path.target} of the subscription prefix (a server fronting several devices); "" = none
 * @param origin            gNMI {@code Path.origin} of the subscription prefix; "" = none
 * @param subscriptions     paths to subscribe to; empty = the defaults (interfaces, and CPU and memory where offered)
 * @param heartbeatInterval ON_CHANGE subscriptions ask the target to resend unchanged values this often; 0 = never
 */
public record GnmiTarget(String key, String name, HostPort address, String username, Secret password, GnmiTls tls,
                         Duration sampleInterval, Duration heartbeatInterval, StateMode stateMode, String target,
                         String origin, List<String> subscriptions, EncodingChoice encoding) implements Summarized {

    public GnmiTarget {
        subscriptions = List.copyOf(subscriptions);
    }

    /** Which encoding to ask for. */
    public enum EncodingChoice {
        /** PROTO when the target offers it, else JSON_IETF. */
        AUTO,
        PROTO,
        JSON_IETF
    }

    /** How state leaves (oper-status, admin-status, ...) are subscribed. */
    public enum StateMode {
        /** ON_CHANGE; SAMPLE from then on if the target refuses the subscription. */
        AUTO,
        ON_CHANGE,
        SAMPLE
    }

    @Override
    public String summary() {
        return name + " at " + address + ", " + tls
                + (username.isEmpty() ? "" : ", user " + username)
                + (password.isEmpty() ? "" : ", password (set, redacted)")
                + ", sample-interval " + seconds(sampleInterval)
                + ", encoding " + encoding.name().toLowerCase(Locale.ROOT)
                + (target.isEmpty() ? "" : ", target " + target)
                + ", subscriptions " + (subscriptions.isEmpty() ? "default" : subscriptions.toString());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public String toString() {
        return summary();
    }
}
