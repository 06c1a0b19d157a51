package io.teleflux.gnmi;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.point.Schema;
import io.teleflux.proto.gnmi.CapabilityRequest;
import io.teleflux.proto.gnmi.CapabilityResponse;
import io.teleflux.proto.gnmi.Notification;
import io.teleflux.proto.gnmi.SubscribeRequest;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.gNMIGrpc;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One target: dial, ask Capabilities, Subscribe, read the stream until it ends, wait, dial
 * again; on its own virtual thread, with its own channel, so that nothing about one target can
 * delay another.
 *
 * <p>Flow control: the stream asks gRPC for one message at a time, and for the next one only
 * when it has taken the last off its queue; so at most two messages of a target are held (one
 * being mapped and handed on, one arriving), and while the pipeline blocks the target's HTTP/2
 * window fills and it stops sending.
 *
 * <p>Logging: one line per change of state (connected, lost or failed and why), not one per
 * attempt; a target whose streams keep ending soon after they start is logged once, then counted
 * ({@code teleflux_gnmi_reconnects_total}, {@code teleflux_gnmi_errors_total}) until it has stayed up
 * for {@link #STABLE_MS}.
 */
final class TargetSession {
    private static final Logger LOG = LoggerFactory.getLogger(TargetSession.class);
    private static final RateLimitedLog RL = new RateLimitedLog(LOG, 60_000);
    /** A stream up this long is stable: the backoff starts again from its initial delay, and flapping ends. */
    static final long STABLE_MS = 60_000;
    /** A {@code device} point with the target's address, when a stream starts and this often after. */
    static final long DEVICE_INFO_EVERY_MS = 300_000;
    /** HTTP/2 receive window: fixed (no auto-tuning pings), and what one target can make us buffer. */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;
    static final Metadata.Key<String> USERNAME = Metadata.Key.of("username", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PASSWORD = Metadata.Key.of("password", Metadata.ASCII_STRING_MARSHALLER);
    private static final String UP = "up";
    private static final Set<Status.Code> REFUSALS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.UNIMPLEMENTED,
            Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE);

    private final GnmiTarget t;
    private final GnmiConfig cfg;
    private final SslContext ssl;
    private final Executor executor;
    private final PointSink sink;
    private final GnmiMetrics.Target m;
    private final LongSupplier clock;
    private final NotificationMapper mapper;
    private final NotificationMapper.Issues issues;
    private final ClientInterceptor credentials;

    private volatile boolean closed;
    private volatile Thread thread;
    private volatile Throwable died;
    private volatile ManagedChannel channel;
    private volatile ClientCallStreamObserver<SubscribeRequest> call;
    /** When the notification being handed on was taken (System ms), 0 when none is. */
    private volatile long busySinceMs;

    // the session thread's own state
    private boolean sampleOnly;
    private String logged;
    private String lastLossReason;
    private boolean lastLossShort;
    private long lastDeviceInfoMs;
    private long lastDeleteLogMs;
    private boolean syncLogged;

    TargetSession(GnmiTarget t, GnmiConfig cfg, SslContext ssl, Executor executor, PointSink sink,
                  GnmiMetrics.Target metrics, LongSupplier clock) {
        this.t = t;
        this.cfg = cfg;
        this.ssl = ssl;
        this.executor = executor;
        this.sink = sink;
        this.m = metrics;
        this.clock = clock;
        this.mapper = new NotificationMapper(t.name(), cfg.limits(), clock);
        this.issues = (reason, detail) -> {
            m.error(reason);
            RL.warn(t.name() + '\u0000' + reason, "gNMI {}: {} ({}; counted in {} reason={})", t.name(), detail,
                    reason, GnmiMetrics.ERRORS, reason);
        };
        if (t.username().isEmpty()) {
            this.credentials = null;
        } else {
            Metadata md = new Metadata();
            md.put(USERNAME, t.username());
            md.put(PASSWORD, t.password().reveal());
            this.credentials = MetadataUtils.newAttachHeadersInterceptor(md);
        }
    }

    String name() {
        return t.name();
    }

    void start() {
        thread = Thread.ofVirtual().name("gnmi-" + t.name()).start(this::run);
    }

    /** Asks the session to end: the stream is cancelled, the channel closed, the thread interrupted. */
    void stop() {
        closed = true;
        ClientCallStreamObserver<SubscribeRequest> c = call;
        if (c != null) {
            c.cancel("the collector is stopping", null);
        }
        ManagedChannel ch = channel;
        if (ch != null) {
            ch.shutdownNow();
        }
        Thread th = thread;
        if (th != null) {
            th.interrupt();
        }
    }

    /** Waits up to {@code ms} for the session's thread to end; whether it has. */
    boolean join(long ms) throws InterruptedException {
        Thread th = thread;
        return th == null || th.join(java.time.Duration.ofMillis(Math.max(1, ms)));
    }

    /** Why a restart would help, or null: the thread died, or one notification has been handed on for too long. */
    String problem(long stallMs, boolean holdingBack) {
        Throwable d = died;
        if (d != null) {
            return "the session of gNMI target " + t.name() + " has ended: " + d;
        }
        long busy = busySinceMs;
        long now = System.currentTimeMillis();
        if (busy > 0 && now - busy > stallMs && !holdingBack) {
            return "gNMI target " + t.name() + ": one notification has been in processing for " + (now - busy) / 1000 + " s";
        }
        return null;
    }

    private void run() {
        int failures = 0;
        boolean first = true;
        try {
            while (!closed) {
                if (!first) {
                    m.reconnects.inc();
                }
                first = false;
                boolean stable = attempt();
                if (closed) {
                    return;
                }
                failures = stable ? 1 : failures + 1;
                Thread.sleep(cfg.redial().delayMs(failures, ThreadLocalRandom.current().nextDouble()));
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (Throwable e) {
            if (!closed) {
                died = e;
                LOG.error("gNMI {}: the session has stopped on an unexpected error; /health reports it", t.name(), e);
            }
        } finally {
            m.connected.set(0);
        }
    }

    private ManagedChannel newChannel() {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(t.address().host(), t.address().port())
                .executor(executor)
                .disableRetry() // a Subscribe is never replayed: the session redials instead
                .maxInboundMessageSize(cfg.maxMessageSize())
                .maxInboundMetadataSize(64 * 1024)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        cfg.connectTimeout().toMillis()))
                .userAgent("teleflux-gnmi");
        if (ssl == null) {
            b.usePlaintext();
        } else {
            b.sslContext(ssl);
            if (!t.tls().serverName().isEmpty()) {
                b.overrideAuthority(t.tls().serverName());
            }
        }
        if (credentials != null) {
            b.intercept(credentials);
        }
        return b.build();
    }

    /** One dial: Capabilities, then the stream until it ends. Returns whether the stream stayed up {@link #STABLE_MS}. */
    private boolean attempt() throws InterruptedException {
        ManagedChannel ch = newChannel();
        channel = ch;
        try {
            if (closed) {
                return false;
            }
            CapabilityResponse caps;
            try {
                caps = gNMIGrpc.newBlockingStub(ch).withDeadlineAfter(cfg.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .capabilities(CapabilityRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                    String reason = connectReason(e.getStatus(), "capabilities");
                    down(reason, "Capabilities failed: " + describe(e.getStatus()), -1);
                    return false;
                }
                caps = null; // a target without Capabilities: subscribe to the defaults, encoding as configured
            }
            return stream(ch, caps, Subscriptions.plan(t, caps, sampleOnly));
        } finally {
            channel = null;
            call = null;
            ch.shutdownNow();
        }
    }

    private boolean stream(ManagedChannel ch, CapabilityResponse caps, Subscriptions.Plan plan)
            throws InterruptedException {
        BlockingQueue<Object> q = new LinkedBlockingQueue<>();
        ClientResponseObserver<SubscribeRequest, SubscribeResponse> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requests) {
                requests.disableAutoRequestWithInitial(1);
                call = requests;
            }

            @Override
            public void onNext(SubscribeResponse r) {
                q.add(r);
            }

            @Override
            public void onError(Throwable e) {
                q.add(Status.fromThrowable(e));
            }

            @Override
            public void onCompleted() {
                q.add(Status.OK);
            }
        };
        StreamObserver<SubscribeRequest> requests = gNMIGrpc.newStub(ch).subscribe(responses);
        requests.onNext(plan.request()); // the request stream stays open: some targets end a half-closed subscription
        long idleMs = cfg.idleTimeoutFor(t, plan.anySampled()).toMillis();
        long upSince = -1;
        boolean stableSaid = false;
        while (true) {
            Object o = idleMs > 0 ? q.poll(idleMs, TimeUnit.MILLISECONDS) : q.take();
            if (closed) {
                return false;
            }
            long now = System.currentTimeMillis();
            if (o == null) {
                call.cancel("no message for " + idleMs + " ms", null);
                down("idle", "no message for " + idleMs / 1000 + " s (teleflux.gnmi.idle-timeout)", upSince < 0 ? -1 : now - upSince);
                return upSince >= 0 && now - upSince >= STABLE_MS;
            }
            if (o instanceof SubscribeResponse r) {
                call.request(1); // the next one may arrive while this one is handed on
                if (upSince < 0) {
                    upSince = now;
                    up(caps, plan);
                } else if (!stableSaid && now - upSince >= STABLE_MS) {
                    stableSaid = true;
                    stable();
                }
                handle(r);
                continue;
            }
            Status s = (Status) o;
            if (upSince < 0) {
                String reason = s.isOk() ? "stream_closed" : REFUSALS.contains(s.getCode()) ? "rejected"
                        : connectReason(s, "stream_error");
                if (reason.equals("rejected") && plan.anyOnChange() && t.stateMode() == GnmiTarget.StateMode.AUTO) {
                    sampleOnly = true;
                    LOG.info("gNMI {}: the target refused the subscription ({}); ON_CHANGE may be what it does not "
                            + "take: state leaves are sampled every {} s from now on", t.name(), describe(s),
                            t.sampleInterval().toSeconds());
                }
                down(reason, "Subscribe " + (s.isOk() ? "ended by the target before any answer" : "failed: " + describe(s)), -1);
                return false;
            }
            long upMs = now - upSince;
            String reason = s.isOk() ? "stream_closed" : authOr(s, "stream_error");
            down(reason, (s.isOk() ? "the target ended the stream" : "stream lost: " + describe(s))
                    + " after " + upMs / 1000 + " s", upMs);
            return upMs >= STABLE_MS;
        }
    }

    @SuppressWarnings("deprecation") // SubscribeResponse.error: targets of gNMI < 0.4 send it
    private void handle(SubscribeResponse r) throws InterruptedException {
        switch (r.getResponseCase()) {
            case UPDATE -> notification(r.getUpdate());
            case SYNC_RESPONSE -> {
                m.sync.inc();
                if (!syncLogged) {
                    syncLogged = true;
                    LOG.info("gNMI {}: initial sync complete (sync_response)", t.name());
                } else {
                    LOG.debug("gNMI {}: sync_response", t.name());
                }
            }
            case ERROR -> issues.issue("target_error", "the target sent an error: " + r.getError().getCode() + " "
                    + r.getError().getMessage());
            default -> LOG.debug("gNMI {}: a response with neither update nor sync_response", t.name());
        }
    }

    private void notification(Notification n) throws InterruptedException {
        long now = clock.getAsLong();
        m.notifications.inc();
        m.updates.add(n.getUpdateCount());
        m.lastUpdateMs.set(now);
        NotificationMapper.Result res = mapper.map(n, issues);
        if (res.deletes() > 0) {
            m.deletes.add(res.deletes());
            if (now - lastDeleteLogMs >= 60_000) {
                lastDeleteLogMs = now;
                List<GnmiPaths.Elem> deleted = new ArrayList<>();
                try {
                    GnmiPaths.append(n.getPrefix(), deleted);
                    GnmiPaths.append(n.getDelete(0), deleted);
                } catch (IllegalArgumentException e) {
                    // shown as far as it could be read
                }
                LOG.info("gNMI {}: the target deleted {} path(s), e.g. {}; nothing is written for a delete (counted in {})",
                        t.name(), res.deletes(), GnmiPaths.text(deleted), GnmiMetrics.DELETES);
            }
        }
        List<Point> points = res.points();
        if (now - lastDeviceInfoMs >= DEVICE_INFO_EVERY_MS) {
            lastDeviceInfoMs = now;
            List<Point> with = new ArrayList<>(points.size() + 1);
            with.add(Point.builder(Schema.DEVICE).tag(Schema.TAG_DEVICE, t.name())
                    .tag(Schema.TAG_SOURCE, Schema.SOURCE_TELEMETRY).time(res.timeMs())
                    .field(Schema.DEVICE_IP, t.address().host()).build());
            with.addAll(points);
            points = with;
        }
        if (points.isEmpty()) {
            return;
        }
        m.points.add(points.size());
        busySinceMs = System.currentTimeMillis();
        try {
            sink.accept(points);
        } finally {
            busySinceMs = 0;
        }
    }

    // ---- states, and logging them once ----

    private void up(CapabilityResponse caps, Subscriptions.Plan plan) {
        m.connected.set(1);
        lastDeviceInfoMs = 0;
        boolean flapping = lastLossShort && lastLossReason != null && lastLossReason.equals(logged);
        String what = (caps == null ? "no Capabilities (UNIMPLEMENTED)" : "gNMI " + caps.getGNMIVersion() + ", "
                + caps.getSupportedModelsCount() + " models, encodings " + caps.getSupportedEncodingsList())
                + "; subscribed with " + plan.encoding() + " to " + plan.paths().size() + " paths";
        if (flapping) {
            LOG.debug("gNMI {}: connected again; {}", t.name(), what);
            return;
        }
        syncLogged = false;
        logged = UP;
        LOG.info("gNMI {} ({}, {}): connected; {}", t.name(), t.address(), t.tls(), what);
    }

    private void stable() {
        if (!UP.equals(logged)) {
            logged = UP;
            LOG.info("gNMI {} ({}): connected and stable again ({} reconnects so far)", t.name(), t.address(),
                    m.reconnects.value());
        }
    }

    /** @param upMs how long the stream had been up, or -1 when it never was */
    private void down(String reason, String detail, long upMs) {
        m.connected.set(0);
        m.error(reason);
        lastLossShort = upMs >= 0 && upMs < STABLE_MS;
        lastLossReason = reason;
        if (reason.equals(logged)) {
            LOG.debug("gNMI {}: {} ({})", t.name(), detail, reason);
            return;
        }
        logged = reason;
        String hint = switch (reason) {
            case "auth" -> ": authentication failed, check username and password";
            case "tls" -> ": TLS failed, check tls.ca-file, tls.server-name and the client certificate"
                    + " (tls.cert-file: a target that requires one closes the connection without saying why)";
            case "unreachable" -> ": cannot connect";
            default -> "";
        };
        LOG.warn("gNMI {} ({}, {}): {}{}; redialling with backoff (not logged again until this changes; counted in {} reason={})",
                t.name(), t.address(), t.tls(), detail, hint, GnmiMetrics.ERRORS, reason);
    }

    // ---- classifying failures ----

    private String connectReason(Status s, String otherwise) {
        return switch (s.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> "auth";
            case DEADLINE_EXCEEDED -> "timeout";
            case UNAVAILABLE -> tls(s.getCause()) || tls(s.getDescription()) || closedAfterHandshake(s) ? "tls" : "unreachable";
            default -> otherwise;
        };
    }

    /**
     * With TLS 1.3 the client's handshake is over before the target has judged the client's
     * certificate; a target that refuses it (none, or not from its CA) then just closes the
     * connection, and gRPC says "Network closed for unknown reason". On a TLS channel, before any
     * answer, that is read as a TLS failure.
     */
    private boolean closedAfterHandshake(Status s) {
        return ssl != null && s.getDescription() != null && s.getDescription().contains("Network closed for unknown reason");
    }

    private static String authOr(Status s, String otherwise) {
        return s.getCode() == Status.Code.UNAUTHENTICATED || s.getCode() == Status.Code.PERMISSION_DENIED ? "auth" : otherwise;
    }

    private static boolean tls(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException
                    || c.getClass().getName().contains("Ssl") || tls(c.getMessage())) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static boolean tls(String message) {
        if (message == null) {
            return false;
        }
        String l = message.toLowerCase(java.util.Locale.ROOT);
        return l.contains("ssl") || l.contains("tls") || l.contains("handshake") || l.contains("certificate");
    }

    static String describe(Status s) {
        StringBuilder sb = new StringBuilder(s.getCode().name());
        if (s.getDescription() != null) {
            sb.append(": ").append(s.getDescription());
        }
        Throwable root = s.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && (s.getDescription() == null
                || !s.getDescription().contains(root.getMessage()))) {
            sb.append(" (").append(root.getMessage()).append(')');
        }
        return sb.toString();
    }
}
