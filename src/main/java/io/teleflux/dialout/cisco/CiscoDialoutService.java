package io.teleflux.dialout.cisco;

import com.google.protobuf.ByteString;
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
    static final long DEVICE_INFO_EVERY_MS = 300_000;
    /** The longest part of a device's {@code errors} text that is logged. */
    private static final int MAX_ERROR_TEXT = 200;

    private final CiscoDecoder decoder;
    private final DialoutContext ctx;
    private final PointSink sink;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final int maxNameLength;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceBinding binding;
    private final Metrics.Counter missingDevice;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter nameTooLong;
    private final Metrics.Counter emptyData;
    private final Metrics.Counter deviceErrors;
    private final Metrics.Counter pointsIn;

    /** The Cisco service of a dial-out listener, with the listener's row, depth and name limits. */
    public static CiscoDialoutService create(DialoutContext ctx) {
        return new CiscoDialoutService(new CiscoDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth(),
                ctx.limits().maxNameLength()), ctx);
    }

    public CiscoDialoutService(CiscoDecoder decoder, DialoutContext ctx) {
        this.decoder = decoder;
        this.ctx = ctx;
        this.sink = ctx.sink();
        this.metrics = ctx.metrics();
        this.binding = ctx.binding();
        this.maxMessageSize = ctx.config().maxMessageSize();
        this.maxNameLength = ctx.limits().maxNameLength();
        this.chunkTimeoutMs = ctx.config().chunkTimeout().toMillis();
        this.clock = ctx.clock();
        PipelineMetrics.describe(metrics);
        metrics.describe(DialoutMetrics.DECODE_ERRORS_TOTAL, Metrics.Type.COUNTER,
                "Dial-out messages that could not be decoded, by reason");
        this.missingDevice = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_device");
        this.missingPath = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "missing_encoding_path");
        this.nameTooLong = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "name_too_long");
        this.emptyData = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "empty_data");
        this.deviceErrors = metrics.counter(DialoutMetrics.DECODE_WARNINGS_TOTAL, "reason", "device_error");
        this.pointsIn = metrics.counter(PipelineMetrics.POINTS_RECEIVED, "source", Schema.SOURCE_TELEMETRY);
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
        private final ChunkJoiner chunks;
        private final List<Point> out = new ArrayList<>(64);
        private String device;
        /** The last name the binding admitted for this stream (null: none yet, or the check is off). */
        private String admitted;
        private long lastInfoMs = Long.MIN_VALUE;
        private DeviceLabels.Label label;

        CiscoStream(Peer peer) {
            this.peer = peer;
            this.chunks = new ChunkJoiner(metrics, maxMessageSize, chunkTimeoutMs, ctx.chunks());
        }

        @Override
        public void process(MdtDialoutArgs msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            if (!msg.getErrors().isEmpty()) {
                deviceErrors.inc();
                String text = msg.getErrors();
                RL.warn("deverr:" + peer.address(), "Cisco dial-out device {} ({}) reports an error: {}",
                        device == null ? "?" : device, peer,
                        text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) + "..." : text);
                if (msg.getData().isEmpty()) {
                    return;
                }
            }
            ByteString data = msg.getData();
            if (msg.getTotalSize() != 0) {
                data = chunks.offer(msg.getTotalSize(), data, now);
                if (data == null) {
                    return;
                }
            } else {
                chunks.interrupt();
            }
            if (data.isEmpty()) {
                emptyData.inc();
                return;
            }
            Message m;
            try {
                m = decoder.read(data);
            } catch (CiscoDecodeException e) {
                failed(e, "a message");
                return;
            }
            if (!admit(m, now, data.size())) {
                return;
            }
            out.clear();
            String path = m.path();
            if (path.isEmpty()) {
                missingPath.inc();
                RL.warn("nopath:" + device, "Cisco dial-out message from {} ({}) has no encoding_path; dropped", device, peer);
            } else {
                try {
                    decoder.points(m, device, now, out);
                } catch (CiscoDecodeException e) {
                    failed(e, "'" + path + "'");
                }
            }
            if (!out.isEmpty()) {
                // only data makes a device alive: one whose every message fails to decode goes silent
                label.heard(now);
                deviceInfo(now);
                pointsIn.add(out.size());
                sink.accept(List.copyOf(out));
                out.clear();
            }
        }

        /** Checks the message's names and takes its device; false when the message is dropped (counted). */
        private boolean admit(Message m, long now, int size) {
            String name = m.device();
            if (name.length() > maxNameLength || m.path().length() > maxNameLength) {
                // rejected, not shortened: a device name is an identity and the path names the measurement
                nameTooLong.inc();
                RL.warn("longname:" + peer.address(), "Cisco dial-out message from {} dropped: its node_id_str ({} chars)"
                        + " or encoding_path ({} chars) is longer than teleflux.dialout.limits.max-name-length ({})",
                        peer, name.length(), m.path().length(), maxNameLength);
                return false;
            }
            name = name.strip();
            if (name.isEmpty()) {
                missingDevice.inc();
                if (device == null) {
                    RL.warn("nodevice:" + peer.address(), "Cisco dial-out message from {} has no node_id_str; dropped", peer);
                    return false;
                }
                name = device; // the stream belongs to one device: keep the name it sent before
            }
            if (binding != null && !name.equals(admitted)) {
                if (!binding.admit(name, peer)) {
                    return false;
                }
                admitted = name;
            }
            if (!name.equals(device) || label.released()) {
                if (!name.equals(device)) {
                    lastInfoMs = Long.MIN_VALUE;
                }
                device = name;
                label = ctx.labels().acquire(name, peer.address(), now);
            }
            label.touch(now, size);
            return true;
        }

        private void failed(CiscoDecodeException e, String what) {
            metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
            String who = device == null ? "?" : device;
            RL.warn("decode:" + e.reason() + ":" + peer.address(), "cannot decode {} from Cisco device {} ({}): {} [{}]",
                    what, who, peer, e.getMessage(), e.reason());
        }

        /** A device point with the peer address, for a new device and then every few minutes. */
        private void deviceInfo(long now) {
            if (lastInfoMs != Long.MIN_VALUE && now - lastInfoMs < DEVICE_INFO_EVERY_MS) {
                return;
            }
            lastInfoMs = now;
            out.add(0, Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, device).tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY)
                    .time(now).field(Schema.DEVICE_IP, peer.address()).build());
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
