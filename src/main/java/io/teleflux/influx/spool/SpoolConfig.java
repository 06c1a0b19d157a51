package io.teleflux.influx.spool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code teleflux.influx.spool}: the on-disk spool for batches that could not be written yet.
 *
 * @param segmentBytes the effective segment size: {@code segment-size}, but at most an eighth of
 *                     {@code max-bytes}, so that drop-oldest never evicts more than that at once
 */
public record SpoolConfig(boolean enabled, Path dir, long maxBytes, long segmentBytes, OnFull onFull, Fsync fsync,
                          Duration fsyncInterval, double replayShare) {
    /** What a full spool does with a new batch. */
    public enum OnFull { DROP_OLDEST, BLOCK }

    /** When spooled data is forced to the disk. */
    public enum Fsync { BATCH, INTERVAL, NEVER }
}
