package io.teleflux.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** {@code teleflux.influx}: where and how points are written. */
public record InfluxConfig(Api api, URI url, String org, String bucket, Secret token, String database,
                           String retentionPolicy, String username, Secret password, boolean createDatabase,
                           int batchSize, Duration flushInterval, boolean gzip, int gzipLevel,
                           int writers, Duration timeout,
                           int queueMaxPoints, Retry retry, Spool spool) {

    public enum Api { V1, V2 }

    /** Backoff for retriable failures (network errors, 5xx, 429). */
    public record Retry(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {
    }

    /**
     * {@code teleflux.influx.spool}: the on-disk spool for batches that could not be written yet.
     *
     * @param segmentBytes the effective segment size: {@code segment-size}, but at most an eighth of
     *                     {@code max-bytes}, so that drop-oldest never evicts more than that at once
     */
    public record Spool(boolean enabled, Path dir, long maxBytes, long segmentBytes, OnFull onFull, Fsync fsync,
                        Duration fsyncInterval, double replayShare) {
    }

    /** What a full spool does with a new batch. */
    public enum OnFull { DROP_OLDEST, BLOCK }

    /** When spooled data is forced to the disk. */
    public enum Fsync { BATCH, INTERVAL, NEVER }
}
