package io.teleflux.component;

import java.io.IOException;
import java.time.Duration;

/**
 * Something the collector runs: an input, the rate stage, the writer, self-monitoring, the HTTP
 * endpoint. The collector starts its components in order and closes them in reverse, so that
 * whatever an input has handed on is written before the writer closes.
 *
 * <p>The rule (the OpenTelemetry Collector's): {@link #close} is idempotent, safe before
 * {@link #start} and after a failed start, and returns within about its timeout.
 */
public interface Component {
    /** A short name for logs and health checks, e.g. {@code snmp}. */
    String name();

    /**
     * Starts. A failure that the operator can fix (a port in use, an unreadable file) is an
     * IOException whose message names the config key.
     */
    void start() throws IOException;

    /**
     * Stops, releasing threads, sockets and files, within about {@code timeout}; what cannot be
     * finished by then is left (a writer spools it) rather than waited for.
     */
    void close(Duration timeout) throws InterruptedException;
}
