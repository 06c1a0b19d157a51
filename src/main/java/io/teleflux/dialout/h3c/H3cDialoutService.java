package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.dialout.DialoutMetrics;
import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceStream;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
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
    static final long DEVICE_INFO_EVERY_MS = DeviceStream.DEVICE_INFO_EVERY_MS;

    private final H3cDecoder decoder;
    private final DialoutContext ctx;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceStream.Kind devices;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter emptyJson;

    /** The H3C service of a dial-out listener, decoding with the listener's row and depth limits. */
    public static H3cDialoutService create(DialoutContext ctx) {
        return new H3cDialoutService(new H3cDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth()), ctx);
    }

    public H3cDialoutService(H3cDecoder decoder, DialoutContext ctx) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.metrics = ctx.metrics();
        this.maxMessageSize = ctx.config().maxMessageSize();
        this.chunkTimeoutMs = ctx.config().chunkTimeout().toMillis();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        this.devices = new DeviceStream.Kind(ctx, RL,
                new DeviceStream.Wording("dial-out message", "deviceName", "sensorPath", "deviceMsg.deviceName", false), false);
        this.missingPath = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "missing_sensor_path");
        this.emptyJson = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "empty_json");
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
        private final DeviceStream stream;

        H3cStream(Peer peer) {
            this.peer = peer;
            this.stream = devices.open(peer);
            this.chunks = new ChunkAssembler(metrics, maxMessageSize, chunkTimeoutMs, ctx.chunks());
        }

        @Override
        public void process(DialoutMsg msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            String path = msg.getSensorPath();
            if (!stream.admit(msg.hasDeviceMsg() ? msg.getDeviceMsg().getDeviceName() : "", path, now,
                    msg.getSerializedSize())) {
                return;
            }
            String device = stream.device();
            out.clear();
            if (path.isEmpty()) {
                missingPath.inc();
            }
            byte[] json;
            int len;
            if (msg.hasChunkMsg()) {
                // fragments are joined as bytes: a fragment may end inside a multi-byte UTF-8 character
                json = chunks.offer(path, msg.getChunkMsg().getTotalSize(), msg.getChunkMsg().getTotalFragments(),
                        msg.getChunkMsg().getNodeId(), msg.getJsonDataBytes().toByteArray(), now);
                if (json == null) {
                    return;
                }
                len = json.length;
            } else {
                len = msg.getJsonDataBytes().size();
                json = JsonCopy.reused(msg.getJsonDataBytes());
            }
            if (len == 0) {
                emptyJson.inc();
                RL.warn("empty:" + device, "dial-out message from {} ({}) path '{}' has empty jsonData", device, peer, path);
                return;
            }
            try {
                decoder.decode(device, path, json, 0, len, now, out);
            } catch (DecodeException e) {
                metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
                RL.warn("decode:" + e.reason() + ":" + device, "cannot decode {} from {} ({}): {} [{}]",
                        path.isEmpty() ? "a message" : "'" + path + "'", device, peer, e.getMessage(), e.reason());
            }
            DeviceInfo d = msg.getDeviceMsg();
            stream.delivered(out, d.getDeviceModel() + '\u0000' + d.getProducerName() + '\u0000' + d.getDeviceSerialNumber(),
                    b -> deviceInfo(d, b), now);
        }

        /** The identity fields H3C reports: model, vendor, serial number and the device's own address. */
        private static void deviceInfo(DeviceInfo d, Point.Builder b) {
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
