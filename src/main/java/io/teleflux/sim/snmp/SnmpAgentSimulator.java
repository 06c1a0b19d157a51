package io.teleflux.sim.snmp;

import io.teleflux.selfmon.RateLimitedLog;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.InterfaceProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcher;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.event.CounterEvent;
import org.snmp4j.event.CounterListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.DefaultCounterListener;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.MessageProcessingModel;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StateReference;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.MultiThreadedMessageDispatcher;
import org.snmp4j.util.ThreadPool;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Devices {@code 0..devices-1} of a {@link CounterModel} answering SNMP on one UDP endpoint, with
 * the counters the dial-out simulator streams for the same instant.
 *
 * <ul>
 *   <li>v2c: the community selects the device ({@code sim-0001}); any other community gets no
 *       answer, as from a real agent, so the poller sees a timeout. v1 is not spoken.</li>
 *   <li>v3 (USM, the configured {@link V3User}s): the context name selects the device; an unknown
 *       context gets an {@code snmpUnknownContexts} report, bad credentials the usual USM
 *       reports.</li>
 *   <li>Served: system group (sysDescr, sysObjectID, sysUpTime since the model's boot, sysName),
 *       ifNumber, ifTable and ifXTable; GET, GETNEXT and GETBULK, every value of one response
 *       computed at the request's arrival.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SnmpAgentSimulator agent = new SnmpAgentSimulator(model, 20, "127.0.0.1", 0, List.of())) {
 *     agent.start();
 *     int port = agent.port();     // snmpget -v2c -c sim-0001 127.0.0.1:<port> 1.3.6.1.2.1.1.5.0
 * }
 * }</pre>
 */
public final class SnmpAgentSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpAgentSimulator.class);
    /** Largest response message: what fits one UDP datagram, with room to spare. */
    static final int MAX_MESSAGE = 65_000;
    /**
     * Room, beyond the variable bindings, for the message and PDU headers (version, request ID,
     * error fields, sequence headers, v3 scoped-PDU and encryption padding); community or context
     * lengths are added per request.
     */
    static final int ENVELOPE = 96;
    private static final Set<OID> AUTH_FAILURES = Set.of(SnmpConstants.usmStatsUnknownUserNames,
            SnmpConstants.usmStatsWrongDigests, SnmpConstants.usmStatsDecryptionErrors,
            SnmpConstants.usmStatsUnsupportedSecLevels);
    /** 2020-01-01T00:00:00Z: engine boots count seconds from here, so a restart always increases them. */
    private static final long BOOTS_EPOCH_SEC = 1_577_836_800L;

    private final CounterModel model;
    private final LongSupplier clock;
    private final int devices;
    private final String host;
    private final int requestedPort;
    private final List<V3User> users;
    private final int workers;
    private final byte[] prefix;
    private byte[] communityPrefix = new byte[0];
    private volatile RequestListener requestListener;
    private final byte[][] deviceNames;
    private final OidLayout[] layoutByDevice;
    private final ConcurrentHashMap<List<Integer>, OidLayout> layouts = new ConcurrentHashMap<>();
    private final DeviceInstant.Texts texts = new DeviceInstant.Texts();
    private final ThreadLocal<Worker> worker;
    private final RateLimitedLog log = new RateLimitedLog(LOG, 10_000);

    private final LongAdder requests = new LongAdder();
    private final LongAdder varbinds = new LongAdder();
    private final LongAdder unknownCommunity = new LongAdder();
    private final LongAdder unknownContext = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder tooBig = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private DefaultUdpTransportMapping transport;
    private ThreadPool pool;
    private MultiThreadedMessageDispatcher dispatcher;
    private MPv3 mpv3;
    private boolean started;
    private volatile boolean closed;

    /** One worker thread's reusable response state. */
    private static final class Worker {
        final MibResponder.Scratch scratch;
        final PDU pdu = new PDU();
        final ScopedPDU scoped = new ScopedPDU();

        Worker(DeviceInstant view) {
            this.scratch = new MibResponder.Scratch(view);
        }
    }

    /**
     * @param devices how many of the model's devices answer (0..devices-1)
     * @param host    the address to bind (only this one)
     * @param port    the UDP port, 0 for any free one (see {@link #port()})
     * @param users   SNMPv3 users; empty: v3 requests get unknown-user reports
     */
    public SnmpAgentSimulator(CounterModel model, int devices, String host, int port, List<V3User> users) {
        this(model, devices, host, port, users, System::currentTimeMillis);
    }

    /**
     * @param clock the model time (epoch ms) an answer's counters are computed at: the wall clock
     *              normally, a replayed clock where a test walks the model through the past
     */
    public SnmpAgentSimulator(CounterModel model, int devices, String host, int port, List<V3User> users,
                              LongSupplier clock) {
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, got " + devices);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0-65535, got " + port);
        }
        this.model = model;
        this.clock = clock;
        this.devices = devices;
        this.host = host;
        this.requestedPort = port;
        this.users = List.copyOf(users);
        this.workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.prefix = model.devicePrefix().getBytes(StandardCharsets.UTF_8);
        this.deviceNames = new byte[devices][];
        for (int d = 0; d < devices; d++) {
            deviceNames[d] = model.deviceName(d).getBytes(StandardCharsets.UTF_8);
        }
        this.layoutByDevice = new OidLayout[devices];
        this.worker = ThreadLocal.withInitial(() -> new Worker(new DeviceInstant(model, texts)));
    }

    public CounterModel model() {
        return model;
    }

    public int devices() {
        return devices;
    }

    /** Binds the UDP socket and starts answering; throws if the address cannot be bound. */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("agent is closed");
        }
        if (started) {
            return;
        }
        started = true;
        try {
            MPv3 v3 = v3();
            transport = new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getByName(host), requestedPort),
                    false);
            int port = transport.getListenAddress().getPort();
            transport.setThreadName("snmp-sim-listen-" + port);
            transport.setReceiveBufferSize(4 << 20);
            pool = ThreadPool.create("snmp-sim-" + port, workers);
            dispatcher = new MultiThreadedMessageDispatcher(pool, new MessageDispatcherImpl());
            dispatcher.addMessageProcessingModel(new MPv2c());
            dispatcher.addMessageProcessingModel(v3);
            dispatcher.addTransportMapping(transport);
            dispatcher.addCommandResponder(new Responder());
            transport.addTransportListener(dispatcher);
            transport.listen();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("answering SNMP v2c/v3 for {} devices x {} interfaces on udp:{}:{} ({} v3 users)", devices,
                model.interfacesPerDevice(), host, port(), users.size());
    }

    /** USM with the configured users, this agent's own protocol set and counters (nothing JVM-global). */
    private MPv3 v3() {
        byte[] engineId = MPv3.createLocalEngineID(new OctetString("teleflux-sim"));
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        for (V3User.Auth a : V3User.Auth.values()) {
            protocols.addAuthenticationProtocol(a.protocol());
        }
        for (V3User.Priv p : V3User.Priv.values()) {
            protocols.addPrivacyProtocol(p.protocol());
        }
        CounterSupport counters = new CounterSupport();
        // fills in the counter values that USM reports carry
        counters.addCounterListener(new DefaultCounterListener());
        counters.addCounterListener(new UsmFailureCounter());
        int boots = (int) Math.max(1, System.currentTimeMillis() / 1000 - BOOTS_EPOCH_SEC);
        USM usm = new USM(protocols, new OctetString(engineId), boots, counters);
        for (V3User u : users) {
            usm.addUser(new UsmUser(new OctetString(u.name()), u.auth().protocol().getID(),
                    new OctetString(u.authPassphrase()), u.priv() == null ? null : u.priv().protocol().getID(),
                    u.priv() == null ? null : new OctetString(u.privPassphrase())));
        }
        mpv3 = new ReportingMPv3(engineId, protocols, SecurityModels.getCollection(new SecurityModel[]{usm}),
                counters);
        return mpv3;
    }

    /** The bound UDP port (the actual one when 0 was asked for). */
    public int port() {
        DefaultUdpTransportMapping t = transport;
        if (t == null) {
            throw new IllegalStateException("call start() first");
        }
        return t.getListenAddress().getPort();
    }

    public SnmpAgentStats stats() {
        return new SnmpAgentStats(requests.sum(), varbinds.sum(), unknownCommunity.sum(), unknownContext.sum(),
                authFailures.sum(), tooBig.sum(), failures.sum());
    }

    /** Stops answering and releases the socket and all threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (transport != null) {
                transport.close();
            }
        } catch (IOException e) {
            LOG.warn("closing the SNMP socket failed", e);
        } finally {
            if (dispatcher != null) {
                dispatcher.stop();
            } else if (pool != null) {
                pool.stop();
            }
        }
    }

    /**
     * v2c communities become {@code prefix} + the device name (e.g. {@code ro-sim-0001}), so that a
     * community is not also the device's name: a collector redacts secrets wherever they appear,
     * and a name equal to one would be redacted from every log line and metric. Call before start.
     */
    public SnmpAgentSimulator withCommunityPrefix(String prefix) {
        this.communityPrefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return this;
    }

    /**
     * Who asked what when, for tests and troubleshooting: called on a worker thread for each
     * request that names a device and passed the security checks, before it is answered.
     */
    @FunctionalInterface
    public interface RequestListener {
        /**
         * @param securityName the v3 user (for v2c the community, a credential: do not log it)
         * @param device       the device asked about (0-based)
         * @param timeMs       the model time of the request
         */
        void request(String securityName, int device, long timeMs);
    }

    /** Calls {@code listener} for each request answered (see {@link RequestListener}). */
    public SnmpAgentSimulator onRequest(RequestListener listener) {
        this.requestListener = listener;
        return this;
    }

    private void heard(byte[] securityName, int device, long now) {
        RequestListener l = requestListener;
        if (l != null) {
            l.request(new String(securityName, StandardCharsets.UTF_8), device, now);
        }
    }

    /** The device a v2c community names, or -1. */
    int deviceOfCommunity(byte[] community) {
        int n = communityPrefix.length;
        if (community.length <= n || !Arrays.equals(community, 0, n, communityPrefix, 0, n)) {
            return -1;
        }
        return n == 0 ? deviceIndex(community) : deviceIndex(Arrays.copyOfRange(community, n, community.length));
    }

    /** The device named by {@code name} (community or context), or -1. Allocation-free. */
    int deviceIndex(byte[] name) {
        int n = name.length - prefix.length;
        if (n <= 0 || n > 9 || !Arrays.equals(name, 0, prefix.length, prefix, 0, prefix.length)) {
            return -1;
        }
        int number = 0;
        for (int i = prefix.length; i < name.length; i++) {
            int digit = name[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            number = number * 10 + digit;
        }
        int d = number - 1;
        return d >= 0 && d < devices && Arrays.equals(name, deviceNames[d]) ? d : -1;
    }

    OidLayout layout(int device) {
        OidLayout l = layoutByDevice[device];
        if (l == null) {
            List<InterfaceProfile> ifaces = model.interfaces(device);
            List<Integer> key = ifaces.stream().map(InterfaceProfile::ifIndex).toList();
            l = layouts.computeIfAbsent(key, k -> new OidLayout(k.stream().mapToInt(Integer::intValue).toArray()));
            layoutByDevice[device] = l; // racy but idempotent; OidLayout is immutable with final fields
        }
        return l;
    }

    private final class Responder implements CommandResponder {
        @Override
        public <A extends Address> void processPdu(CommandResponderEvent<A> e) {
            long now = clock.getAsLong();
            PDU req = e.getPDU();
            if (req == null || closed) {
                return;
            }
            int type = req.getType();
            if (type != PDU.GET && type != PDU.GETNEXT && type != PDU.GETBULK && type != PDU.SET) {
                return;
            }
            try {
                if (e.getMessageProcessingModel() == MessageProcessingModel.MPv3 && req instanceof ScopedPDU sp) {
                    answerV3(e, sp, now);
                } else if (e.getMessageProcessingModel() == MessageProcessingModel.MPv2c) {
                    answerV2c(e, req, now);
                }
            } catch (RuntimeException ex) {
                failures.increment();
                log.warn("respond", "SNMP request from {} failed: {}", e.getPeerAddress(), ex.toString());
            }
        }
    }

    private <A extends Address> void answerV2c(CommandResponderEvent<A> e, PDU req, long now) {
        byte[] community = e.getSecurityName();
        int device = deviceOfCommunity(community);
        e.setProcessed(true);
        if (device < 0) {
            unknownCommunity.increment();
            // the community is a credential: say how long it was, never what
            log.warn("community", "SNMP v2c request from {} with a community ({} bytes) that names no simulated"
                    + " device; not answered", e.getPeerAddress(), community.length);
            return;
        }
        heard(community, device, now);
        Worker w = worker.get();
        answer(e, req, w.pdu, device, now, community.length);
    }

    private <A extends Address> void answerV3(CommandResponderEvent<A> e, ScopedPDU req, long now) {
        byte[] context = req.getContextName().getValue();
        int device = deviceIndex(context);
        e.setProcessed(true);
        if (e.getSecurityLevel() < requiredLevel(e.getSecurityName())) {
            authFailures.increment();
            log.warn("level", "SNMPv3 request from {} below its user's security level; authorizationError",
                    e.getPeerAddress());
            ScopedPDU denied = worker.get().scoped;
            denied.setContextEngineID(req.getContextEngineID());
            denied.setContextName(req.getContextName());
            MibResponder.deny(req, denied);
            send(e, denied, 0);
            return;
        }
        if (device < 0) {
            unknownContext.increment();
            mpv3.sendReport(e.getMessageDispatcher(), req, e.getSecurityLevel(), e.getSecurityModel(),
                    new OctetString(e.getSecurityName()), e.getMaxSizeResponsePDU(), e.getStateReference(),
                    new VariableBinding(SnmpConstants.snmpUnknownContexts, new Counter32(unknownContext.sum())));
            return;
        }
        heard(e.getSecurityName(), device, now);
        Worker w = worker.get();
        w.scoped.setContextEngineID(req.getContextEngineID());
        w.scoped.setContextName(req.getContextName());
        answer(e, req, w.scoped, device, now, context.length + req.getContextEngineID().length());
    }

    private <A extends Address> void answer(CommandResponderEvent<A> e, PDU req, PDU response, int device, long now,
                                            int nameBytes) {
        MibResponder.Scratch scratch = worker.get().scratch;
        scratch.view.reset(device, now);
        int limit = e.getMaxSizeResponsePDU() > 0 ? Math.min(e.getMaxSizeResponsePDU(), MAX_MESSAGE) : MAX_MESSAGE;
        int n = MibResponder.respond(req, layout(device), scratch, response, limit - ENVELOPE - nameBytes);
        if (n >= 0) {
            send(e, response, n);
        }
    }

    private <A extends Address> void send(CommandResponderEvent<A> e, PDU response, int n) {
        try {
            int status = e.getMessageDispatcher().returnResponsePdu(e.getMessageProcessingModel(),
                    e.getSecurityModel(), e.getSecurityName(), e.getSecurityLevel(), response,
                    e.getMaxSizeResponsePDU(), e.getStateReference(), new StatusInformation());
            if (status != SnmpConstants.SNMP_ERROR_SUCCESS) {
                failures.increment();
                log.warn("send", "SNMP response to {} not sent: status {}", e.getPeerAddress(), status);
                return;
            }
            requests.increment();
            varbinds.add(n);
            if (response.getErrorStatus() == PDU.tooBig) {
                tooBig.increment();
            }
        } catch (MessageException ex) {
            failures.increment();
            log.warn("send", "SNMP response to {} not sent: {}", e.getPeerAddress(), ex.getMessage());
        } finally {
            // drop references to the request's objects until the next request
            response.clear();
        }
    }

    /**
     * Like a VACM entry {@code rouser NAME priv} (or {@code auth}): a user may not read with less
     * security than it was configured with; USM alone would accept a noAuthNoPriv request.
     */
    private int requiredLevel(byte[] securityName) {
        for (V3User u : users) {
            if (Arrays.equals(securityName, u.name().getBytes(StandardCharsets.UTF_8))) {
                return u.priv() == null ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.AUTH_PRIV;
            }
        }
        return SecurityLevel.AUTH_PRIV;
    }

    /**
     * Sends USM error reports at noAuthNoPriv (RFC 3414 §3.2: a request that failed authentication
     * cannot get an authenticated answer, and an unknown user has no keys), except
     * notInTimeWindows, which RFC 3414 §3.2 step 7 sends authenticated so the client can resync.
     * snmp4j's own switch for this is JVM-global ({@code SNMP4JSettings}); this keeps it local.
     */
    private static final class ReportingMPv3 extends MPv3 {
        ReportingMPv3(byte[] engineId, SecurityProtocols protocols, SecurityModels models, CounterSupport counters) {
            super(engineId, null, protocols, models, counters);
        }

        @Override
        public int sendReport(MessageDispatcher dispatcher, ScopedPDU pdu, int securityLevel, int securityModel,
                              OctetString securityName, int maxSizeResponseScopedPDU,
                              StateReference<?> stateReference, VariableBinding payload) {
            int level = AUTH_FAILURES.contains(payload.getOid()) ? SecurityLevel.NOAUTH_NOPRIV : securityLevel;
            return super.sendReport(dispatcher, pdu, level, securityModel, securityName, maxSizeResponseScopedPDU,
                    stateReference, payload);
        }
    }

    /** Counts USM rejections; snmp4j itself sends the reports. */
    private final class UsmFailureCounter implements CounterListener {
        @Override
        public void incrementCounter(CounterEvent event) {
            if (AUTH_FAILURES.contains(event.getOid())) {
                authFailures.increment();
                String reason = usmReason(event.getOid());
                log.warn("usm " + reason, "SNMPv3 message rejected: {}", reason);
            }
        }
    }

    private static String usmReason(OID oid) {
        if (oid.equals(SnmpConstants.usmStatsUnknownUserNames)) {
            return "unknown user name";
        }
        if (oid.equals(SnmpConstants.usmStatsWrongDigests)) {
            return "wrong digest (authentication passphrase or protocol)";
        }
        if (oid.equals(SnmpConstants.usmStatsDecryptionErrors)) {
            return "decryption error (privacy passphrase or protocol)";
        }
        return "unsupported security level";
    }

    @Override
    public String toString() {
        return "SnmpAgentSimulator(" + devices + " devices, udp:" + host + ":" + requestedPort + ")";
    }
}
