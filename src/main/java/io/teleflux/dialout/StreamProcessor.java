package io.teleflux.dialout;

/**
 * Processes the messages of one dial-out stream, one at a time and in order, on a decode worker.
 *
 * @param <Q> the request message type of the vendor protocol
 * @param <R> the response sent when the device ends the stream (client streaming)
 */
public interface StreamProcessor<Q, R> {
    /** Decodes one message. May block while the pipeline downstream is full (back-pressure). */
    void process(Q message) throws InterruptedException;

    /** Called once after the device half-closed and every message was processed: the response to send, or null for none. */
    R finish();

    /** Called once when the stream is over, however it ended; releases per-stream state. */
    void closed();
}
