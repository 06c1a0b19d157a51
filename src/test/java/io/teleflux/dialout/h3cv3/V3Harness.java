package io.teleflux.dialout.h3cv3;

import com.google.protobuf.ByteString;
import io.teleflux.config.HostPort;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.dialout.DeviceLabels;
import io.teleflux.dialout.DialoutConfig;
import io.teleflux.dialout.DialoutContext;
import io.teleflux.dialout.Peer;
import io.teleflux.dialout.StreamProcessor;
import io.teleflux.point.Point;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.h3cv3.Telemetry;
import io.teleflux.selfmon.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** One {@link H3cV3DialoutService} stream without gRPC: messages in, points out, a clock the test sets. */
final class V3Harness {
    final Metrics metrics = new Metrics();
    final AtomicLong now = new AtomicLong(1_718_000_009_999L);
    final List<Point> points = new ArrayList<>();
    final ChunkBudget budget;
    final H3cV3DialoutService service;
    final StreamProcessor<DialoutV3Args, DialoutV3Args> stream;

    V3Harness() {
        this(64 << 20, 256L << 20);
    }

    V3Harness(int maxMessageSize, long chunkBuffer) {
        DialoutConfig.Limits d = DialoutConfig.Limits.DEFAULTS;
        DialoutConfig.Limits limits = new DialoutConfig.Limits(d.maxStreamsPerPeer(), d.maxStreamsPerConnection(),
                d.idleTimeout(), d.handshakeTimeout(), d.maxResets(), d.resetWindow(), chunkBuffer, d.receiveBuffer(),
                d.maxNameLength(), d.maxMeasurementsPerMessage(), d.maxMeasurementsPerDevice(), d.maxFieldsPerPoint(),
                d.maxDeviceLabels(), d.maxDeviceLabelsPerPeer(), d.deviceLabelExpiry());
        DialoutConfig base = new DialoutConfig(true, new HostPort("127.0.0.1", 0), maxMessageSize, 1, 1 << 20,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        DialoutConfig cfg = new DialoutConfig(true, base.listen(), maxMessageSize, 1, 1 << 20, base.permitKeepaliveTime(),
                base.chunkTimeout(), base.tls(), base.allow(), false, base.maxStreams(), base.maxRows(), base.maxDepth(),
                limits);
        budget = new ChunkBudget(chunkBuffer);
        DialoutContext ctx = new DialoutContext(points::addAll, metrics, cfg, budget,
                new DeviceLabels(metrics, 100, 100, 60_000), null, now::get);
        service = H3cV3DialoutService.create(ctx);
        stream = service.open(new Peer("192.0.2.21", 40001));
    }

    void send(Telemetry t) throws InterruptedException {
        stream.process(DialoutV3Args.newBuilder().setReqId(1).setData(t.toByteString()).build());
    }

    /** Sends {@code t} in pieces of {@code piece} bytes, each with totalSize set. */
    void sendChunked(Telemetry t, int piece) throws InterruptedException {
        ByteString all = t.toByteString();
        for (int off = 0; off < all.size(); off += piece) {
            stream.process(DialoutV3Args.newBuilder().setReqId(1).setTotalSize(all.size())
                    .setData(all.substring(off, Math.min(all.size(), off + piece))).build());
        }
    }

    long counter(String name, String reason) {
        return (long) metrics.value(name, "reason", reason);
    }
}
