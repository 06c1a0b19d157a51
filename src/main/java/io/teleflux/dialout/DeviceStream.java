package io.teleflux.dialout;

import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.point.Schema;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;

import java.util.List;
import java.util.function.Consumer;

/**
 * The device side of one dial-out stream, the same for every vendor: which device the stream
 * speaks for, whether the binding admitted it, its {@link DeviceLabels.Label}, and when it last
 * got a {@code device} point. Used by one worker at a time, as its stream is.
 *
 * <p>A vendor keeps its own wording ({@link Wording}) and logger, so that its log lines read as
 * they did when each vendor had its own copy of this.
 */
public final class DeviceStream {
    public static final long DEVICE_INFO_EVERY_MS = 300_000;

    /**
     * How a vendor names things in its log lines.
     *
     * @param message      what the vendor calls a message ("dial-out v3 message")
     * @param nameField    the field holding the device name, in the too-long line
     * @param pathField    the field holding the path, in the too-long line
     * @param missingName  the field holding the device name, in the missing-device line
     * @param oneLongLine  true: one too-long check and line for name and path together;
     *                     false: the name and the path each have their own line and rate-limit key
     */
    public record Wording(String message, String nameField, String pathField, String missingName, boolean oneLongLine) {
    }

    /**
     * What the streams of one vendor service share. Made with the service, so that its counters
     * exist (at zero) before any device connects.
     */
    public static final class Kind {
        private final DialoutContext ctx;
        private final RateLimitedLog log;
        private final Wording wording;
        private final boolean newDeviceGetsInfo;
        private final int maxNameLength;
        private final PointSink sink;
        private final Metrics.Counter missingDevice;
        private final Metrics.Counter nameTooLong;
        private final Metrics.Counter pointsIn;
        private final String longName;
        private final String longPath;
        private final String noDevice;

        /**
         * @param newDeviceGetsInfo true: a stream whose device name changes sends the new device's
         *                          point at once; false: only when the identity fields change or
         *                          the period is over (as Cisco's and the others' streams each did)
         */
        public Kind(DialoutContext ctx, RateLimitedLog log, Wording wording, boolean newDeviceGetsInfo) {
            this.ctx = ctx;
            this.log = log;
            this.wording = wording;
            this.newDeviceGetsInfo = newDeviceGetsInfo;
            this.maxNameLength = ctx.limits().maxNameLength();
            this.sink = ctx.sink();
            Metrics metrics = ctx.metrics();
            this.missingDevice = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_device");
            this.nameTooLong = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "name_too_long");
            this.pointsIn = metrics.counter(PipelineMetrics.POINTS_RECEIVED, "source", Schema.SOURCE_TELEMETRY);
            String limit = "teleflux.dialout.limits.max-name-length ({})";
            if (wording.oneLongLine()) {
                this.longName = wording.message() + " from {} dropped: its " + wording.nameField() + " ({} chars) or "
                        + wording.pathField() + " ({} chars) is longer than " + limit;
                this.longPath = null;
            } else {
                this.longName = wording.message() + " from {} dropped: its " + wording.nameField() + " has {} chars,"
                        + " more than " + limit;
                this.longPath = wording.message() + " from {} dropped: its " + wording.pathField() + " has {} chars,"
                        + " more than " + limit;
            }
            this.noDevice = wording.message() + " from {} has no " + wording.missingName() + "; dropped";
        }

        public DeviceStream open(Peer peer) {
            return new DeviceStream(this, peer);
        }
    }

    private final Kind kind;
    private final Peer peer;
    private String device;
    /** The last name the binding admitted for this stream's peer (null: none yet, or the check is off). */
    private String admitted;
    private DeviceLabels.Label label;
    private long lastInfoMs = Long.MIN_VALUE;
    private String lastInfoKey;

    private DeviceStream(Kind kind, Peer peer) {
        this.kind = kind;
        this.peer = peer;
    }

    /** The stream's device: the last name admitted, null before the first. */
    public String device() {
        return device;
    }

    /**
     * Checks a message's device name and path and takes its device; false when the message is
     * dropped (counted and logged here).
     *
     * @param bytes the message's size, charged to the device's label
     */
    public boolean admit(String name, String path, long now, int bytes) {
        int max = kind.maxNameLength;
        // rejected, not shortened: a device name is an identity, and any sysname fits the limit;
        // the path keys chunk reassembly, names a measurement and appears in log lines
        if (kind.wording.oneLongLine()) {
            if (name.length() > max || path.length() > max) {
                kind.nameTooLong.inc();
                kind.log.warn("longname:" + peer.address(), kind.longName, peer, name.length(), path.length(), max);
                return false;
            }
        } else if (name.length() > max) {
            kind.nameTooLong.inc();
            kind.log.warn("longname:" + peer.address(), kind.longName, peer, name.length(), max);
            return false;
        } else if (path.length() > max) {
            kind.nameTooLong.inc();
            kind.log.warn("longpath:" + peer.address(), kind.longPath, peer, path.length(), max);
            return false;
        }
        name = name.strip();
        if (name.isEmpty()) {
            kind.missingDevice.inc();
            if (device == null) {
                kind.log.warn("nodevice:" + peer.address(), kind.noDevice, peer);
                return false;
            }
            name = device; // the stream belongs to one device: keep the name it announced earlier
        }
        DeviceBinding binding = kind.ctx.binding();
        if (binding != null && !name.equals(admitted)) {
            // before anything is counted under the name: a spoofer must not feed the real device's gauges
            if (!binding.admit(name, peer)) {
                return false;
            }
            admitted = name;
        }
        if (!name.equals(device) || label.released()) {
            if (kind.newDeviceGetsInfo && !name.equals(device)) {
                lastInfoKey = null;
            }
            device = name;
            label = kind.ctx.labels().acquire(name, peer.address(), now);
        }
        label.touch(now, bytes);
        return true;
    }

    /**
     * Hands on what a message yielded, if anything, with a {@code device} point first when the
     * stream starts, when {@code infoKey} changes and every {@link #DEVICE_INFO_EVERY_MS}; clears
     * {@code out}.
     *
     * @param infoKey    the device's identity fields, joined
     * @param infoFields adds the vendor's identity fields to the device point, after {@code device_ip}
     */
    public void delivered(List<Point> out, String infoKey, Consumer<Point.Builder> infoFields, long now)
            throws InterruptedException {
        if (out.isEmpty()) {
            return;
        }
        // only data makes a device alive: one whose every message fails to decode goes silent
        label.heard(now);
        if (!infoKey.equals(lastInfoKey) || now - lastInfoMs >= DEVICE_INFO_EVERY_MS) {
            lastInfoKey = infoKey;
            lastInfoMs = now;
            Point.Builder b = Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, device)
                    .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(now)
                    .field(Schema.DEVICE_IP, peer.address());
            infoFields.accept(b);
            out.add(0, b.build()); // first, as the device's identity precedes its data (and its share of the limits)
        }
        kind.pointsIn.add(out.size());
        kind.sink.accept(List.copyOf(out));
        out.clear();
    }
}
