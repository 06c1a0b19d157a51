package io.teleflux.sim.gnmi;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.gnmi.CapabilityRequest;
import io.teleflux.proto.gnmi.CapabilityResponse;
import io.teleflux.proto.gnmi.Encoding;
import io.teleflux.proto.gnmi.ModelData;
import io.teleflux.proto.gnmi.SubscribeRequest;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.gNMIGrpc;
import io.teleflux.selfmon.RateLimitedLog;
import io.teleflux.sim.CounterModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Devices {@code 0..devices-1} of a {@link CounterModel} as gNMI targets behind one gRPC server.
 *
 * <ul>
 *   <li>{@code Capabilities}: openconfig-interfaces, openconfig-if-ethernet, openconfig-platform;
 *       encodings PROTO and JSON_IETF; gNMI 0.8.0.</li>
 *   <li>{@code Subscribe}: one SubscriptionList per stream, STREAM or ONCE;
 *       {@code prefix.target} names the device (may be empty when there is one device). See
 *       {@link SubscriptionPlan} for what is accepted and {@link OcLeaf} for what is served.</li>
 *   <li>Optionally TLS, and {@code username}/{@code password} call metadata
 *       (UNAUTHENTICATED without them).</li>
 * </ul>
 *
 * <pre>{@code
 * try (GnmiSimulator sim = new GnmiSimulator(model, 3, GnmiSettings.plaintext("127.0.0.1", 0, Duration.ofSeconds(1)))) {
 *     sim.start();
 *     int port = sim.port();   // gnmic -a 127.0.0.1:<port> --insecure --target sim-0002 subscribe --path /interfaces
 * }
 * }</pre>
 */
public final class GnmiSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GnmiSimulator.class);
    static final String GNMI_VERSION = "0.8.0";
    static final Metadata.Key<String> USERNAME = Metadata.Key.of("username", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PASSWORD = Metadata.Key.of("password", Metadata.ASCII_STRING_MARSHALLER);
    static final CapabilityResponse CAPABILITIES = CapabilityResponse.newBuilder()
            .addSupportedModels(model("openconfig-interfaces", "3.0.0"))
            .addSupportedModels(model("openconfig-if-ethernet", "2.11.0"))
            .addSupportedModels(model("openconfig-platform", "0.21.0"))
            .addSupportedEncodings(Encoding.PROTO)
            .addSupportedEncodings(Encoding.JSON_IETF)
            .setGNMIVersion(GNMI_VERSION)
            .build();

    private final CounterModel model;
    private final int devices;
    private final GnmiSettings settings;
    private final SubscriptionPlan.Served served;
    private final Set<SubscribeStream> streams = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog log = new RateLimitedLog(LOG, 10_000);
    private ScheduledThreadPoolExecutor scheduler;
    private ExecutorService callbacks;
    private Server server;
    private boolean started;
    private volatile boolean closed;

    final LongAdder subscribed = new LongAdder();
    final LongAdder notifications = new LongAdder();
    final LongAdder updates = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder authFailures = new LongAdder();

    /** @param devices how many of the model's devices are served (0..devices-1) */
    public GnmiSimulator(CounterModel model, int devices, GnmiSettings settings) {
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, got " + devices);
        }
        this.model = model;
        this.devices = devices;
        this.settings = settings;
        this.served = new SubscriptionPlan.Served(model, devices, settings.interval().toMillis(),
                GnmiSettings.MIN_INTERVAL.toMillis());
    }

    public CounterModel model() {
        return model;
    }

    /** Binds the address and starts serving; throws if it cannot be bound or the TLS files are unusable. */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("simulator is closed");
        }
        if (started) {
            return;
        }
        started = true;
        int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        scheduler = new ScheduledThreadPoolExecutor(threads, Thread.ofPlatform().name("sim-gnmi-", 1).daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        callbacks = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("sim-gnmi-grpc-", 1).daemon().factory());
        try {
            NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
                    .executor(callbacks)
                    .addService(ServerInterceptors.intercept(new Service(), new Credentials()));
            if (settings.tls()) {
                b.sslContext(sslContext());
            }
            server = b.build().start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("serving gNMI for {} devices x {} interfaces on tcp:{}:{} ({}{})", devices,
                model.interfacesPerDevice(), settings.host(), port(), settings.tls() ? "TLS" : "plaintext",
                settings.username() == null ? "" : ", username/password required");
    }

    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() throws IOException {
        try {
            return GrpcSslContexts.forServer(settings.tlsCert().toFile(), settings.tlsKey().toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot load the gNMI TLS certificate or key: " + e.getMessage(), e);
        }
    }

    /** The bound TCP port (the actual one when 0 was asked for). */
    public int port() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("call start() first");
        }
        return s.getPort();
    }

    public GnmiStats stats() {
        return new GnmiStats(streams.size(), subscribed.sum(), notifications.sum(), updates.sum(), skipped.sum(),
                rejected.sum(), authFailures.sum());
    }

    /** Ends every stream with UNAVAILABLE (as a target that goes away), stops the server and all threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (SubscribeStream s : streams) {
            s.shutdown(Status.UNAVAILABLE.withDescription("the simulator is stopping"));
        }
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (callbacks != null) {
            callbacks.shutdownNow();
        }
    }

    SubscriptionPlan.Served served() {
        return served;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void opened(SubscribeStream s, SubscriptionPlan plan) {
        streams.add(s);
        subscribed.increment();
        if (closed) {
            s.shutdown(Status.UNAVAILABLE.withDescription("the simulator is stopping"));
        }
        if (!plan.unmatched.isEmpty()) {
            log.warn("unmatched " + plan.unmatched, "gNMI subscription for {}: {} select nothing this simulator"
                    + " serves; served: /interfaces/interface/state, .../ethernet/state,"
                    + " /components/component[name={}]/cpu and .../state/memory", plan.target, plan.unmatched,
                    OcLeaf.COMPONENT_NAME);
        }
    }

    void closed(SubscribeStream s) {
        streams.remove(s);
    }

    void rejected(Status status) {
        rejected.increment();
        log.warn("rejected " + status.getCode(), "gNMI Subscribe refused: {} {}", status.getCode(),
                status.getDescription());
    }

    void streamFailed(SubscriptionPlan plan, RuntimeException e) {
        log.warn("failed", "gNMI stream for {} ended: {}", plan == null ? "?" : plan.target, e.toString());
    }

    private static ModelData model(String name, String version) {
        return ModelData.newBuilder().setName(name).setOrganization("OpenConfig working group").setVersion(version)
                .build();
    }

    private final class Service extends gNMIGrpc.gNMIImplBase {
        @Override
        public void capabilities(CapabilityRequest request, StreamObserver<CapabilityResponse> out) {
            out.onNext(CAPABILITIES);
            out.onCompleted();
        }

        @Override
        public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> out) {
            return new SubscribeStream(GnmiSimulator.this, (ServerCallStreamObserver<SubscribeResponse>) out);
        }
    }

    /** Refuses calls without the configured username/password metadata; lets every call through when none is configured. */
    private final class Credentials implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            if (settings.username() == null || (same(headers.get(USERNAME), settings.username())
                    & same(headers.get(PASSWORD), settings.password()))) {
                return next.startCall(call, headers);
            }
            authFailures.increment();
            // never says which of the two was wrong, nor what was sent
            log.warn("auth", "gNMI call {} refused: username/password metadata missing or wrong",
                    call.getMethodDescriptor().getFullMethodName());
            call.close(Status.UNAUTHENTICATED.withDescription("username/password metadata missing or wrong"),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }

        private static boolean same(String given, String expected) {
            return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8));
        }
    }
}
