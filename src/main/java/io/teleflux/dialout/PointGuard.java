package io.teleflux.dialout;

import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.point.Names;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds what the points of one dial-out message can add to the schema, before anything keeps
 * them (rate state, metrics, InfluxDB's index): every name is at most {@code max-name-length}
 * chars ({@link Names#limit}), a point has at most {@code max-fields-per-point} fields, a message
 * at most {@code max-measurements-per-message} measurements and a device at most
 * {@code max-measurements-per-device}. What is cut is counted, and logged once a minute per device.
 *
 * <p>One list passed to {@link #accept} is one message's points. The well-formed case costs a
 * length check per name and one small array per message.
 */
public final class PointGuard implements PointSink {
    private static final Logger LOG = LoggerFactory.getLogger(PointGuard.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    static final String TRUNCATED = DialoutMetrics.NAMES_TRUNCATED_TOTAL;

    private final PointSink downstream;
    private final int maxName;
    private final int maxFields;
    private final int maxPerMessage;
    private final int maxPerDevice;
    private final Map<String, long[]> measurementsByDevice;
    private final Metrics.Counter measurementTruncated;
    private final Metrics.Counter tagKeyTruncated;
    private final Metrics.Counter tagValueTruncated;
    private final Metrics.Counter fieldKeyTruncated;
    private final Metrics.Counter fieldLimit;
    private final Metrics.Counter measurementLimit;

    public PointGuard(PointSink downstream, DialoutConfig.Limits limits, Metrics metrics) {
        this.downstream = downstream;
        this.maxName = limits.maxNameLength();
        this.maxFields = limits.maxFieldsPerPoint();
        this.maxPerMessage = limits.maxMeasurementsPerMessage();
        this.maxPerDevice = limits.maxMeasurementsPerDevice();
        int devices = limits.maxDeviceLabels();
        // least recently used device forgets its set first: memory is at most devices x maxPerDevice x 8 bytes
        this.measurementsByDevice = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > devices;
            }
        };
        metrics.describe(TRUNCATED, Metrics.Type.COUNTER,
                "Names longer than teleflux.dialout.limits.max-name-length, cut to it with a hash suffix, by kind"
                        + " (measurement, tag_key, tag_value, field_key)");
        PipelineMetrics.describe(metrics);
        measurementTruncated = metrics.counter(TRUNCATED, "kind", "measurement");
        tagKeyTruncated = metrics.counter(TRUNCATED, "kind", "tag_key");
        tagValueTruncated = metrics.counter(TRUNCATED, "kind", "tag_value");
        fieldKeyTruncated = metrics.counter(TRUNCATED, "kind", "field_key");
        fieldLimit = metrics.counter(PipelineMetrics.FIELDS_DROPPED, "reason", "field_limit");
        measurementLimit = metrics.counter(PipelineMetrics.POINTS_DROPPED, "reason", "measurement_limit");
    }

    @Override
    public void accept(List<Point> points) throws InterruptedException {
        List<Point> out = null;
        String[] seen = new String[Math.min(maxPerMessage, 8)];
        int seenCount = 0;
        int dropped = 0;
        Point fine = null;
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            String m = p.measurement();
            boolean known = false;
            for (int j = 0; j < seenCount; j++) {
                if (seen[j].equals(m)) {
                    known = true;
                    break;
                }
            }
            boolean keep = true;
            if (!known) {
                if (seenCount >= maxPerMessage || !admitForDevice(p.tag("device"), m)) {
                    keep = false;
                } else {
                    if (seenCount == seen.length) {
                        seen = Arrays.copyOf(seen, Math.min(maxPerMessage, seen.length * 2));
                    }
                    seen[seenCount++] = m;
                }
            }
            Point q = keep ? bounded(p, fine) : null;
            if (q == p) {
                fine = p; // a message's rows of one table share their key array: checked once
            }
            if (q != p && out == null) {
                out = new ArrayList<>(points.subList(0, i));
            }
            if (q == null) {
                dropped++;
            } else if (out != null) {
                out.add(q);
            }
        }
        if (dropped > 0) {
            measurementLimit.add(dropped);
            String device = points.get(0).tag("device");
            RL.warn("measurements:" + device, "{} point(s) from device '{}' dropped: more than {} measurements in one"
                    + " message or {} for the device (teleflux.dialout.limits)", dropped, device, maxPerMessage, maxPerDevice);
        }
        List<Point> result = out == null ? points : out;
        if (!result.isEmpty()) {
            downstream.accept(result);
        }
    }

    /** Whether {@code device} may produce measurement {@code m}: it has before, or it is under its cap. */
    private boolean admitForDevice(String device, String m) {
        if (device == null) {
            return true;
        }
        long h = hash(m);
        synchronized (measurementsByDevice) {
            long[] set = measurementsByDevice.get(device);
            if (set == null) {
                set = new long[]{0};
                measurementsByDevice.put(device, set);
            }
            int n = (int) set[0];
            for (int i = 1; i <= n; i++) {
                if (set[i] == h) {
                    return true;
                }
            }
            if (n >= maxPerDevice) {
                return false;
            }
            if (n + 1 >= set.length) {
                set = Arrays.copyOf(set, Math.min(maxPerDevice + 1, Math.max(4, set.length * 2)));
                measurementsByDevice.put(device, set);
            }
            set[n + 1] = h;
            set[0] = n + 1;
            return true;
        }
    }

    private static long hash(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 29);
    }

    /** {@code p} itself when every name and the field count are within the limits, else a bounded copy. */
    Point bounded(Point p) {
        return bounded(p, null);
    }

    /** As {@link #bounded(Point)}; {@code fine}: a point within the limits whose field keys need no second look if p shares them. */
    private Point bounded(Point p, Point fine) {
        boolean ok = p.measurement().length() <= maxName && p.fieldCount() <= maxFields;
        for (int i = 0; ok && i < p.tagCount(); i++) {
            ok = p.tagKey(i).length() <= maxName && p.tagValue(i).length() <= maxName;
        }
        if (ok && !p.sameFieldKeys(fine)) {
            for (int i = 0; ok && i < p.fieldCount(); i++) {
                ok = p.fieldKey(i).length() <= maxName;
            }
        }
        return ok ? p : rebuild(p);
    }

    private Point rebuild(Point p) {
        Point q = Names.rebuild(p, renamer, maxFields);
        if (p.fieldCount() > maxFields) {
            fieldLimit.add(p.fieldCount() - maxFields);
            RL.warn("fields:" + q.tag("device"), "a point of '{}' from device '{}' has {} fields; the {} beyond"
                    + " teleflux.dialout.limits.max-fields-per-point are dropped", q.measurement(),
                    q.tag("device"), p.fieldCount(), p.fieldCount() - maxFields);
        }
        return q;
    }

    private final Names.Renamer renamer = new Names.Renamer() {
        @Override
        public String measurement(String name) {
            return limit(name, measurementTruncated);
        }

        @Override
        public String tagKey(String name) {
            return limit(name, tagKeyTruncated);
        }

        @Override
        public String tagValue(String name) {
            return limit(name, tagValueTruncated);
        }

        @Override
        public String fieldKey(String name) {
            return limit(name, fieldKeyTruncated);
        }
    };

    private String limit(String name, Metrics.Counter counter) {
        if (name.length() <= maxName) {
            return name;
        }
        counter.inc();
        String cut = Names.limit(name, maxName);
        RL.warn("name", "a name of {} chars was cut to teleflux.dialout.limits.max-name-length ({}): {}",
                name.length(), maxName, cut);
        return cut;
    }
}
