package io.teleflux.dialout;

import io.grpc.Context;
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
import io.teleflux.component.BindFailure;
import io.teleflux.component.Component;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.FatalErrors;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
public final class DialoutServer implements Component, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DialoutServer.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    /** Distinct unknown method names kept as metric labels; beyond this they are counted as "other". */
    private static final int MAX_METHOD_LABELS = 50;
    static final String REJECTED = DialoutMetrics.DIALOUT_REJECTED_TOTAL;
    static final String IDLE_CLOSED = DialoutMetrics.DIALOUT_IDLE_CLOSED_TOTAL;
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
    private final List<FlowControlledHandler<?, ?>> handlers = new ArrayList<>();
    private final ConnectionGate gate;
    private final ChunkBudget chunks;
    private final ReceiveBudget receive;
    private final DeviceLabels labels;
    private final DeviceBinding binding;
    private TlsReloader tls;
    /**
     * gRPC's callbacks (a stream opens, a message arrives) run on the transport thread that read them:
     * they only queue the message for a decode worker and ask for the next, less work than handing
     * them to a thread of their own (the profile showed that thread at 8% of the collector's CPU).
     * Not {@code directExecutor()}: gRPC then runs callbacks through an executor that logs and
     * swallows every Throwable, an OutOfMemoryError while parsing a message included, and the
     * collector would carry on half-dead; here such an error halts it ({@link FatalErrors}).
     */
    private static final Executor INLINE = r -> {
        try {
            r.run();
        } catch (VirtualMachineError e) {
            FatalErrors.haltIfFatal(Thread.currentThread(), e);
            throw e;
        }
    };
    private ScheduledExecutorService timer;
    private Server server;
    private boolean stopped;

    public DialoutServer(DialoutConfig config, Metrics metrics) {
        this.config = config;
        this.metrics = metrics;
        int workers = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        this.pool = new DecodePool(workers, config.queueMaxBytes(), metrics);
        metrics.describe(DialoutMetrics.DIALOUT_STREAMS, Metrics.Type.GAUGE, "Open dial-out streams");
        metrics.describe(DialoutMetrics.DIALOUT_STREAMS_TOTAL, Metrics.Type.COUNTER, "Dial-out streams opened");
        metrics.describe(DialoutMetrics.DIALOUT_STREAMS_CLOSED_TOTAL, Metrics.Type.COUNTER,
                "Dial-out streams closed, by gRPC status code");
        metrics.describe(DialoutMetrics.DIALOUT_UNKNOWN_METHOD_TOTAL, Metrics.Type.COUNTER,
                "Calls to a gRPC method no dial-out protocol serves (answered UNIMPLEMENTED)");
        metrics.describe(DialoutMetrics.DECODE_ERRORS_TOTAL, Metrics.Type.COUNTER,
                "Dial-out messages that could not be decoded, by reason");
        metrics.gauge(DialoutMetrics.DIALOUT_STREAMS, activeStreams::get);
        metrics.describe(REJECTED, Metrics.Type.COUNTER,
                "Dial-out connections or streams refused: allowlist (peer not allowed), tls (handshake failed:"
                        + " no or untrusted certificate, not TLS), max_streams, max_streams_per_peer, receive_buffer (the"
                        + " stream holding the largest unfinished message when all of them passed limits.receive-buffer),"
                        + " and on the plaintext port tls_on_plaintext (a TLS ClientHello), http1 (an HTTP/1 request,"
                        + " answered 400), not_http2 (first bytes not the HTTP/2 preface), protocol_error (an HTTP/2"
                        + " connection error after the preface: GOAWAY with an error code); with"
                        + " proxy-protocol.trusted, proxy_header (a trusted balancer sent no valid PROXY header in time)"
                        + " and proxy_untrusted (a PROXY header from any other peer)");
        metrics.describe(IDLE_CLOSED, Metrics.Type.COUNTER,
                "Dial-out streams closed after no message for teleflux.dialout.limits.idle-timeout");
        DialoutConfig.Limits limits = config.limits();
        this.streamLimit = new FlowControlledHandler.StreamLimit(config.maxStreams(), limits.maxStreamsPerPeer(),
                metrics.counter(REJECTED, "reason", "max_streams"), metrics.counter(REJECTED, "reason", "max_streams_per_peer"));
        metrics.counter(IDLE_CLOSED);
        this.gate = new ConnectionGate(config.allow(), config.proxyProtocol(), metrics);
        this.chunks = new ChunkBudget(limits.chunkBuffer());
        this.receive = new ReceiveBudget(limits.receiveBuffer());
        metrics.describe(DialoutMetrics.DIALOUT_RECEIVE_BUFFER_BYTES, Metrics.Type.GAUGE,
                "Bytes of dial-out messages still arriving, all streams (limit: limits.receive-buffer)");
        metrics.gauge(DialoutMetrics.DIALOUT_RECEIVE_BUFFER_BYTES, receive::used);
        metrics.counter(REJECTED, "reason", "receive_buffer");
        metrics.describe(DialoutMetrics.DIALOUT_CHUNK_BUFFER_BYTES, Metrics.Type.GAUGE,
                "Bytes of chunk fragments held for incomplete samples, all streams (limit: limits.chunk-buffer)");
        metrics.gauge(DialoutMetrics.DIALOUT_CHUNK_BUFFER_BYTES, chunks::used);
        this.labels = new DeviceLabels(metrics, limits.maxDeviceLabels(), limits.maxDeviceLabelsPerPeer(),
                limits.deviceLabelExpiry().toMillis());
        this.binding = config.requireDeviceNameMatch() ? new DeviceBinding(metrics) : null;
    }

    /** What the protocols registered on this server share, with points going to {@code sink} through the limits. */
    public DialoutContext context(PointSink sink) {
        return new DialoutContext(new PointGuard(sink, config.limits(), metrics), metrics, config, chunks, labels, binding,
                System::currentTimeMillis);
    }

    /** Registers a vendor protocol on all its method names; call before {@link #start()}. */
    public <Q, R> DialoutServer register(DialoutProtocol<Q, R> protocol) {
        FlowControlledHandler<Q, R> handler = new FlowControlledHandler<>(protocol, pool, metrics, streamLimit);
        handlers.add(handler);
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

    @Override
    public String name() {
        return "dialout";
    }

    /** Binds {@code teleflux.dialout.listen}; a port in use is an error naming the key. */
    @Override
    public void start() throws IOException {
        try {
            startServer();
        } catch (IOException e) {
            throw BindFailure.of("the dial-out listener", config.listen().host() + ":" + config.listen().port(),
                    "teleflux.dialout.listen", e);
        }
    }

    private void startServer() throws IOException {
        if (config.tls().enabled()) {
            tls = new TlsReloader(config.tls(), gate::useTls);
        }
        DialoutConfig.Limits limits = config.limits();
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
                .maxConcurrentCallsPerConnection(limits.maxStreamsPerConnection())
                .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxRstFramesPerWindow(limits.maxResets(), (int) Math.max(1, limits.resetWindow().toSeconds()))
                .executor(INLINE)
                .fallbackHandlerRegistry(new UnknownMethods())
                .addStreamTracerFactory(new StreamCounter())
                .addTransportFilter(new ConnectionGate.ProxiedPeer());
        if (!limits.idleTimeout().isZero()) {
            // a connection that has had no stream this long is not a device at work
            b.maxConnectionIdle(limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
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
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("dialout-timer").factory());
        long idleNanos = limits.idleTimeout().toNanos();
        timer.scheduleWithFixedDelay(() -> {
            try {
                chunks.sweep(System.currentTimeMillis());
                if (idleNanos > 0) {
                    long now = System.nanoTime();
                    for (FlowControlledHandler<?, ?> h : handlers) {
                        h.closeIdle(now, idleNanos);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("dial-out timer: {}", e.toString(), e); // a failed sweep must not end the schedule
            }
        }, 1, 1, TimeUnit.SECONDS);
        LOG.info("dial-out listening on {} ({}, max message {} bytes, max streams {}{}{})", config.listen().host() + ":" + port(),
                tls != null ? "TLS" : "plaintext", config.maxMessageSize(), config.maxStreams(),
                config.allow().isEmpty() ? "" : ", allow " + config.allow(),
                config.proxyProtocol().trusted().isEmpty() ? ""
                        : ", PROXY protocol from " + config.proxyProtocol().trusted());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting streams, lets open ones end for up to {@code graceMillis}, then decodes what was received. */
    public void stop(long graceMillis) throws InterruptedException {
        if (server == null || stopped) {
            return;
        }
        stopped = true;
        server.shutdown();
        if (timer != null) {
            timer.shutdownNow();
        }
        if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
            server.awaitTermination(2, TimeUnit.SECONDS);
        }
        if (tls != null) {
            tls.close();
        }
        pool.close();
        pool.awaitTermination(graceMillis);
    }

    @Override
    public void close() throws InterruptedException {
        stop(5_000);
    }

    /** stop() may wait its grace twice (streams, then decoding): a fifth of the timeout each. */
    @Override
    public void close(Duration timeout) throws InterruptedException {
        stop(Math.max(100, Math.min(5_000, timeout.toMillis() / 5)));
    }

    /**
     * Counts stream ends by status. A message over the limit ends its stream with RESOURCE_EXHAUSTED,
     * except a compressed one: gRPC finds it too large while decompressing inside the parser and ends
     * the stream as UNKNOWN, with the RESOURCE_EXHAUSTED error as the cause.
     */
    private final class StreamCounter extends ServerStreamTracer.Factory {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            activeStreams.incrementAndGet();
            ReceiveBudget.Slot slot = receive.open();
            return new ServerStreamTracer() {
                @Override
                public Context filterContext(Context context) {
                    return context.withValue(ReceiveBudget.SLOT, slot);
                }

                @Override
                public void inboundWireSize(long bytes) {
                    receive.add(slot, bytes);
                }

                @Override
                public void inboundMessageRead(int seqNo, long optionalWireSize, long optionalUncompressedSize) {
                    receive.messageDone(slot);
                }

                @Override
                public void streamClosed(Status status) {
                    receive.closed(slot);
                    activeStreams.decrementAndGet();
                    metrics.counter(DialoutMetrics.DIALOUT_STREAMS_CLOSED_TOTAL, "code", status.getCode().name()).inc();
                    String why = status.getDescription();
                    boolean refusedByUs = FlowControlledHandler.TOO_MANY_STREAMS.equals(why)
                            || FlowControlledHandler.TOO_MANY_FROM_PEER.equals(why)
                            || FlowControlledHandler.RECEIVE_BUFFER_FULL.equals(why);
                    if ((status.getCode() == Status.Code.RESOURCE_EXHAUSTED && !refusedByUs) || tooLargeCause(status)) {
                        metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "message_too_large").inc();
                        RL.warn("too_large", "dial-out stream {} closed: message over teleflux.dialout.max-message-size"
                                + " ({} bytes): {}", fullMethodName, config.maxMessageSize(), why);
                    }
                }
            };
        }
    }

    private static boolean tooLargeCause(Status status) {
        if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            return false;
        }
        Throwable t = status.getCause();
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                return true;
            }
        }
        return false;
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
                metrics.counter(DialoutMetrics.DIALOUT_UNKNOWN_METHOD_TOTAL, "method", label).inc();
                metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "unknown_method").inc();
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
