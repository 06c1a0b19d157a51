package io.teleflux.influx;

/**
 * One way of sending a batch to InfluxDB (or, for the Kafka output, to a topic): the delivery
 * target behind the writer's batching, spool and retries. Implementations only translate: they send
 * once, do not retry, and report every outcome as a {@link WriteResult} for the {@link ErrorPolicy}.
 */
public interface InfluxApi extends AutoCloseable {

    /** Sends the batch once. Network failures are returned, not thrown. */
    WriteResult write(Batch batch) throws InterruptedException;

    /** Where this API writes to, for log lines: never contains a credential. */
    String describe();

    @Override
    void close();
}
