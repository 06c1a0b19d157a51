package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.point.Point;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Decodes Huawei dial-out messages into points: the envelope ({@link #envelope}), then its rows
 * ({@link #decode}).
 *
 * <ul>
 *   <li>{@code huawei-ifm:ifm/interfaces/interface/ifStatistics} and {@code .../mib-statistics}
 *       → {@code interface} (tags device, interface, source=telemetry), in GPB ({@link IfmContent})
 *       and JSON;</li>
 *   <li>every other path → {@code huawei_<path>}: JSON as named leaves ({@link GenericJson}), GPB
 *       with field-number names ({@link GenericGpb}), counted as {@code unknown_gpb_content}.</li>
 * </ul>
 *
 * <p>A point's time is its row's {@code timestamp}, else the message's {@code msg_timestamp}, else
 * {@code collection_start_time} (all epoch ms; a value below 10^11 is taken as seconds), else the
 * receive time (counted as {@code missing_timestamp}).
 *
 * <p>A message either gives at least one point or throws a {@link DecodeException} (counted
 * by the caller); what goes wrong with single values, rows or row contents is counted here
 * ({@link Issue}) and logged, rate-limited, and the rest of the message is kept. Thread-safe.
 */
public final class HuaweiDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(HuaweiDecoder.class);
    /** Below this a time is in seconds (the H3C rule; Huawei documents ms, this only makes us tolerant). */
    static final long SECONDS_BELOW = 100_000_000_000L;
    /** Above this (year 2286 in ms) a time is unusable. */
    static final long MAX_MS = 10_000_000_000_000L;

    private final int maxRows;
    private final int maxDepth;
    private final JsonTree json;
    private final Metrics.Counter[] counters = new Metrics.Counter[Issue.ALL.length];
    private final RateLimitedLog log = new RateLimitedLog(LOG, 60_000);

    public HuaweiDecoder(Metrics metrics, int maxRows, int maxDepth) {
        if (maxRows < 1 || maxDepth < 4) {
            throw new IllegalArgumentException("maxRows must be >= 1 and maxDepth >= 4");
        }
        this.maxRows = maxRows;
        this.maxDepth = maxDepth;
        this.json = new JsonTree(maxDepth);
        PipelineMetrics.describe(metrics);
        metrics.describe(DialoutMetrics.DECODE_WARNINGS_TOTAL, Metrics.Type.COUNTER,
                "Input problems that were worked around (a row skipped, a timestamp replaced, a fragment replaced), by reason");
        metrics.describe(DialoutMetrics.DECODE_ERRORS_TOTAL, Metrics.Type.COUNTER,
                "Dial-out messages that could not be decoded, by reason");
        for (Issue i : Issue.ALL) {
            counters[i.ordinal()] = metrics.counter(i.metric, "reason", i.label);
        }
    }

    /** The Telemetry envelope of {@code msg}, or null when it carries neither {@code data} nor {@code data_json}. */
    Envelope envelope(serviceArgs msg) throws DecodeException {
        return Envelope.of(msg, json);
    }

    /**
     * Decodes the rows of {@code env} into points appended to {@code out}; returns how many. On an
     * exception {@code out} is left as it was.
     *
     * @param device       the {@code device} tag (the stream's device name)
     * @param receivedAtMs the time of points whose rows and message carry none
     */
    int decode(Envelope env, String device, long receivedAtMs, List<Point> out) throws DecodeException {
        Scratch s = new Scratch(device, maxRows, maxDepth);
        String path = env.sensorPath().strip();
        if (path.isEmpty()) {
            s.count(Issue.MISSING_SENSOR_PATH, "");
        }
        if (!env.exceptDesc().isEmpty() && !env.exceptDesc().equalsIgnoreCase("OK")) {
            s.count(Issue.DEVICE_EXCEPTION, Envelope.abbreviated(env.exceptDesc()));
        }
        IfmContent.Kind kind = path.isEmpty() ? null : IfmContent.kind(path);
        String measurement = path.isEmpty() ? HuaweiNames.PREFIX + "unnamed" : HuaweiNames.measurement(path);
        long fallback = fallbackTime(env, receivedAtMs, s);
        if (env.encoding() == Envelope.GPB) {
            if (env.gpbRows().size() > maxRows) {
                throw new DecodeException(DecodeException.TOO_MANY_ROWS,
                        env.gpbRows().size() + " rows, more than " + maxRows + " (teleflux.dialout.max-rows)");
            }
            for (Envelope.GpbRow row : env.gpbRows()) {
                gpbRow(row.content(), kind, measurement, time(row.timestamp(), fallback), s);
            }
        } else {
            jsonPayload(env.json(), kind, measurement, fallback, s);
        }
        if (s.points.isEmpty()) {
            String reason = DecodeException.NO_USABLE_ROWS;
            for (Issue i : new Issue[]{Issue.MALFORMED_GPB_CONTENT, Issue.MALFORMED_ROW_JSON, Issue.UNKNOWN_GPB_CONTENT}) {
                if (s.has(i)) {
                    reason = i.label; // that is what went wrong: counted once, as the message's reason
                    s.counts[i.ordinal()] = 0;
                    break;
                }
            }
            publish(s, env, path);
            throw new DecodeException(reason, "no row gave a point (" + env.gpbRows().size() + " GPB rows)");
        }
        publish(s, env, path);
        out.addAll(s.points);
        return s.points.size();
    }

    private void gpbRow(byte[] content, IfmContent.Kind kind, String measurement, long timeMs, Scratch s)
            throws DecodeException {
        if (content.length == 0) {
            return; // proto3: a row whose content is all defaults
        }
        if (kind != null) {
            List<IfRow> rows = new ArrayList<>();
            int seen = IfmContent.gpb(content, kind, s, rows);
            if (seen < 0) {
                s.count(Issue.MALFORMED_GPB_CONTENT, "interface statistics");
                return;
            }
            if (seen > 0) {
                interfaces(rows, timeMs, s);
                return;
            }
            // nothing shaped like an interface row: not the message we expected; stored generically below
        }
        s.count(Issue.UNKNOWN_GPB_CONTENT, measurement);
        if (!GenericGpb.points(content, measurement, timeMs, s)) {
            s.count(Issue.MALFORMED_GPB_CONTENT, measurement);
        }
    }

    private void interfaces(List<IfRow> rows, long timeMs, Scratch s) throws DecodeException {
        for (IfRow r : rows) {
            Point p = r.point(s.device, timeMs, s);
            if (p != null) {
                s.add(p);
            }
        }
    }

    /** {@code data_str}: {@code {"row":[{"timestamp":..,"content":..}]}}, or the content itself. */
    private void jsonPayload(Object payload, IfmContent.Kind kind, String measurement, long fallback, Scratch s)
            throws DecodeException {
        Object data = payload;
        if (data instanceof String text) {
            if (text.isBlank()) {
                throw new DecodeException(DecodeException.NO_USABLE_ROWS, "data_str is empty");
            }
            data = json.parse(text);
        }
        Map<String, Object> o = JsonTree.object(data);
        Object rowList = o == null ? null : JsonTree.member(o, "row");
        if (rowList instanceof List<?> rows) {
            if (rows.size() > maxRows) {
                throw new DecodeException(DecodeException.TOO_MANY_ROWS,
                        rows.size() + " rows, more than " + maxRows + " (teleflux.dialout.max-rows)");
            }
            for (Object r : rows) {
                Map<String, Object> row = JsonTree.object(r);
                if (row == null) {
                    continue;
                }
                long t = time(Envelope.time(row, "timestamp"), fallback);
                Object content = JsonTree.member(row, "content");
                jsonContent(content == null ? row : content, kind, measurement, t, s);
            }
        } else if (data != null && data != JsonTree.NULL) {
            jsonContent(data, kind, measurement, fallback, s);
        }
    }

    /** One row's content: a JSON object, a string holding one, or a string holding base64 GPB. */
    private void jsonContent(Object content, IfmContent.Kind kind, String measurement, long timeMs, Scratch s)
            throws DecodeException {
        if (content instanceof String text) {
            String t = text.strip();
            if (t.isEmpty()) {
                return;
            }
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    content = json.parse(t);
                } catch (DecodeException e) {
                    if (!e.reason().equals(DecodeException.MALFORMED_JSON)) {
                        throw e;
                    }
                    s.count(Issue.MALFORMED_ROW_JSON, measurement);
                    return;
                }
            } else {
                byte[] gpb;
                try {
                    gpb = Base64.getDecoder().decode(t);
                } catch (IllegalArgumentException e) {
                    s.count(Issue.MALFORMED_ROW_JSON, measurement);
                    return;
                }
                gpbRow(gpb, kind, measurement, timeMs, s);
                return;
            }
        }
        if (kind != null) {
            List<IfRow> rows = new ArrayList<>();
            if (IfmContent.json(content, s, rows) > 0) {
                interfaces(rows, timeMs, s);
                return;
            }
        }
        GenericJson.points(content, measurement, timeMs, s);
    }

    private static long fallbackTime(Envelope env, long receivedAtMs, Scratch s) {
        long t = time(env.msgTimestamp(), -1);
        if (t < 0) {
            t = time(env.collectionStartTime(), -1);
        }
        if (t < 0) {
            s.count(Issue.MISSING_TIMESTAMP, "msg_timestamp");
            t = receivedAtMs;
        }
        return t;
    }

    /** A device time in ms ({@code raw} below 10^11 is seconds), or {@code fallback} when absent or unusable. */
    static long time(long raw, long fallback) {
        if (raw <= 0 || raw > MAX_MS) {
            return fallback;
        }
        return raw < SECONDS_BELOW ? raw * 1000 : raw;
    }

    private void publish(Scratch s, Envelope env, String path) {
        for (int i = 0; i < s.counts.length; i++) {
            int n = s.counts[i];
            if (n == 0) {
                continue;
            }
            Issue issue = Issue.ALL[i];
            counters[i].add(n);
            log.warn(issue.label + '\u0000' + s.device, "Huawei device {} sensor path '{}': {} x {} (first: {})",
                    s.device, path, n, issue.text, s.first[i]);
        }
    }
}
