package io.teleflux.bench;

/** A dial-out server the generator feeds, with the counters the benchmark reads from it. */
interface ServerUnderTest extends AutoCloseable {
    String name();

    /** The gRPC port the generator dials on 127.0.0.1. */
    int port();

    /** The process whose CPU time is charged to this server. */
    long pid();

    /** Messages fully handled so far. */
    long messages() throws Exception;

    /** Lines of line protocol (points) produced so far; -1 when the server makes none. */
    long points() throws Exception;

    /** Whatever the server's own output says when something went wrong (empty if none). */
    default String diagnostics() {
        return "";
    }
}
