package io.teleflux.dialout;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.teleflux.config.DialoutConfig;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC server devices dial out to. Each registered {@link DialoutProtocol} is served on all
 * of its method names; any other method is answered UNIMPLEMENTED, counted and logged.
 *
 * <p>Every connection passes a {@link ConnectionGate} first (allowlist, then plaintext or TLS with
 * certificates that {@link TlsReloader} keeps current); at most {@code max-streams} dial-out
 * streams are open at once. Refusals are counted as {@code teleflux_dialout_rejected_total{reason}}.
 */
public final class DialoutServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DialoutServer.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    /** Distinct unknown method names kept as metric labels; beyond this they are counted as "other". */
    private static final int MAX_METHOD_LABELS = 50;
    static final String REJECTED = "teleflux_dialout_rejected_total";
    /**
     * Per-stream and per-connection HTTP/2 receive window. Fixed, because grpc's auto-tuning pings the
     * device (older Comware clients drop the stream when pinged) and may grow a window to 8 MiB,
     * which multiplies what hostile peers can make us buffer.
     */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;

    private final DialoutConfig config;
    private final Metrics metrics;
    private final DecodePool pool;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final Set<String> unknownMethodLabels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final FlowControlledHandler.StreamLimit streamLimit;
    private final ConnectionGate gate;
    private TlsReloader tls;
    private ExecutorService callbackExecutor;
    private Server server;

    public DialoutServer(DialoutConfig config, Metrics metrics) {
        this.config = config;
        this.metrics = metrics;
        int workers = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        this.pool = new DecodePool(workers, config.queueMaxBytes(), metrics);
        metrics.describe("teleflux_dialout_streams", Metrics.Type.GAUGE, "Open dial-out streams");
        metrics.describe("teleflux_dialout_streams_total", Metrics.Type.COUNTER, "Dial-out streams opened");
        metrics.describe("teleflux_dialout_streams_closed_total", Metrics.Type.COUNTER,
                "Dial-out streams closed, by gRPC status code");
        metrics.describe("teleflux_dialout_unknown_method_total", Metrics.Type.COUNTER,
                "Calls to a gRPC method no dial-out protocol serves (answered UNIMPLEMENTED)");
        metrics.describe("teleflux_decode_errors_total", Metrics.Type.COUNTER,
                "Dial-out messages that could not be decoded, by reason");
        metrics.gauge("teleflux_dialout_streams", activeStreams::get);
        metrics.describe(REJECTED, Metrics.Type.COUNTER,
                "Dial-out connections or streams refused: allowlist (peer not allowed), tls (handshake failed:"
                        + " no or untrusted certificate, not TLS), max_streams");
        this.streamLimit = new FlowControlledHandler.StreamLimit(config.maxStreams(),
                metrics.counter(REJECTED, "reason", "max_streams"));
        this.gate = new ConnectionGate(config.allow(), metrics);
    }

    /** Registers a vendor protocol on all its method names; call before {@link #start()}. */
    public <Q, R> DialoutServer register(DialoutProtocol<Q, R> protocol) {
        FlowControlledHandler<Q, R> handler = new FlowControlledHandler<>(protocol, pool, metrics, streamLimit);
        Map<String, List<MethodDescriptor<Q, R>>> byService = new LinkedHashMap<>();
        for (MethodDescriptor<Q, R> m : protocol.methods()) {
            byService.computeIfAbsent(m.getServiceName(), k -> new ArrayList<>()).add(m);
        }
        byService.forEach((service, methods) -> {
            ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service);
            for (MethodDescriptor<Q, R> m : methods) {
                b.addMethod(m, handler);
            }
            services.add(b.build());
        });
        return this;
    }

    public void start() throws IOException {
        if (config.tls().enabled()) {
            tls = new TlsReloader(config.tls(), gate::useTls);
        }
        callbackExecutor = Executors.newFixedThreadPool(2, namedDaemon("dialout-grpc"));
        NettyServerBuilder b = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.listen().host(), config.listen().port()),
                        InternalNettyServerCredentials.create(gate))
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .maxInboundMessageSize(config.maxMessageSize())
                .maxInboundMetadataSize(64 * 1024)
                // no server pings: older Comware clients drop the stream when pinged
                .keepAliveTime(Long.MAX_VALUE, TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(config.permitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                .executor(callbackExecutor)
                .fallbackHandlerRegistry(new UnknownMethods())
                .addStreamTracerFactory(new StreamCounter());
        for (ServerServiceDefinition s : services) {
            b.addService(s);
        }
        try {
            server = b.build().start();
        } catch (IOException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
        if (tls != null) {
            tls.start();
        }
        LOG.info("dial-out listening on {} ({}, max message {} bytes, max streams {}{})", config.listen().host() + ":" + port(),
                tls != null ? "TLS" : "plaintext", config.maxMessageSize(), config.maxStreams(),
                config.allow().isEmpty() ? "" : ", allow " + config.allow());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting streams, lets open ones end for up to {@code graceMillis}, then decodes what was received. */
    public void stop(long graceMillis) throws InterruptedException {
        if (server == null) {
            return;
        }
        server.shutdown();
        if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
            server.awaitTermination(2, TimeUnit.SECONDS);
        }
        if (tls != null) {
            tls.close();
        }
        pool.close();
        pool.awaitTermination(graceMillis);
        callbackExecutor.shutdownNow();
    }

    @Override
    public void close() throws InterruptedException {
        stop(5_000);
    }

    private static java.util.concurrent.ThreadFactory namedDaemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Counts stream ends by status; RESOURCE_EXHAUSTED is how gRPC ends a stream whose message exceeds the limit. */
    private final class StreamCounter extends ServerStreamTracer.Factory {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            activeStreams.incrementAndGet();
            return new ServerStreamTracer() {
                @Override
                public void streamClosed(Status status) {
                    activeStreams.decrementAndGet();
                    metrics.counter("teleflux_dialout_streams_closed_total", "code", status.getCode().name()).inc();
                    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                            && !FlowControlledHandler.TOO_MANY_STREAMS.equals(status.getDescription())) {
                        metrics.counter("teleflux_decode_errors_total", "reason", "message_too_large").inc();
                        RL.warn("too_large", "dial-out stream {} closed: {}", fullMethodName, status.getDescription());
                    }
                }
            };
        }
    }

    /** Answers every method nobody serves with UNIMPLEMENTED, and counts it. */
    private final class UnknownMethods extends HandlerRegistry {
        private final MethodDescriptor.Marshaller<InputStream> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InputStream value) {
                return value;
            }

            @Override
            public InputStream parse(InputStream stream) {
                return new ByteArrayInputStream(new byte[0]);
            }
        };

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            MethodDescriptor<InputStream, InputStream> md = MethodDescriptor.<InputStream, InputStream>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNKNOWN)
                    .setFullMethodName(methodName)
                    .setRequestMarshaller(raw)
                    .setResponseMarshaller(raw)
                    .build();
            ServerCallHandler<InputStream, InputStream> h = (call, headers) -> {
                String label = methodName.length() <= 120
                        && (unknownMethodLabels.contains(methodName) || unknownMethodLabels.size() < MAX_METHOD_LABELS)
                        ? methodName : "other";
                unknownMethodLabels.add(label);
                metrics.counter("teleflux_dialout_unknown_method_total", "method", label).inc();
                metrics.counter("teleflux_decode_errors_total", "reason", "unknown_method").inc();
                RL.warn("unknown:" + label, "unknown gRPC method {} called from {}", label,
                        Peer.of(call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
                call.close(Status.UNIMPLEMENTED.withDescription("Teleflux does not serve " + label), new Metadata());
                return new ServerCall.Listener<>() {
                };
            };
            return ServerMethodDefinition.create(md, h);
        }
    }
}
