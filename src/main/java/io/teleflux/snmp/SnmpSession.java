package io.teleflux.snmp;

import org.snmp4j.CommunityTarget;
import org.snmp4j.DirectUserTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.AuthenticationProtocol;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.PrivacyProtocol;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.DefaultPDUFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one snmp4j session every poll goes through: one UDP socket (bound to the wildcard address
 * and an ephemeral port; it only ever sends to configured targets and reads their answers), SNMPv2c
 * and SNMPv3 with its own USM, and every authentication and privacy protocol added explicitly
 * (snmp4j 3 leaves MD5, SHA-1 and DES out by default). Requests are asynchronous: answers arrive on
 * snmp4j's transport thread, timeouts on its timer thread, and no thread waits for a device.
 *
 * <p>v3 credentials travel in each {@link DirectUserTarget} rather than a shared USM user table, so
 * that two devices may use the same user name with different passphrases.
 */
final class SnmpSession implements AutoCloseable {
    private final Snmp snmp;
    private final SecurityProtocols protocols;
    /** Request id → who wants to hear about REPORT PDUs for it (snmp4j drops unauthenticated ones). */
    private final Map<Integer, Consumer<OID>> reportWatchers = new ConcurrentHashMap<>();

    private SnmpSession(Snmp snmp, SecurityProtocols protocols) {
        this.snmp = snmp;
        this.protocols = protocols;
    }

    static SnmpSession open() throws IOException {
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        protocols.addAuthenticationProtocol(new AuthMD5());
        protocols.addAuthenticationProtocol(new AuthSHA());
        protocols.addAuthenticationProtocol(new AuthHMAC128SHA224());
        protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
        protocols.addAuthenticationProtocol(new AuthHMAC256SHA384());
        protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
        protocols.addPrivacyProtocol(new PrivDES());
        protocols.addPrivacyProtocol(new PrivAES128());
        protocols.addPrivacyProtocol(new PrivAES192());
        protocols.addPrivacyProtocol(new PrivAES256());
        byte[] engineId = MPv3.createLocalEngineID();
        USM usm = new USM(protocols, new OctetString(engineId), 0);
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(engineId, new DefaultPDUFactory(), protocols,
                SecurityModels.getCollection(new SecurityModel[]{usm}), new CounterSupport()));
        DefaultUdpTransportMapping udp = new DefaultUdpTransportMapping(new UdpAddress("0.0.0.0/0"));
        // answers of many devices can arrive at once; the kernel caps this at net.core.rmem_max
        udp.setReceiveBufferSize(4 << 20);
        Snmp snmp = new Snmp(dispatcher, udp);
        SnmpSession session = new SnmpSession(snmp, protocols);
        Snmp.ReportHandler reports = snmp.getReportHandler();
        snmp.setReportHandler(new Snmp.ReportHandler() {
            @Override
            public <A extends Address> void processReport(org.snmp4j.mp.PduHandle handle,
                                                          org.snmp4j.CommandResponderEvent<A> event) {
                session.sawReport(handle.getTransactionID(), event.getPDU());
                reports.processReport(handle, event);
            }
        });
        snmp.listen();
        return session;
    }

    private void sawReport(int requestId, PDU report) {
        Consumer<OID> w = reportWatchers.get(requestId);
        if (w != null && report != null && report.size() > 0) {
            w.accept(report.get(0).getOid());
        }
    }

    /** Whether this JVM's crypto provider can do DES (some hardened JDKs remove it). */
    static boolean desSupported() {
        return new PrivDES().isSupported();
    }

    /** The snmp4j target for one configured device, reused across its polls (v3 keys are localized once). */
    Target<UdpAddress> target(SnmpTarget t, InetAddress ip, long timeoutMs, int retries) {
        UdpAddress address = new UdpAddress(ip, t.address().port());
        Target<UdpAddress> target;
        if (t.version() == SnmpTarget.Version.V2C) {
            CommunityTarget<UdpAddress> ct = new CommunityTarget<>(address, new OctetString(t.community().reveal()));
            ct.setVersion(SnmpConstants.version2c);
            target = ct;
        } else {
            AuthenticationProtocol auth = auth(t.authProtocol());
            PrivacyProtocol priv = priv(t.privProtocol());
            DirectUserTarget<UdpAddress> ut = new DirectUserTarget<>(address, new OctetString(t.securityName()),
                    auth, auth == null ? null : new OctetString(t.authPassphrase().reveal()),
                    priv, priv == null ? null : new OctetString(t.privPassphrase().reveal()));
            ut.setSecurityLevel(auth == null ? SecurityLevel.NOAUTH_NOPRIV
                    : priv == null ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.AUTH_PRIV);
            ut.setVersion(SnmpConstants.version3);
            target = ut;
        }
        target.setTimeout(timeoutMs);
        target.setRetries(retries);
        return target;
    }

    private AuthenticationProtocol auth(SnmpTarget.AuthProtocol a) {
        OID id = switch (a) {
            case NONE -> null;
            case MD5 -> AuthMD5.ID;
            case SHA -> AuthSHA.ID;
            case SHA_224 -> AuthHMAC128SHA224.ID;
            case SHA_256 -> AuthHMAC192SHA256.ID;
            case SHA_384 -> AuthHMAC256SHA384.ID;
            case SHA_512 -> AuthHMAC384SHA512.ID;
        };
        return id == null ? null : protocols.getAuthenticationProtocol(id);
    }

    private PrivacyProtocol priv(SnmpTarget.PrivProtocol p) {
        OID id = switch (p) {
            case NONE -> null;
            case DES -> PrivDES.ID;
            case AES_128 -> PrivAES128.ID;
            case AES_192 -> PrivAES192.ID;
            case AES_256 -> PrivAES256.ID;
        };
        return id == null ? null : protocols.getPrivacyProtocol(id);
    }

    /** An empty request of the right kind for the target (a scoped PDU, with its context, for v3). */
    static PDU pdu(Target<?> target, String contextName, int type) {
        PDU pdu;
        if (target.getVersion() == SnmpConstants.version3) {
            ScopedPDU scoped = new ScopedPDU();
            scoped.setContextName(new OctetString(contextName));
            pdu = scoped;
        } else {
            pdu = new PDU();
        }
        pdu.setType(type);
        return pdu;
    }

    /**
     * Sends {@code pdu} without waiting. {@code listener} hears exactly one outcome (the answer, a
     * timeout after the retries, or an error); {@code reports} hears the REPORT PDUs the agent sent
     * about this request in the meantime, including those snmp4j rightly ignores because they are
     * unauthenticated (a wrong passphrase produces exactly those).
     */
    void send(PDU pdu, Target<?> target, ResponseListener listener, Consumer<OID> reports) throws IOException {
        int id = snmp.getNextRequestID();
        pdu.setRequestID(new Integer32(id));
        reportWatchers.put(id, reports);
        try {
            snmp.send(pdu, target, null, listener);
        } catch (IOException | RuntimeException e) {
            reportWatchers.remove(id);
            throw e;
        }
    }

    /** Forgets a request: its answer, if it still comes, is ignored. */
    void done(PDU pdu, ResponseListener listener) {
        reportWatchers.remove(pdu.getRequestID().getValue());
        snmp.cancel(pdu, listener);
    }

    static VariableBinding[] vbs(OID... oids) {
        VariableBinding[] v = new VariableBinding[oids.length];
        for (int i = 0; i < oids.length; i++) {
            v[i] = new VariableBinding(oids[i]);
        }
        return v;
    }

    @Override
    public void close() throws IOException {
        snmp.close();
    }
}
