package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.teleflux.dialout.DeviceStream;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.DialoutMetrics;
import io.teleflux.dialout.TotalSizeChunks;
import io.teleflux.dialout.DialoutProtocol;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.proto.h3cv3.gRPCDialoutV3Grpc;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * H3C Comware v3 gRPC dial-out ({@code /grpc_dialout_v3.gRPCDialoutV3/DialoutV3}): per stream,
 * reassembles chunked messages by {@code totalSize} ({@link TotalSizeChunks}), parses the
 * {@code Telemetry} payload, and decodes it by what it carries:
 * <ul>
 *   <li>{@code data_str} (JSON) through the classic H3C sensor-path table
 *       ({@link H3cDecoder#decodeWithMetadata}), so {@code Ifmgr/Statistics} lands in
 *       {@code interface} as it does from classic dial-out; the document may start with the module's
 *       table or with a {@code Notification} envelope;</li>
 *   <li>{@code data_gpb} rows generically ({@link UnknownGpb}): H3C's module protos are not public.</li>
 * </ul>
 * The device is {@code node_id_str}; the point time is the {@code Notification}'s Timestamp if the
 * JSON has one, a GPB row's {@code timestamp}, else {@code msg_timestamp}, else
 * {@code collection_start_time}, else the receive time (counted {@code missing_timestamp}). As on
 * classic dial-out, each stream also yields a {@code device} point with {@code model}
 * ({@code product_name}), {@code vendor} ({@code producer_name}) and {@code device_ip} (the TCP
 * peer) when it starts, when they change and every {@link #DEVICE_INFO_EVERY_MS}.
 *
 * <p><b>The response stream.</b> Nothing is sent on it, and when the device half-closes the call
 * ends with OK and no message. Neither H3C's proto nor any public collector gives the server's
 * messages a meaning: the third-party Telegraf H3C plugin and a public Python/Rust v3 collector
 * only read the stream and return, and the Cisco NX-OS collectors that share this shape
 * ({@code MdtDialout}) do the same. An acknowledgement a device does not expect is a risk (some
 * firmware treats unexpected input as a protocol error), silence is what every device met so far
 * has lived with.
 *
 * <p>What a message carries decides how it is decoded: {@code data_str} as JSON unless the message
 * says GPB and has rows, else the rows; an encoding other than JSON (0) or GPB (1) is counted
 * ({@code decode_warnings{reason="unknown_encoding"}}), and proto3's default being JSON, a GPB
 * message that leaves {@code encoding} unset still decodes.
 *
 * <p>A non-empty {@code errors} is the device reporting a problem: counted
 * ({@code decode_warnings{reason="device_error"}}) and logged, the stream carries on; so is an
 * {@code except_desc} other than {@code OK} ({@code reason="except_desc"}).
 */
public final class H3cV3DialoutService implements DialoutProtocol<DialoutV3Args, DialoutV3Args> {
    private static final Logger LOG = LoggerFactory.getLogger(H3cV3DialoutService.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    /** Says once an hour per sensor path that GPB rows are kept generically (the counter has the numbers). */
    private static final RateLimitedLog GPB_NOTICE = new RateLimitedLog(LOG, 3_600_000, 1_000);
    static final long DEVICE_INFO_EVERY_MS = DeviceStream.DEVICE_INFO_EVERY_MS;
    /** Longest device text (errors, except_desc) quoted in a log line. */
    private static final int MAX_QUOTED = 200;

    private final H3cDecoder decoder;
    private final UnknownGpb gpb;
    private final DialoutContext ctx;
    private final Metrics metrics;
    private final int maxMessageSize;
    private final long chunkTimeoutMs;
    private final LongSupplier clock;
    private final DeviceStream.Kind devices;
    private final Metrics.Counter missingPath;
    private final Metrics.Counter malformed;
    private final Metrics.Counter emptyMessage;
    private final Metrics.Counter emptyData;
    private final Metrics.Counter deviceError;
    private final Metrics.Counter exceptDesc;
    private final Metrics.Counter unknownEncoding;
    private final Metrics.Counter missingTimestamp;
    private final Metrics.Counter tooManyRows;
    private final Metrics.Counter noUsableRows;

    /** The v3 service of a dial-out listener, with the listener's row, depth and field limits. */
    public static H3cV3DialoutService create(DialoutContext ctx) {
        return new H3cV3DialoutService(new H3cDecoder(ctx.metrics(), ctx.config().maxRows(), ctx.config().maxDepth()), ctx);
    }

    public H3cV3DialoutService(H3cDecoder decoder, DialoutContext ctx) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.metrics = ctx.metrics();
        this.maxMessageSize = ctx.config().maxMessageSize();
        this.chunkTimeoutMs = ctx.config().chunkTimeout().toMillis();
        this.clock = ctx.clock();
        this.gpb = new UnknownGpb(metrics, ctx.limits().maxFieldsPerPoint(), ctx.config().maxDepth(), ctx.config().maxRows());
        PipelineMetrics.describe(metrics);
        String errors = DialoutMetrics.DECODE_ERRORS_TOTAL;
        String warnings = DialoutMetrics.DECODE_WARNINGS_TOTAL;
        this.devices = new DeviceStream.Kind(ctx, RL,
                new DeviceStream.Wording("dial-out v3 message", "node_id_str", "sensor_path", "node_id_str", false), false);
        this.malformed = metrics.counter(errors, "reason", "malformed_protobuf");
        this.emptyData = metrics.counter(errors, "reason", "empty_data");
        this.tooManyRows = metrics.counter(errors, "reason", DecodeException.TOO_MANY_ROWS);
        this.noUsableRows = metrics.counter(errors, "reason", DecodeException.NO_USABLE_ROWS);
        this.missingPath = metrics.counter(warnings, "reason", "missing_sensor_path");
        this.emptyMessage = metrics.counter(warnings, "reason", "empty_message");
        this.deviceError = metrics.counter(warnings, "reason", "device_error");
        this.exceptDesc = metrics.counter(warnings, "reason", "except_desc");
        this.unknownEncoding = metrics.counter(warnings, "reason", "unknown_encoding");
        this.missingTimestamp = metrics.counter(warnings, "reason", "missing_timestamp");
    }

    @Override
    public List<MethodDescriptor<DialoutV3Args, DialoutV3Args>> methods() {
        return List.of(gRPCDialoutV3Grpc.getDialoutV3Method());
    }

    @Override
    public int sizeOf(DialoutV3Args message) {
        return message.getSerializedSize();
    }

    @Override
    public StreamProcessor<DialoutV3Args, DialoutV3Args> open(Peer peer) {
        return new V3Stream(peer);
    }

    /** Device text for a log line: bounded, one line. */
    static String quoted(String s) {
        String t = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", " ");
    }

    /** One device's stream; used by one worker at a time. */
    private final class V3Stream implements StreamProcessor<DialoutV3Args, DialoutV3Args> {
        private final Peer peer;
        private final TotalSizeChunks chunks;
        private final List<Point> out = new ArrayList<>(64);
        private final DeviceStream stream;

        V3Stream(Peer peer) {
            this.peer = peer;
            this.stream = devices.open(peer);
            this.chunks = new TotalSizeChunks(metrics, maxMessageSize, chunkTimeoutMs, ctx.chunks());
        }

        @Override
        public void process(DialoutV3Args msg) throws InterruptedException {
            long now = clock.getAsLong();
            chunks.expire(now);
            if (!msg.getErrors().isEmpty()) {
                deviceError.inc();
                RL.warn("error:" + peer.address(), "dial-out v3 stream from {} reports an error: {}", peer,
                        quoted(msg.getErrors()));
            }
            if (msg.getData().isEmpty()) {
                if (msg.getErrors().isEmpty()) {
                    emptyMessage.inc();
                }
                return;
            }
            ByteString whole = chunks.offer(msg.getTotalSize(), msg.getData(), now);
            if (whole == null) {
                return;
            }
            Telemetry t;
            try {
                t = Telemetry.parseFrom(whole);
            } catch (InvalidProtocolBufferException e) {
                malformed.inc();
                RL.warn("malformed:" + peer.address(), "dial-out v3 message from {} is not a telemetry.Telemetry: {}",
                        peer, e.getMessage());
                return;
            }
            decode(t, now);
        }

        private void decode(Telemetry t, long now) throws InterruptedException {
            String path = t.getSensorPath();
            if (!stream.admit(t.getNodeIdStr(), path, now, t.getSerializedSize())) {
                return;
            }
            String device = stream.device();
            out.clear();
            if (path.isEmpty()) {
                missingPath.inc();
            }
            if (!t.getExceptDesc().isEmpty() && !t.getExceptDesc().equalsIgnoreCase("OK")) {
                exceptDesc.inc();
                RL.warn("except:" + device, "dial-out v3 device {} ({}) path '{}' reports: {}", device, peer, path,
                        quoted(t.getExceptDesc()));
            }
            long timeMs = messageTime(t);
            if (timeMs == 0) {
                missingTimestamp.inc();
                timeMs = now;
            }
            int encoding = t.getEncodingValue();
            if (encoding != Telemetry.Encoding.Encoding_JSON_VALUE && encoding != Telemetry.Encoding.Encoding_GPB_VALUE) {
                // decoded by what the message carries, as when the two disagree
                unknownEncoding.inc();
                RL.warn("encoding:" + device, "dial-out v3 message from {} ({}) path '{}' has encoding {}, neither JSON"
                        + " (0) nor GPB (1); decoded by what it carries", device, peer, path, encoding);
            }
            boolean hasJson = !t.getDataStrBytes().isEmpty();
            boolean hasRows = t.hasDataGpb() && t.getDataGpb().getRowCount() > 0;
            if (hasJson && (!hasRows || t.getEncoding() != Telemetry.Encoding.Encoding_GPB)) {
                json(t, path, timeMs);
            } else if (hasRows) {
                gpb(t, path, timeMs);
            } else {
                emptyData.inc();
                RL.warn("empty:" + device, "dial-out v3 message from {} ({}) path '{}' has neither data_str nor"
                        + " data_gpb rows", device, peer, path);
            }
            stream.delivered(out, t.getProductName() + '\u0000' + t.getProducerName(), b -> deviceInfo(t, b), now);
        }

        private void json(Telemetry t, String path, long timeMs) {
            String device = stream.device();
            byte[] json = t.getDataStrBytes().toByteArray();
            try {
                decoder.decodeWithMetadata(device, path, json, 0, json.length, timeMs, out);
            } catch (DecodeException e) {
                metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", e.reason()).inc();
                RL.warn("decode:" + e.reason() + ":" + device, "cannot decode {} from {} ({}): {} [{}]",
                        path.isEmpty() ? "a v3 message" : "'" + path + "'", device, peer, e.getMessage(), e.reason());
            }
        }

        private void gpb(Telemetry t, String path, long timeMs) {
            String device = stream.device();
            int before = out.size();
            try {
                if (gpb.decode(device, path, t.getDataGpb(), timeMs, out) == 0) {
                    noUsableRows.inc();
                }
            } catch (UnknownGpb.TooManyRows e) {
                out.subList(before, out.size()).clear();
                tooManyRows.inc();
                RL.warn("rows:" + device, "cannot decode '{}' from {} ({}): {} [too_many_rows]", path, device, peer,
                        e.getMessage());
                return;
            }
            GPB_NOTICE.warn(path, "dial-out v3 device {} sends '{}' as GPB; without its module proto the rows are kept"
                    + " generically in {} (field numbers as names); JSON encoding maps it by name", device, path,
                    UnknownGpb.measurement(path));
        }

        /** The identity fields v3 reports: model and vendor. */
        private static void deviceInfo(Telemetry t, Point.Builder b) {
            if (!t.getProductName().isEmpty()) {
                b.field(Schema.MODEL, t.getProductName());
            }
            if (!t.getProducerName().isEmpty()) {
                b.field(Schema.VENDOR, t.getProducerName());
            }
        }

        @Override
        public DialoutV3Args finish() {
            return null; // nothing on the response stream: see the class comment
        }

        @Override
        public void closed() {
            chunks.close(); // a message still in pieces when the stream ends is lost: counted there
        }
    }

    /** The message's time in epoch ms: {@code msg_timestamp}, else {@code collection_start_time}; 0 when neither is one. */
    static long messageTime(Telemetry t) {
        long ms = Epoch.toMs(t.getMsgTimestamp());
        return ms > 0 ? ms : Epoch.toMs(t.getCollectionStartTime());
    }
}
