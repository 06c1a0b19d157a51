package io.teleflux.config;

import java.net.URI;
import java.time.Duration;

/** {@code teleflux.influx}: where and how points are written. */
public record InfluxConfig(Api api, URI url, String org, String bucket, Secret token, String database,
                           String retentionPolicy, String username, Secret password, boolean createDatabase,
                           int batchSize, Duration flushInterval, boolean gzip, int writers, Duration timeout,
                           int queueMaxPoints, Retry retry) {

    public enum Api { V1, V2 }

    /** Backoff for retriable failures (network errors, 5xx, 429). */
    public record Retry(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {
    }
}
