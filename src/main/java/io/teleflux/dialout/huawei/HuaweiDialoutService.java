package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceStream;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
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
    static final long DEVICE_INFO_EVERY_MS = DeviceStream.DEVICE_INFO_EVERY_MS;
    static final String VENDOR = "Huawei";

    private final HuaweiDecoder decoder;
    private final DialoutContext ctx;
    private final Metrics metrics;
    private final LongSupplier clock;
    private final DeviceStream.Kind devices;
    private final Metrics.Counter emptyMessage;
    private final Metrics.Counter deviceError;

    /** The Huawei service of a dial-out listener, decoding with the listener's row and depth limits. */
    public static HuaweiDialoutService create(DialoutContext ctx) {
        return new HuaweiDialoutService(new HuaweiDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth()), ctx);
    }

    public HuaweiDialoutService(HuaweiDecoder decoder, DialoutContext ctx) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.metrics = ctx.metrics();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        this.devices = new DeviceStream.Kind(ctx, RL,
                new DeviceStream.Wording("Huawei dial-out message", "node_id_str", "sensor_path", "node_id_str", true), false);
        this.emptyMessage = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", DecodeException.EMPTY_MESSAGE);
        this.deviceError = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "device_reported_error");
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
        private final DeviceStream stream;

        HuaweiStream(Peer peer) {
            this.peer = peer;
            this.stream = devices.open(peer);
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
            } catch (DecodeException e) {
                error(e, stream.device() == null ? "?" : stream.device(), "");
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
            if (!stream.admit(env.nodeId().isBlank() ? env.neId() : env.nodeId(), env.sensorPath(), now,
                    msg.getSerializedSize())) {
                return;
            }
            out.clear();
            try {
                decoder.decode(env, stream.device(), now, out);
            } catch (DecodeException e) {
                error(e, stream.device(), env.sensorPath());
            }
            stream.delivered(out, env.productName() + '\u0000' + env.softwareVersion() + '\u0000' + env.neId(),
                    b -> deviceInfo(env, b), now);
        }

        private void error(DecodeException e, String dev, String path) {
            metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
            RL.warn("decode:" + e.reason() + ":" + peer.address() + ":" + dev, "cannot decode {} from Huawei device {} ({}):"
                    + " {} [{}]", path.isEmpty() ? "a message" : "'" + path + "'", dev, peer, e.getMessage(), e.reason());
        }

        /** The identity fields Huawei reports: model, software version and NE id; the vendor is known. */
        private static void deviceInfo(Envelope env, Point.Builder b) {
            b.field(Schema.VENDOR, VENDOR);
            if (!env.productName().isBlank()) {
                b.field(Schema.MODEL, env.productName().strip());
            }
            if (!env.softwareVersion().isBlank()) {
                b.field("software_version", env.softwareVersion().strip());
            }
            if (!env.neId().isBlank()) {
                b.field("ne_id", env.neId().strip());
            }
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
