package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.UnsafeByteOperations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.teleflux.point.Point;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Decodes H3C Comware {@code jsonData} documents ({@code {"Notification":{"Timestamp":..,
 * "<Module>":{"<Table>":{"<Row>":[...]}}}}}) into points, with a streaming Jackson walk.
 *
 * <p>Every point is tagged {@code device} (the device name given) and {@code source=telemetry} and
 * timed with the Notification's Timestamp. Which measurement, tags and fields a table gives is set
 * by {@link H3cMappings}. A document either decodes into at least one point or throws a
 * {@link DecodeException} (counted by the caller); problems with single values or rows are counted
 * here ({@code teleflux_fields_dropped_total}, {@code teleflux_decode_warnings_total}) and logged,
 * rate-limited, and the rest of the document is kept.
 *
 * <p>Thread-safe: the per-document scratch state is per thread.
 */
public final class H3cDecoder {
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final int DEFAULT_MAX_DEPTH = 32;

    static final String WARNINGS_HELP =
            "Input problems that were worked around (a row skipped, a timestamp replaced, a fragment replaced), by reason";
    private static final Logger LOG = LoggerFactory.getLogger(H3cDecoder.class);

    private final int maxRows;
    private final int maxDepth;
    private final JsonFactory factory;
    private final H3cMappings mappings = H3cMappings.standard();
    private final Metrics.Counter[] counters = new Metrics.Counter[Issue.COUNT];
    private final RateLimitedLog log = new RateLimitedLog(LOG, 60_000);
    private final ThreadLocal<Walker> walkers;

    public H3cDecoder(Metrics metrics) {
        this(metrics, DEFAULT_MAX_ROWS, DEFAULT_MAX_DEPTH);
    }

    /**
     * @param maxRows  a document with more rows is rejected ({@code too_many_rows})
     * @param maxDepth a document nested deeper is rejected ({@code too_deep}); the root object is level 1
     */
    /** Longest JSON member name; a longer one rejects the document ({@code name_too_long}). */
    static final int MAX_MEMBER_NAME = 1024;

    public H3cDecoder(Metrics metrics, int maxRows, int maxDepth) {
        if (maxRows < 1 || maxDepth < 6) {
            // 6 = root, Notification, module, table, row array, row
            throw new IllegalArgumentException("maxRows must be >= 1 and maxDepth >= 6");
        }
        this.maxRows = maxRows;
        this.maxDepth = maxDepth;
        this.factory = JsonFactory.builder()
                // our own depth check fires first; this is a backstop for any path that skips it
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth + 1)
                        // a row container can arrive as one string holding the whole table
                        .maxStringLength(Integer.MAX_VALUE)
                        // a number of any length costs that field only (Walker.number reads a long one
                        // in linear time and never through BigInteger); Jackson's default (1,000 digits)
                        // rejected the whole document. Its length is bounded by the document's, and
                        // that by max-message-size.
                        .maxNumberLength(Integer.MAX_VALUE)
                        // member names are column names; Jackson keeps the names it has seen in the
                        // factory's symbol table (thousands of them) and Walker caches 1,024: their
                        // length must be bounded for that memory to be
                        .maxNameLength(MAX_MEMBER_NAME)
                        .build())
                // error messages must not quote device payloads
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        this.walkers = ThreadLocal.withInitial(() -> new Walker(factory, mappings));
        metrics.describe(Issue.FIELDS_DROPPED, Metrics.Type.COUNTER,
                "Values dropped from otherwise decoded telemetry points, by reason");
        metrics.describe(Issue.WARNINGS, Metrics.Type.COUNTER, WARNINGS_HELP);
        for (Issue i : Issue.values()) {
            counters[i.ordinal()] = metrics.counter(i.metric, "reason", i.label);
        }
    }

    /**
     * Decodes one complete jsonData document (UTF-8) into points appended to out; returns how many were
     * appended. On a DecodeException, out is left as it was.
     *
     * @param deviceName   value of the {@code device} tag ({@code deviceMsg.deviceName})
     * @param sensorPath   for log lines only: the JSON tree's module and table names pick the mapping
     * @param receivedAtMs the point time when the document has no usable Timestamp
     */
    public int decode(String deviceName, String sensorPath, byte[] json, int off, int len, long receivedAtMs,
                      List<Point> out) throws DecodeException {
        if (json == null || len == 0) {
            throw new DecodeException(DecodeException.EMPTY_JSON, "jsonData is empty");
        }
        Objects.checkFromIndexSize(off, len, json.length);
        requireUtf8(json, off, len);
        Walker w = walkers.get();
        try (JsonParser p = factory.createParser(json, off, len)) {
            return run(w, p, deviceName, sensorPath, receivedAtMs, out);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "unreadable jsonData: " + e.getMessage(), e);
        } finally {
            w.end();
        }
    }

    /**
     * Rejects bytes that are not UTF-8 before Jackson sees them. Jackson validates the names it
     * decodes, but finds a name in its symbol table (shared by every parser of the factory) by its
     * bytes with the last group of four padded with 0xFF, so an invalid name such as
     * {@code "\xFF\xFFab"} is read as {@code "ab"} when {@code "ab"} was seen before, by any device,
     * and refused otherwise: whether a document decodes depended on history (H3cDecoderFuzzer found it).
     * About 1 µs per 19 KB message.
     */
    private static void requireUtf8(byte[] json, int off, int len) throws DecodeException {
        if (!UnsafeByteOperations.unsafeWrap(json, off, len).isValidUtf8()) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "malformed jsonData: not UTF-8");
        }
    }

    /** Decodes one complete jsonData document into points appended to out; returns how many were appended. */
    public int decode(String deviceName, String sensorPath, String json, long receivedAtMs, List<Point> out)
            throws DecodeException {
        if (json == null || json.isEmpty()) {
            throw new DecodeException(DecodeException.EMPTY_JSON, "jsonData is empty");
        }
        Walker w = walkers.get();
        try (JsonParser p = factory.createParser(json)) {
            return run(w, p, deviceName, sensorPath, receivedAtMs, out);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "unreadable jsonData: " + e.getMessage(), e);
        } finally {
            w.end();
        }
    }

    /**
     * Entry point for inputs whose JSON document does not carry its own metadata: H3C Comware v3
     * dial-out ({@code io.teleflux.dialout.h3cv3}) sends {@code data_str} with the device, sensor path
     * and time in protobuf fields around it, and real devices start it directly with the module's
     * table ({@code {"UnifiedFlowMonitorEvent":{"UnifiedFlowMonitorEntry":[...]}}} for
     * {@code NETANALYSIS/UnifiedFlowMonitorEvent}), not with {@code {"Notification":...}}. Both shapes
     * are accepted (see {@code Walker.walkWithMetadata}); rows map through the same sensor-path table
     * as classic dial-out. Appends the points to out and returns how many; on a DecodeException, out
     * is left as it was.
     *
     * @param sensorPath names the module when the document starts below it (its first segment)
     * @param timeMs     the point time, unless a Notification envelope brings its own Timestamp
     */
    public int decodeWithMetadata(String deviceName, String sensorPath, byte[] json, int off, int len, long timeMs,
                                  List<Point> out) throws DecodeException {
        if (json == null || len == 0) {
            throw new DecodeException(DecodeException.EMPTY_JSON, "jsonData is empty");
        }
        Objects.checkFromIndexSize(off, len, json.length);
        requireUtf8(json, off, len);
        Walker w = walkers.get();
        try (JsonParser p = factory.createParser(json, off, len)) {
            w.begin(deviceName, timeMs, maxRows, maxDepth);
            w.walkWithMetadata(p, sensorPath);
            return publish(w, deviceName, sensorPath, out);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new DecodeException(DecodeException.MALFORMED_JSON, "unreadable jsonData: " + e.getMessage(), e);
        } finally {
            w.end();
        }
    }

    /**
     * The generic measurement of a sensor path's module and table ({@code h3c_<module>_<table>}, as
     * for an unmapped path): for inputs that keep H3C data they cannot decode by name (v3 dial-out's
     * GPB rows without a module proto) under the same naming.
     */
    public static String genericMeasurement(String module, String table) {
        return H3cMappings.genericMeasurement(module, table);
    }

    private int run(Walker w, JsonParser p, String device, String sensorPath, long receivedAtMs, List<Point> out)
            throws IOException, DecodeException {
        w.begin(device, receivedAtMs, maxRows, maxDepth);
        w.walk(p);
        return publish(w, device, sensorPath, out);
    }

    private int publish(Walker w, String device, String sensorPath, List<Point> out) throws DecodeException {
        // the document was read completely: its issues are real, even if no point came out of it
        publishIssues(w, device, sensorPath);
        if (w.pending.isEmpty()) {
            throw new DecodeException(DecodeException.NO_USABLE_ROWS, "no row produced a field");
        }
        out.addAll(w.pending);
        return w.pending.size();
    }

    private void publishIssues(Walker w, String device, String sensorPath) {
        int[] counts = w.counts;
        for (int i = 0; i < counts.length; i++) {
            int n = counts[i];
            if (n == 0) {
                continue;
            }
            Issue issue = Issue.of(i);
            counters[i].add(n);
            if (issue != Issue.NOT_AVAILABLE) {
                log.warn(issue.label + '\u0000' + device, "device {} sensor path {}: {} x {} (first: {})",
                        device, sensorPath, n, issue.text, w.firstColumn[i]);
            }
        }
    }

    private static DecodeException malformed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException && String.valueOf(e.getOriginalMessage()).startsWith("Name length")) {
            return new DecodeException(DecodeException.NAME_TOO_LONG, "a member name of jsonData is longer than "
                    + MAX_MEMBER_NAME + " chars", e);
        }
        return new DecodeException(DecodeException.MALFORMED_JSON, "malformed jsonData: " + e.getOriginalMessage(), e);
    }
}
