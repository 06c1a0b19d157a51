package io.teleflux.influx;

import io.teleflux.influx.spool.SpoolConfig;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Inline;
import io.teleflux.config.Secret;
import io.teleflux.config.Section;


import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code teleflux.influx}: where and how points are written. The keys of {@link Target} and
 * {@link Batching} sit directly in the block (they are groups in the code, not in the file).
 */
public record InfluxConfig(Api api, URI url, Target target, Batching batching, Duration timeout, Retry retry,
                           SpoolConfig spool, boolean enabled) {

    public enum Api { V1, V2 }

    /** Where, and as whom: v2 uses org, bucket and token; v1 database, retention policy and username/password. */
    public record Target(String org, String bucket, Secret token, String database, String retentionPolicy,
                         String username, Secret password, boolean createDatabase) implements Inline {
    }

    /** How points are grouped into requests, and how many requests run at once. */
    public record Batching(int batchSize, Duration flushInterval, boolean gzip, int gzipLevel, int writers,
                           int queueMaxPoints) implements Inline {
    }

    public String org() {
        return target.org();
    }

    public String bucket() {
        return target.bucket();
    }

    public Secret token() {
        return target.token();
    }

    public String database() {
        return target.database();
    }

    public String retentionPolicy() {
        return target.retentionPolicy();
    }

    public String username() {
        return target.username();
    }

    public Secret password() {
        return target.password();
    }

    public boolean createDatabase() {
        return target.createDatabase();
    }

    public int batchSize() {
        return batching.batchSize();
    }

    public Duration flushInterval() {
        return batching.flushInterval();
    }

    public boolean gzip() {
        return batching.gzip();
    }

    public int gzipLevel() {
        return batching.gzipLevel();
    }

    public int writers() {
        return batching.writers();
    }

    public int queueMaxPoints() {
        return batching.queueMaxPoints();
    }

    /** Backoff for retriable failures (network errors, 5xx, 429). */
    public record Retry(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {
    }


    public static final String ENV_INFLUX_TOKEN = "TELEFLUX_INFLUX_TOKEN";
    public static final String ENV_INFLUX_PASSWORD = "TELEFLUX_INFLUX_PASSWORD";

    /** {@code teleflux.influx}. */
    public static final Section<InfluxConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.influx";
        }

        @Override
        public InfluxConfig read(ConfigReader r) {
            return InfluxConfig.read(r);
        }
    };

    /**
     * The settings of a writer to another target than InfluxDB (the Kafka output): its batching,
     * timeout, retry and spool; no URL or credentials.
     */
    public static InfluxConfig forTarget(int batchSize, Duration flushInterval, int writers, int queueMaxPoints,
                                         Duration timeout, Retry retry, SpoolConfig spool) {
        Target none = new Target("", "", Secret.EMPTY, "", "", "", Secret.EMPTY, false);
        return new InfluxConfig(null, null, none, new Batching(batchSize, flushInterval, false, 1, writers, queueMaxPoints),
                timeout, retry, spool, true);
    }

    static InfluxConfig read(ConfigReader r) {
        String p = "teleflux.influx.";
        boolean enabled = r.bool(p + "enabled");
        InfluxConfig.Api api = null;
        String apiStr = r.str(p + "api").toLowerCase(Locale.ROOT);
        switch (apiStr) {
            case "v1" -> api = InfluxConfig.Api.V1;
            case "v2" -> api = InfluxConfig.Api.V2;
            default -> r.problem(p + "api: '" + apiStr + "' is not v1 or v2");
        }
        URI url = null;
        String urlStr = r.str(p + "url");
        try {
            url = new URI(urlStr);
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                r.problem(p + "url: '" + urlStr + "' must be an http:// or https:// URL with a host");
                url = null;
            } else if (url.getUserInfo() != null) {
                r.problem(p + "url: credentials in the URL are not allowed; use token or username/password");
                url = null;
            }
        } catch (URISyntaxException e) {
            r.problem(p + "url: '" + urlStr + "' is not a valid URL (" + e.getReason() + ")");
        }
        Secret token = r.secret(p + "token", p + "token-file", ENV_INFLUX_TOKEN);
        Secret password = r.secret(p + "password", p + "password-file", ENV_INFLUX_PASSWORD);
        String org = r.str(p + "org");
        String bucket = r.str(p + "bucket");
        String database = r.str(p + "database");
        if (!enabled) {
            // the relay reads this block even so; a collector without InfluxDB needs no target here
        } else if (api == InfluxConfig.Api.V2) {
            if (org.isEmpty()) {
                r.problem(p + "org: required when api = v2");
            }
            if (bucket.isEmpty()) {
                r.problem(p + "bucket: required when api = v2");
            }
            if (token.isEmpty()) {
                r.problem(p + "token: required when api = v2 (set it, token-file, or the environment variable "
                        + ENV_INFLUX_TOKEN + ")");
            }
        } else if (api == InfluxConfig.Api.V1 && database.isEmpty()) {
            r.problem(p + "database: required when api = v1");
        }
        InfluxConfig.Retry retry = retry(r, p + "retry.");
        int batchSize = r.intIn(p + "batch-size", 1, 1_000_000);
        int queueMax = r.intIn(p + "queue-max-points", 1, Integer.MAX_VALUE);
        if (queueMax < batchSize) {
            r.problem(p + "queue-max-points: " + queueMax + " is smaller than batch-size " + batchSize);
        }
        Target target = new Target(org, bucket, token, database, r.str(p + "retention-policy"),
                r.str(p + "username"), password, r.bool(p + "create-database"));
        Batching batching = new Batching(batchSize, r.duration(p + "flush-interval", Duration.ofMillis(1)),
                gzip(r, p + "gzip", url), r.intIn(p + "gzip-level", 1, 9), r.intIn(p + "writers", 1, 64), queueMax);
        return new InfluxConfig(api, url, target, batching, r.duration(p + "timeout", Duration.ofMillis(100)), retry,
                spool(r, p + "spool.", enabled), enabled);
    }

    /** The {@code retry} block under {@code p} (ending in a dot). */
    public static Retry retry(ConfigReader r, String p) {
        return new InfluxConfig.Retry(
                r.duration(p + "initial-backoff", Duration.ofMillis(1)),
                r.duration(p + "max-backoff", Duration.ofMillis(1)),
                r.doubleIn(p + "multiplier", 1.0, 100.0),
                r.doubleIn(p + "jitter", 0.0, 1.0));
    }

    /**
     * {@code gzip}: true, false, or auto = off when {@code url}'s host is this machine's loopback
     * ({@code localhost}, 127.0.0.0/8, ::1), on otherwise. On loopback deflate only spends CPU (about
     * as much as decoding, see BENCHMARKS.md) to save bytes that never touch a network. Decided by the
     * URL's text alone: no name is resolved at start-up.
     */
    private static boolean gzip(ConfigReader r, String key, URI url) {
        String v = r.str(key).strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> url == null || !loopback(url.getHost());
            default -> {
                r.problem(key + ": '" + v + "' is not true, false or auto");
                yield true;
            }
        };
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        return h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    /**
     * The {@code spool} block under {@code p} (ending in a dot). Its directory is checked only when
     * the spool will be used: enabled, and its output {@code active}.
     */
    public static SpoolConfig spool(ConfigReader r, String p, boolean active) {
        boolean enabled = r.bool(p + "enabled");
        String dirStr = r.str(p + "dir");
        Path dir = dirStr.isEmpty() ? null : r.path(p + "dir", dirStr);
        if (dirStr.isEmpty()) {
            r.problem(p + "dir: must not be empty (set enabled = false to run without a spool)");
        }
        if (dir == null) {
            dir = Path.of("."); // a problem is recorded: the record is never used
        } else if (enabled && active) {
            String why = ConfigReader.unusableDir(dir);
            if (why != null) {
                r.problem(p + "dir: '" + dirStr + "' " + why);
            }
        }
        long maxBytes = r.bytes(p + "max-bytes", 64 * 1024, Long.MAX_VALUE);
        long segment = r.bytes(p + "segment-size", 16 * 1024, 1L << 30);
        SpoolConfig.OnFull onFull = null;
        switch (r.str(p + "on-full").toLowerCase(Locale.ROOT)) {
            case "drop-oldest" -> onFull = SpoolConfig.OnFull.DROP_OLDEST;
            case "block" -> onFull = SpoolConfig.OnFull.BLOCK;
            default -> r.problem(p + "on-full: '" + r.str(p + "on-full") + "' is not drop-oldest or block");
        }
        SpoolConfig.Fsync fsync = null;
        switch (r.str(p + "fsync").toLowerCase(Locale.ROOT)) {
            case "batch" -> fsync = SpoolConfig.Fsync.BATCH;
            case "interval" -> fsync = SpoolConfig.Fsync.INTERVAL;
            case "never" -> fsync = SpoolConfig.Fsync.NEVER;
            default -> r.problem(p + "fsync: '" + r.str(p + "fsync") + "' is not batch, interval or never");
        }
        Duration interval = r.duration(p + "fsync-interval", Duration.ofMillis(1));
        double share = r.doubleIn(p + "replay-share", 0.01, 1.0);
        // eviction works on whole segments: keep one segment a small part of the spool
        long effectiveSegment = Math.max(16 * 1024, Math.min(segment, maxBytes / 8));
        return new SpoolConfig(enabled, dir, maxBytes, effectiveSegment, onFull, fsync, interval, share);
    }

}
