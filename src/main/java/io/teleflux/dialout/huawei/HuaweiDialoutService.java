package io.teleflux.dialout.huawei;

import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceBinding;
import io.teleflux.dialout.DeviceLabels;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.point.Schema;
import io.teleflux.proto.huawei.gRPCDataserviceGrpc;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Huawei VRP gRPC dial-out ({@code huawei_dialout.gRPCDataservice/dataPublish}, bidirectional):
 * per stream, tracks the device, decodes each {@code serviceArgs} ({@link HuaweiDecoder}) and hands
 * the points on.
 *
 * <p>The device name is the Telemetry's {@code node_id_str} (else its {@code ne_id}); a message
 * without either keeps the name the stream announced before. Each stream also yields a
 * {@code device} point (model = {@code product_name}, vendor, software version, NE id and the TCP
 * peer address) at its first message, when those change, and every {@link #DEVICE_INFO_EVERY_MS}.
 *
 * <p>The response stream stays silent: Huawei devices expect nothing on it, so nothing is ever
 * written to a peer that may not read, and the call ends with OK when the device half-closes.
 * Huawei dial-out has no chunking: a sample is one message, bounded by {@code max-message-size}.
 */
public final class HuaweiDialoutService implements DialoutProtocol<serviceArgs, serviceArgs> {
    private static final Logger LOG = LoggerFactory.getLogger(HuaweiDialoutService.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    static final long DEVICE_INFO_EVERY_MS = 300_000;
    static final String VENDOR = "Huawei";

    private final HuaweiDecoder decoder;
    private final DialoutContext ctx;
    private final PointSink sink;
    private final Metrics metrics;
    private final int maxNameLength;
    private final LongSupplier clock;
    private final DeviceBinding binding;
    private final Metrics.Counter missingDevice;
    private final Metrics.Counter nameTooLong;
    private final Metrics.Counter emptyMessage;
    private final Metrics.Counter deviceError;
    private final Metrics.Counter pointsIn;

    /** The Huawei service of a dial-out listener, decoding with the listener's row and depth limits. */
    public static HuaweiDialoutService create(DialoutContext ctx) {
        return new HuaweiDialoutService(new HuaweiDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth()), ctx);
    }

    public HuaweiDialoutService(HuaweiDecoder decoder, DialoutContext ctx) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.sink = ctx.sink();
        this.metrics = ctx.metrics();
        this.binding = ctx.binding();
        this.maxNameLength = ctx.limits().maxNameLength();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        this.missingDevice = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_device");
        this.nameTooLong = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", HuaweiDecodeException.NAME_TOO_LONG);
        this.emptyMessage = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", HuaweiDecodeException.EMPTY_MESSAGE);
        this.deviceError = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "device_reported_error");
        this.pointsIn = metrics.counter(PipelineMetrics.POINTS_RECEIVED, "source", Schema.SOURCE_TELEMETRY);
    }

    @Override
    public List<MethodDescriptor<serviceArgs, serviceArgs>> methods() {
        return List.of(gRPCDataserviceGrpc.getDataPublishMethod());
    }

    @Override
    public int sizeOf(serviceArgs message) {
        return message.getSerializedSize();
    }

    @Override
    public StreamProcessor<serviceArgs, serviceArgs> open(Peer peer) {
        return new HuaweiStream(peer);
    }

    /** One device's stream; used by one worker at a time. */
    private final class HuaweiStream implements StreamProcessor<serviceArgs, serviceArgs> {
        private final Peer peer;
        private final List<Point> out = new ArrayList<>(64);
        private String device;
        /** The last name the binding admitted for this stream's peer (null: none yet, or the check is off). */
        private String admitted;
        private long lastInfoMs = Long.MIN_VALUE;
        private String lastInfoKey;
        private DeviceLabels.Label label;

        HuaweiStream(Peer peer) {
            this.peer = peer;
        }

        @Override
        public void process(serviceArgs msg) throws InterruptedException {
            long now = clock.getAsLong();
            if (!msg.getErrors().isEmpty()) {
                deviceError.inc();
                RL.warn("deverr:" + peer.address(), "Huawei device at {} reports an error: {}", peer,
                        Envelope.abbreviated(msg.getErrors().strip()));
            }
            Envelope env;
            try {
                env = decoder.envelope(msg);
            } catch (HuaweiDecodeException e) {
                error(e, device == null ? "?" : device, "");
                return;
            }
            if (env == null) {
                if (msg.getErrors().isEmpty()) {
                    emptyMessage.inc();
                    RL.warn("empty:" + peer.address(), "Huawei dial-out message from {} carries neither data nor"
                            + " data_json; dropped", peer);
                }
                return;
            }
            String name = env.nodeId().isBlank() ? env.neId() : env.nodeId();
            if (name.length() > maxNameLength || env.sensorPath().length() > maxNameLength) {
                // rejected, not shortened: a device name is an identity, and a path is a measurement's
                nameTooLong.inc();
                RL.warn("longname:" + peer.address(), "Huawei dial-out message from {} dropped: its node_id_str ({} chars)"
                        + " or sensor_path ({} chars) is longer than teleflux.dialout.limits.max-name-length ({})", peer,
                        name.length(), env.sensorPath().length(), maxNameLength);
                return;
            }
            name = name.strip();
            if (name.isEmpty()) {
                missingDevice.inc();
                if (device == null) {
                    RL.warn("nodevice:" + peer.address(), "Huawei dial-out message from {} has no node_id_str; dropped", peer);
                    return;
                }
                name = device; // the stream belongs to one device: keep the name it announced earlier
            }
            if (binding != null && !name.equals(admitted)) {
                // before anything is counted under the name: a spoofer must not feed the real device's gauges
                if (!binding.admit(name, peer)) {
                    return;
                }
                admitted = name;
            }
            if (!name.equals(device) || label.released()) {
                device = name;
                label = ctx.labels().acquire(name, peer.address(), now);
            }
            label.touch(now, msg.getSerializedSize());
            out.clear();
            try {
                decoder.decode(env, device, now, out);
            } catch (HuaweiDecodeException e) {
                error(e, device, env.sensorPath());
            }
            if (!out.isEmpty()) {
                // only data makes a device alive: one whose every message fails to decode goes silent
                label.heard(now);
                deviceInfo(env, now);
                pointsIn.add(out.size());
                sink.accept(List.copyOf(out));
                out.clear();
            }
        }

        private void error(HuaweiDecodeException e, String dev, String path) {
            metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
            RL.warn("decode:" + e.reason() + ":" + peer.address() + ":" + dev, "cannot decode {} from Huawei device {} ({}):"
                    + " {} [{}]", path.isEmpty() ? "a message" : "'" + path + "'", dev, peer, e.getMessage(), e.reason());
        }

        /** A device point with identity fields, when the stream starts, when they change, and every few minutes. */
        private void deviceInfo(Envelope env, long now) {
            String key = env.productName() + '\u0000' + env.softwareVersion() + '\u0000' + env.neId();
            if (key.equals(lastInfoKey) && now - lastInfoMs < DEVICE_INFO_EVERY_MS) {
                return;
            }
            lastInfoKey = key;
            lastInfoMs = now;
            Point.Builder b = Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, device)
                    .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(now)
                    .field(Schema.DEVICE_IP, peer.address()).field(Schema.VENDOR, VENDOR);
            if (!env.productName().isBlank()) {
                b.field(Schema.MODEL, env.productName().strip());
            }
            if (!env.softwareVersion().isBlank()) {
                b.field("software_version", env.softwareVersion().strip());
            }
            if (!env.neId().isBlank()) {
                b.field("ne_id", env.neId().strip());
            }
            out.add(0, b.build()); // first, as the device's identity precedes its data (and its share of the limits)
        }

        @Override
        public serviceArgs finish() {
            return null; // nothing on the response stream: the call ends with OK
        }

        @Override
        public void closed() {
            // no per-stream buffers: Huawei dial-out does not chunk
        }
    }
}
