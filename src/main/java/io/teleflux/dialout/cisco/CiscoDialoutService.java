package io.teleflux.dialout.cisco;

import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceStream;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.TotalSizeChunks;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.gRPCMdtDialoutGrpc;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Cisco MDT gRPC dial-out ({@code /mdt_dialout.gRPCMdtDialout/MdtDialout}): per stream, joins
 * NX-OS chunks, decodes each {@code Telemetry} message (GPB-KV or JSON), tracks the device
 * ({@code node_id_str}) and hands the points on.
 *
 * <p>The method is bidirectional, but devices never read the response stream: nothing is sent on
 * it, and the call ends with status OK (no message) when the device half-closes. A device that never
 * reads therefore costs nothing.
 *
 * <p>Besides the decoded paths, each stream yields a {@code device} point with the TCP peer address
 * ({@code device_ip}) when its device is first seen and then every {@link #DEVICE_INFO_EVERY_MS},
 * because the payload carries only the host name.
 */
public final class CiscoDialoutService implements DialoutProtocol<MdtDialoutArgs, MdtDialoutArgs> {
    private static final Logger LOG = LoggerFactory.getLogger(CiscoDialoutService.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    static final long DEVICE_INFO_EVERY_MS = DeviceStream.DEVICE_INFO_EVERY_MS;
    /** The longest part of a device's {@code errors} text that is logged. */
    private static final int MAX_ERROR_TEXT = 200;

    private final CiscoDecoder decoder;
    private final DialoutContext ctx;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceStream.Kind devices;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter emptyData;
    private final Metrics.Counter deviceErrors;

    /** The Cisco service of a dial-out listener, with the listener's row, depth and name limits. */
    public static CiscoDialoutService create(DialoutContext ctx) {
        return new CiscoDialoutService(new CiscoDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth(),
                ctx.limits().maxNameLength()), ctx);
    }

    public CiscoDialoutService(CiscoDecoder decoder, DialoutContext ctx) {
        this.decoder = decoder;
        this.ctx = ctx;
        this.metrics = ctx.metrics();
        this.maxMessageSize = ctx.config().maxMessageSize();
        this.chunkTimeoutMs = ctx.config().chunkTimeout().toMillis();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        metrics.describe(DialoutMetrics.DECODE_ERRORS_TOTAL, Metrics.Type.COUNTER,
                "Dial-out messages that could not be decoded, by reason");
        this.devices = new DeviceStream.Kind(ctx, RL,
                new DeviceStream.Wording("Cisco dial-out message", "node_id_str", "encoding_path", "node_id_str", true), true);
        this.missingPath = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_encoding_path");
        this.emptyData = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "empty_data");
        this.deviceErrors = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "device_error");
    }

    @Override
    public List<MethodDescriptor<MdtDialoutArgs, MdtDialoutArgs>> methods() {
        return List.of(gRPCMdtDialoutGrpc.getMdtDialoutMethod());
    }

    @Override
    public int sizeOf(MdtDialoutArgs message) {
        return message.getSerializedSize();
    }

    @Override
    public StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> open(Peer peer) {
        return new CiscoStream(peer);
    }

    /** One device's stream; used by one worker at a time. */
    private final class CiscoStream implements StreamProcessor<MdtDialoutArgs, MdtDialoutArgs> {
        private final Peer peer;
        private final TotalSizeChunks chunks;
        private final List<Point> out = new ArrayList<>(64);
        private final DeviceStream stream;

        CiscoStream(Peer peer) {
            this.peer = peer;
            this.stream = devices.open(peer);
            this.chunks = new TotalSizeChunks(metrics, maxMessageSize, chunkTimeoutMs, ctx.chunks());
        }

        @Override
        public void process(MdtDialoutArgs msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            if (!msg.getErrors().isEmpty()) {
                deviceErrors.inc();
                String text = msg.getErrors();
                RL.warn("deverr:" + peer.address(), "Cisco dial-out device {} ({}) reports an error: {}",
                        stream.device() == null ? "?" : stream.device(), peer,
                        text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) + "..." : text);
                if (msg.getData().isEmpty()) {
                    return;
                }
            }
            ByteString data = chunks.offer(msg.getTotalSize(), msg.getData(), now);
            if (data == null) {
                return;
            }
            if (data.isEmpty()) {
                emptyData.inc();
                return;
            }
            Message m;
            try {
                m = decoder.read(data);
            } catch (DecodeException e) {
                failed(e, "a message");
                return;
            }
            String path = m.path();
            if (!stream.admit(m.device(), path, now, data.size())) {
                return;
            }
            String device = stream.device();
            out.clear();
            if (path.isEmpty()) {
                missingPath.inc();
                RL.warn("nopath:" + device, "Cisco dial-out message from {} ({}) has no encoding_path; dropped", device, peer);
            } else {
                try {
                    decoder.points(m, device, now, out);
                } catch (DecodeException e) {
                    failed(e, "'" + path + "'");
                }
            }
            // the payload names only the host: the device point is the peer address, sent again for a new device
            stream.delivered(out, "", b -> { }, now);
        }

        private void failed(DecodeException e, String what) {
            metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
            String who = stream.device() == null ? "?" : stream.device();
            RL.warn("decode:" + e.reason() + ":" + peer.address(), "cannot decode {} from Cisco device {} ({}): {} [{}]",
                    what, who, peer, e.getMessage(), e.reason());
        }

        @Override
        public MdtDialoutArgs finish() {
            return null; // devices do not read the response stream
        }

        @Override
        public void closed() {
            chunks.close(); // a message still in fragments when the stream ends is lost: counted there
        }
    }
}
