package io.teleflux.dialout.h3c;

import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.dialout.DialoutMetrics;
import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceBinding;
import io.teleflux.dialout.DeviceLabels;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * H3C Comware gRPC dial-out ({@code grpc_dialout.GRPCDialout/Dialout}, also under the
 * {@code gRPCDialout} spelling one H3C document uses): per stream, tracks the device, reassembles
 * chunked samples, decodes {@code jsonData} and hands the points on.
 *
 * <p>Besides the decoded sensor paths, each stream yields a {@code device} point with the
 * device's model, vendor and TCP peer address, at its first message and then every
 * {@link #DEVICE_INFO_EVERY_MS}, because the payloads carry only the sysname.
 */
public final class H3cDialoutService implements DialoutProtocol<DialoutMsg, DialoutResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(H3cDialoutService.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    static final long DEVICE_INFO_EVERY_MS = 300_000;

    private final H3cDecoder decoder;
    private final DialoutContext ctx;
    private final PointSink sink;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final int maxNameLength;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceBinding binding;
    private final Metrics.Counter missingDevice;
    private final Metrics.Counter nameTooLong;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter emptyJson;
    private final Metrics.Counter pointsIn;

    /** The H3C service of a dial-out listener, decoding with the listener's row and depth limits. */
    public static H3cDialoutService create(DialoutContext ctx) {
        return new H3cDialoutService(new H3cDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth()), ctx);
    }

    public H3cDialoutService(H3cDecoder decoder, DialoutContext ctx) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.sink = ctx.sink();
        this.metrics = ctx.metrics();
        this.binding = ctx.binding();
        this.maxMessageSize = ctx.config().maxMessageSize();
        this.maxNameLength = ctx.limits().maxNameLength();
        this.chunkTimeoutMs = ctx.config().chunkTimeout().toMillis();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        this.missingDevice = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_device");
        this.nameTooLong = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "name_too_long");
        this.missingPath = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "missing_sensor_path");
        this.emptyJson = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "empty_json");
        this.pointsIn = metrics.counter(PipelineMetrics.POINTS_RECEIVED, "source", "telemetry");
    }

    @Override
    public List<MethodDescriptor<DialoutMsg, DialoutResponse>> methods() {
        MethodDescriptor<DialoutMsg, DialoutResponse> canonical = GRPCDialoutGrpc.getDialoutMethod();
        MethodDescriptor<DialoutMsg, DialoutResponse> documented = canonical.toBuilder()
                .setFullMethodName(MethodDescriptor.generateFullMethodName("grpc_dialout.gRPCDialout", "Dialout"))
                .build();
        return List.of(canonical, documented);
    }

    @Override
    public int sizeOf(DialoutMsg message) {
        return message.getSerializedSize();
    }

    @Override
    public StreamProcessor<DialoutMsg, DialoutResponse> open(Peer peer) {
        return new H3cStream(peer);
    }

    /** One device's stream; used by one worker at a time. */
    private final class H3cStream implements StreamProcessor<DialoutMsg, DialoutResponse> {
        private final Peer peer;
        private final ChunkAssembler chunks;
        private final List<Point> out = new ArrayList<>(64);
        private String device;
        /** The last name the binding admitted for this stream's peer (null: none yet, or the check is off). */
        private String admitted;
        private long lastInfoMs = Long.MIN_VALUE;
        private String lastInfoKey;
        private DeviceLabels.Label label;

        H3cStream(Peer peer) {
            this.peer = peer;
            this.chunks = new ChunkAssembler(metrics, maxMessageSize, chunkTimeoutMs, ctx.chunks());
        }

        @Override
        public void process(DialoutMsg msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            String name = msg.hasDeviceMsg() ? msg.getDeviceMsg().getDeviceName() : "";
            if (name.length() > maxNameLength) {
                // rejected, not shortened: a device name is an identity, and any sysname fits the limit
                nameTooLong.inc();
                RL.warn("longname:" + peer.address(), "dial-out message from {} dropped: its deviceName has {} chars,"
                        + " more than teleflux.dialout.limits.max-name-length ({})", peer, name.length(), maxNameLength);
                return;
            }
            name = name.strip();
            if (msg.getSensorPath().length() > maxNameLength) {
                // the path keys chunk reassembly and appears in log lines: it must be bounded as a name is
                nameTooLong.inc();
                RL.warn("longpath:" + peer.address(), "dial-out message from {} dropped: its sensorPath has {} chars,"
                        + " more than teleflux.dialout.limits.max-name-length ({})", peer, msg.getSensorPath().length(),
                        maxNameLength);
                return;
            }
            if (name.isEmpty()) {
                if (device == null) {
                    missingDevice.inc();
                    RL.warn("nodevice:" + peer.address(), "dial-out message from {} has no deviceMsg.deviceName; dropped", peer);
                    return;
                }
                // the stream belongs to one device: keep the name it announced earlier
                missingDevice.inc();
                name = device;
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

            String path = msg.getSensorPath();
            if (path.isEmpty()) {
                missingPath.inc();
            }
            byte[] json = msg.getJsonDataBytes().toByteArray();
            if (msg.hasChunkMsg()) {
                // fragments are joined as bytes: a fragment may end inside a multi-byte UTF-8 character
                json = chunks.offer(path, msg.getChunkMsg().getTotalSize(), msg.getChunkMsg().getTotalFragments(),
                        msg.getChunkMsg().getNodeId(), json, now);
                if (json == null) {
                    flush();
                    return;
                }
            }
            if (json.length == 0) {
                emptyJson.inc();
                RL.warn("empty:" + device, "dial-out message from {} ({}) path '{}' has empty jsonData", device, peer, path);
                flush();
                return;
            }
            try {
                decoder.decode(device, path, json, 0, json.length, now, out);
            } catch (DecodeException e) {
                metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
                RL.warn("decode:" + e.reason() + ":" + device, "cannot decode {} from {} ({}): {} [{}]",
                        path.isEmpty() ? "a message" : "'" + path + "'", device, peer, e.getMessage(), e.reason());
            }
            if (!out.isEmpty()) {
                // only data makes a device alive: one whose every message fails to decode goes silent
                label.heard(now);
                deviceInfo(msg, now);
            }
            flush();
        }

        private void flush() throws InterruptedException {
            if (!out.isEmpty()) {
                pointsIn.add(out.size());
                sink.accept(List.copyOf(out));
                out.clear();
            }
        }

        /** A device point with identity fields, when the stream starts, when they change, and every few minutes. */
        private void deviceInfo(DialoutMsg msg, long now) {
            DeviceInfo d = msg.getDeviceMsg();
            String key = d.getDeviceModel() + '\u0000' + d.getProducerName() + '\u0000' + d.getDeviceSerialNumber();
            if (key.equals(lastInfoKey) && now - lastInfoMs < DEVICE_INFO_EVERY_MS) {
                return;
            }
            lastInfoKey = key;
            lastInfoMs = now;
            Point.Builder b = Point.builder("device").tag("device", device).tag("source", "telemetry").time(now)
                    .field("device_ip", peer.address());
            if (!d.getDeviceModel().isEmpty()) {
                b.field("model", d.getDeviceModel());
            }
            if (!d.getProducerName().isEmpty()) {
                b.field("vendor", d.getProducerName());
            }
            if (!d.getDeviceSerialNumber().isEmpty()) {
                b.field("serial_number", d.getDeviceSerialNumber());
            }
            if (!d.getDeviceIpAddr().isEmpty()) {
                b.field("reported_ip", d.getDeviceIpAddr());
            }
            out.add(0, b.build()); // first, as the device's identity precedes its data (and its share of the limits)
        }

        @Override
        public DialoutResponse finish() {
            return DialoutResponse.newBuilder().setResponse("ok").build();
        }

        @Override
        public void closed() {
            chunks.close(); // a sample still in fragments when the stream ends is lost: counted there
        }
    }
}
