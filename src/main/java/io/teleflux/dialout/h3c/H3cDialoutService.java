package io.teleflux.dialout.h3c;

import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceBinding;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Distinct device names used as metric labels; a flood of invented names is folded into "other". */
    private static final int MAX_DEVICE_LABELS = 20_000;

    private final H3cDecoder decoder;
    private final PointSink sink;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceBinding binding;
    private final Set<String> deviceLabels = ConcurrentHashMap.newKeySet();
    private final Metrics.Counter missingDevice;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter emptyJson;
    private final Metrics.Counter pointsIn;

    public H3cDialoutService(H3cDecoder decoder, PointSink sink, Metrics metrics, int maxMessageSize, long chunkTimeoutMs) {
        this(decoder, sink, metrics, maxMessageSize, chunkTimeoutMs, null, System::currentTimeMillis);
    }

    /** @param binding the device-name check of {@code require-device-name-match}, or null when it is off */
    public H3cDialoutService(H3cDecoder decoder, PointSink sink, Metrics metrics, int maxMessageSize, long chunkTimeoutMs,
                             DeviceBinding binding) {
        this(decoder, sink, metrics, maxMessageSize, chunkTimeoutMs, binding, System::currentTimeMillis);
    }

    H3cDialoutService(H3cDecoder decoder, PointSink sink, Metrics metrics, int maxMessageSize, long chunkTimeoutMs,
                      LongSupplier clock) {
        this(decoder, sink, metrics, maxMessageSize, chunkTimeoutMs, null, clock);
    }

    H3cDialoutService(H3cDecoder decoder, PointSink sink, Metrics metrics, int maxMessageSize, long chunkTimeoutMs,
                      DeviceBinding binding, LongSupplier clock) {
        this.binding = binding;
        this.decoder = decoder;
        this.sink = sink;
        this.metrics = metrics;
        this.maxMessageSize = maxMessageSize;
        this.chunkTimeoutMs = chunkTimeoutMs;
        this.clock = clock;
        metrics.describe("teleflux_dialout_messages_total", Metrics.Type.COUNTER, "Dial-out messages received, by device");
        metrics.describe("teleflux_points_received_total", Metrics.Type.COUNTER, "Points produced by the inputs, by source");
        metrics.describe("teleflux_dialout_last_message_ms", Metrics.Type.GAUGE,
                "Epoch ms of the last dial-out message per device (for silent-device alerts)");
        this.missingDevice = metrics.counter("teleflux_decode_errors_total", "reason", "missing_device");
        this.missingPath = metrics.counter("teleflux_decode_warnings_total", "reason", "missing_sensor_path");
        this.emptyJson = metrics.counter("teleflux_decode_errors_total", "reason", "empty_json");
        this.pointsIn = metrics.counter("teleflux_points_received_total", "source", "telemetry");
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

    private String deviceLabel(String device) {
        if (deviceLabels.contains(device)) {
            return device;
        }
        if (deviceLabels.size() >= MAX_DEVICE_LABELS) {
            return "other";
        }
        deviceLabels.add(device);
        return device;
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
        private Metrics.Counter messages;
        private Metrics.Counter lastMessage;

        H3cStream(Peer peer) {
            this.peer = peer;
            this.chunks = new ChunkAssembler(metrics, maxMessageSize, chunkTimeoutMs);
        }

        @Override
        public void process(DialoutMsg msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            String name = msg.hasDeviceMsg() ? msg.getDeviceMsg().getDeviceName().strip() : "";
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
            if (!name.equals(device)) {
                device = name;
                String label = deviceLabel(name);
                messages = metrics.counter("teleflux_dialout_messages_total", "device", label);
                lastMessage = metrics.settableGauge("teleflux_dialout_last_message_ms", "device", label);
            }
            messages.inc();
            lastMessage.set(now);
            out.clear();
            deviceInfo(msg, now);

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
                metrics.counter("teleflux_decode_errors_total", "reason", e.reason()).inc();
                RL.warn("decode:" + e.reason() + ":" + device, "cannot decode {} from {} ({}): {} [{}]",
                        path.isEmpty() ? "a message" : "'" + path + "'", device, peer, e.getMessage(), e.reason());
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
            out.add(b.build());
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
