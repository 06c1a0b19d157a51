package io.teleflux.snmp;

import org.snmp4j.PDU;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.VariableBinding;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One poll of one device, as a chain of asynchronous requests: a GET of sysUpTime.0 (and sysName.0
 * when the target has no configured name), then GETBULKs until the interface table is walked. It
 * ends exactly once, with the data or with a failure, through the {@code done} callback: on an
 * answer, a timeout after snmp4j's retries, an error, or {@link #abandon} (the per-device deadline).
 *
 * <p>Answers arrive on snmp4j's threads. State changes happen under this object's lock; sending,
 * cancelling and the callback happen outside it, so that no lock of ours is held while snmp4j's
 * are taken.
 */
final class DevicePoll implements ResponseListener {
    /** How a poll ended. */
    sealed interface Outcome permits Success, Failure {
    }

    /** @param partial the deadline cut the walk: {@code data} holds the interfaces walked completely by then */
    record Success(PollData data, boolean partial) implements Outcome {
        Success(PollData data) {
            this(data, false);
        }
    }

    /** @param detail why, for the log line: never contains a secret */
    record Failure(PollResult result, String detail) implements Outcome {
    }

    static final int MAX_ROWS = 100_000;
    private static final List<IfMib.Column> COLUMNS = Arrays.asList(IfMib.Column.values());
    private static final Map<OID, String> AUTH_REPORTS = Map.of(
            new OID("1.3.6.1.6.3.15.1.1.1.0"), "usmStatsUnsupportedSecLevels: the user does not allow this security level",
            new OID("1.3.6.1.6.3.15.1.1.3.0"), "usmStatsUnknownUserNames: the agent does not know the user",
            new OID("1.3.6.1.6.3.15.1.1.5.0"), "usmStatsWrongDigests: wrong authentication passphrase or protocol",
            new OID("1.3.6.1.6.3.15.1.1.6.0"), "usmStatsDecryptionErrors: wrong privacy passphrase or protocol");
    private static final Map<OID, String> OTHER_REPORTS = Map.of(
            new OID("1.3.6.1.6.3.12.1.4.0"), "snmpUnavailableContexts: the context is not available",
            new OID("1.3.6.1.6.3.12.1.5.0"), "snmpUnknownContexts: the agent does not know the context name");

    private final SnmpSession session;
    private final Target<?> target;
    private final String address;
    private final String contextName;
    private final boolean wantSysName;
    private final LongSupplier clock;
    private final Consumer<Outcome> done;
    private final EnumSet<Warning> warnings = EnumSet.noneOf(Warning.class);
    private int maxRepetitions;
    private TableWalk walk;
    private long sysUpTime = -1;
    private Text sysName;
    private PDU inFlight;
    private boolean finished;
    /** The last REPORT the agent sent about our requests (set on snmp4j's thread). */
    private volatile OID lastReport;

    /** @param address the target's address as configured, for messages */
    DevicePoll(SnmpSession session, Target<?> target, String address, String contextName, boolean wantSysName,
               int maxRepetitions, LongSupplier clock, Consumer<Outcome> done) {
        this.session = session;
        this.target = target;
        this.address = address;
        this.contextName = contextName;
        this.wantSysName = wantSysName;
        this.maxRepetitions = maxRepetitions;
        this.clock = clock;
        this.done = done;
    }

    void start() {
        PDU get = SnmpSession.pdu(target, contextName, PDU.GET);
        get.add(new VariableBinding(IfMib.SYS_UPTIME));
        if (wantSysName) {
            get.add(new VariableBinding(IfMib.SYS_NAME));
        }
        synchronized (this) {
            inFlight = get;
        }
        send(get);
    }

    /**
     * The deadline passed: stop waiting; a late answer is ignored. The interfaces walked
     * completely by then are kept (a large chassis that cannot be walked within the interval still
     * gets most of its interfaces written, every poll); with none, it is a timeout.
     */
    void abandon(String why) {
        PDU pending;
        Outcome outcome = new Failure(PollResult.TIMEOUT, why);
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            pending = inFlight;
            if (walk != null) {
                var complete = walk.completeRows();
                if (!complete.isEmpty()) {
                    warnings.add(Warning.PARTIAL_WALK);
                    outcome = new Success(new PollData(clock.getAsLong(), sysUpTime, sysName,
                            new java.util.TreeMap<>(complete), warnings), true);
                }
            }
        }
        if (pending != null) {
            session.done(pending, this);
        }
        done.accept(outcome);
    }

    private void send(PDU pdu) {
        try {
            session.send(pdu, target, this, report -> lastReport = report);
        } catch (IOException | RuntimeException e) {
            end(new Failure(PollResult.ERROR, "cannot send to " + address + ": " + e.getMessage()));
        }
    }

    private void end(Outcome o) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        done.accept(o);
    }

    @Override
    public <A extends Address> void onResponse(ResponseEvent<A> event) {
        session.done(event.getRequest(), this);
        Object next;
        synchronized (this) {
            if (finished || event.getRequest() != inFlight) {
                return;
            }
            next = handle(event);
            if (next instanceof Outcome) {
                finished = true;
                inFlight = null;
            } else {
                inFlight = (PDU) next;
            }
        }
        if (next instanceof Outcome o) {
            done.accept(o);
        } else {
            send((PDU) next);
        }
    }

    /** Returns the next request to send, or how the poll ended. Called under the lock. */
    private Object handle(ResponseEvent<?> event) {
        PDU r = event.getResponse();
        if (r == null) {
            if (event.getError() != null) {
                return new Failure(PollResult.ERROR, "request failed: " + event.getError().getMessage());
            }
            OID report = lastReport;
            if (report != null && AUTH_REPORTS.containsKey(report)) {
                return new Failure(PollResult.AUTH_ERROR, AUTH_REPORTS.get(report));
            }
            String hint = target.getSecurityLevel() == SecurityLevel.AUTH_PRIV
                    ? " (with SNMPv3 authPriv, a wrong privacy passphrase or protocol looks the same: the agent drops what it cannot decrypt)"
                    : target.getVersion() == SnmpConstants.version2c ? " (a wrong community looks the same: the agent does not answer)" : "";
            return new Failure(PollResult.TIMEOUT, "no answer from " + address + " within "
                    + target.getTimeout() + " ms x " + (target.getRetries() + 1) + " tries" + hint);
        }
        if (r.getType() == PDU.REPORT) {
            OID oid = r.size() > 0 ? r.get(0).getOid() : new OID();
            if (AUTH_REPORTS.containsKey(oid)) {
                return new Failure(PollResult.AUTH_ERROR, AUTH_REPORTS.get(oid));
            }
            return new Failure(PollResult.ERROR, OTHER_REPORTS.getOrDefault(oid, "the agent sent report " + oid));
        }
        int status = r.getErrorStatus();
        if (status == PDU.authorizationError || status == PDU.noAccess) {
            return new Failure(PollResult.AUTH_ERROR, "the agent refused access (" + r.getErrorStatusText() + ")");
        }
        if (walk == null) {
            return scalars(r);
        }
        if (status == PDU.tooBig && maxRepetitions > 1) {
            // the agent cannot fit that many rows in one message: ask for fewer
            maxRepetitions = Math.max(1, maxRepetitions / 2);
            return bulk();
        }
        if (status != PDU.noError) {
            return new Failure(PollResult.ERROR, "the agent answered " + r.getErrorStatusText() + " to GETBULK");
        }
        if (!walk.accept(r.getVariableBindings())) {
            return new Failure(PollResult.ERROR, "the agent answered GETBULK without any progress in the table");
        }
        if (walk.tooLarge()) {
            return new Failure(PollResult.ERROR, "the interface table has more than " + MAX_ROWS + " rows");
        }
        if (walk.done()) {
            if (walk.outOfOrder()) {
                warnings.add(Warning.OUT_OF_ORDER);
            }
            return new Success(new PollData(clock.getAsLong(), sysUpTime, sysName, walk.rows(), warnings));
        }
        return bulk();
    }

    private Object scalars(PDU r) {
        if (r.getErrorStatus() == PDU.noError) {
            for (VariableBinding vb : r.getVariableBindings()) {
                if (vb.getVariable().isException()) {
                    continue; // noSuchObject / noSuchInstance: as if not there
                }
                if (IfMib.SYS_UPTIME.equals(vb.getOid()) && vb.getVariable() instanceof TimeTicks t) {
                    sysUpTime = t.getValue();
                } else if (IfMib.SYS_NAME.equals(vb.getOid()) && vb.getVariable() instanceof OctetString s) {
                    Text name = Text.of(s);
                    sysName = name.value().isBlank() ? null : name;
                }
            }
        } else if (r.getErrorStatus() != PDU.noSuchName) {
            return new Failure(PollResult.ERROR, "the agent answered " + r.getErrorStatusText() + " to GET");
        }
        if (sysUpTime < 0) {
            warnings.add(Warning.NO_SYSUPTIME);
        }
        if (wantSysName && sysName == null) {
            warnings.add(Warning.NO_SYSNAME);
        }
        walk = new TableWalk(COLUMNS, MAX_ROWS);
        return bulk();
    }

    private PDU bulk() {
        PDU p = SnmpSession.pdu(target, contextName, PDU.GETBULK);
        p.setNonRepeaters(0);
        p.setMaxRepetitions(maxRepetitions);
        p.addAll(walk.nextRequest());
        return p;
    }
}
