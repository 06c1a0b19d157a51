package io.teleflux.snmp;

import io.teleflux.selfmon.PipelineMetrics;
import io.teleflux.component.Component;
import io.teleflux.config.Secret;
import io.teleflux.input.Ownership;
import io.teleflux.point.PointSink;
import io.teleflux.selfmon.FatalErrors;
import io.teleflux.selfmon.Liveness;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Polls every configured SNMP target once per {@code interval} and hands each device's points to
 * the sink (in the collector: the rate stage).
 *
 * <p>Scheduling: each device has a fixed offset within the interval, derived from its address, so
 * that polls spread over the interval and keep their phase across restarts. At most
 * {@code max-concurrent} devices are polled at once; the rest wait for a slot. A poll that is not
 * done by the device's deadline is abandoned and counted as a timeout, and a device whose poll (or
 * the hand-off of its points) is still running when its next cycle is due skips that cycle. Polls
 * are asynchronous ({@link DevicePoll}), so a slow or dead device occupies a slot, never a thread,
 * and never delays another device.
 *
 * <p>Threads: one scheduler thread owns all scheduling state; snmp4j's threads deliver answers;
 * one delivery thread builds points and calls the sink, which may block (back-pressure then shows
 * as skipped cycles, not as memory); one thread resolves targets given by host name.
 *
 * <p>A device's failures and oddities are counted on every poll but logged only when its state
 * changes ("polls failing (timeout)" once, then "polls succeed again").
 */
public final class SnmpPoller implements Component, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpPoller.class);
    private static final RateLimitedLog SINK_ERRORS = new RateLimitedLog(LOG, 60_000);
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    static final String POLLS = SnmpMetrics.SNMP_POLLS_TOTAL;
    static final String POLL_SECONDS = SnmpMetrics.SNMP_POLL_SECONDS;
    static final String LAST_SUCCESS = SnmpMetrics.SNMP_LAST_SUCCESS_MS;
    static final String INTERFACES = SnmpMetrics.SNMP_INTERFACES;
    static final String SKIPPED = SnmpMetrics.SNMP_POLLS_SKIPPED_TOTAL;
    static final String WARNINGS = SnmpMetrics.SNMP_WARNINGS_TOTAL;

    private final SnmpConfig cfg;
    private final LongSupplier clock;
    private final PointSink sink;
    private final Metrics metrics;
    private final Map<SnmpTarget, Device> devices = new LinkedHashMap<>();
    private final Map<String, Device> labels = new HashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final List<ScheduledFuture<?>> schedules = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Liveness.Heartbeat schedulerBeat = new Liveness.Heartbeat(System::currentTimeMillis);
    private final ExecutorService deliverer;
    private final ExecutorService resolver;
    private final Metrics.Counter pointsIn;
    private final Metrics.Counter overflowDropped;
    private final long intervalMs;
    private final long deadlineMs;
    private final Ownership ownership;
    private volatile int ownedTargets;
    // scheduler thread only
    private final ArrayDeque<Device> waiting = new ArrayDeque<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile SnmpSession session;
    private volatile boolean started;
    private volatile boolean closed;

    public SnmpPoller(SnmpConfig cfg, PointSink sink, Metrics metrics) {
        this(cfg, sink, metrics, System::currentTimeMillis);
    }

    /**
     * @param clock what a poll's points are stamped with (epoch ms, read when its last answer
     *              arrives): the wall clock, except where a test replays the past
     */
    public SnmpPoller(SnmpConfig cfg, PointSink sink, Metrics metrics, LongSupplier clock) {
        this(cfg, sink, metrics, clock, Ownership.ALL);
    }

    /**
     * @param ownership which targets this collector polls: the scheduled polls of the others are
     *                  skipped, and a poll running when its target is taken away is abandoned
     */
    public SnmpPoller(SnmpConfig cfg, PointSink sink, Metrics metrics, LongSupplier clock, Ownership ownership) {
        this.cfg = cfg;
        this.ownership = ownership;
        this.clock = clock;
        this.sink = sink;
        this.metrics = metrics;
        this.intervalMs = cfg.interval().toMillis();
        this.deadlineMs = cfg.effectiveDeadline().toMillis();
        for (SnmpTarget t : cfg.targets()) {
            if (t.privProtocol() == SnmpTarget.PrivProtocol.DES && !SnmpSession.desSupported()) {
                throw new IllegalArgumentException(t.key() + ".priv-protocol: DES is not available in this JVM "
                        + "(its security configuration disables it); use AES");
            }
        }
        metrics.describe(POLLS, Metrics.Type.COUNTER,
                "SNMP polls by device and result: ok, partial (the deadline cut the walk: what was walked is written), timeout (no or incomplete answer, deadline), auth_error, error");
        metrics.describe(POLL_SECONDS, Metrics.Type.GAUGE, "Duration of the device's last SNMP poll, in seconds");
        metrics.describe(LAST_SUCCESS, Metrics.Type.GAUGE,
                "Epoch ms of the device's last successful SNMP poll (0 = none yet), for silent-device alerts");
        metrics.describe(INTERFACES, Metrics.Type.GAUGE, "Interfaces the device's last successful SNMP poll wrote");
        metrics.describe(SKIPPED, Metrics.Type.COUNTER,
                "SNMP poll cycles skipped because the device's previous poll was still running");
        metrics.describe(WARNINGS, Metrics.Type.COUNTER,
                "Oddities in SNMP answers that Teleflux worked around, by device and reason");
        PipelineMetrics.describe(metrics);
        metrics.describe(SnmpMetrics.SNMP_TARGETS, Metrics.Type.GAUGE, "Configured SNMP targets");
        metrics.describe(SnmpMetrics.SNMP_POLLS_RUNNING, Metrics.Type.GAUGE, "SNMP polls in progress");
        this.pointsIn = metrics.counter(PipelineMetrics.POINTS_RECEIVED, "source", PointMaker.SOURCE);
        this.overflowDropped = metrics.counter(PipelineMetrics.FIELDS_DROPPED, "reason", "uint64_overflow");
        for (SnmpTarget t : cfg.targets()) {
            Device d = new Device(t);
            if (t.hasName() && d.isSecret(t.name())) {
                LOG.warn("SNMP target {}: its name equals its community or a passphrase, so logs and metrics show it"
                        + " as <redacted>; log lines name it by its address. Choose a community that differs from the"
                        + " name", t.address());
            }
            devices.put(t, d);
            claim(d, t.hasName() ? t.name() : d.fallbackName);
        }
        metrics.gauge(SnmpMetrics.SNMP_TARGETS, devices::size);
        metrics.describe(SnmpMetrics.SNMP_TARGETS_OWNED, Metrics.Type.GAUGE,
                "SNMP targets this collector polls: all of them, or its share when collectors share them (teleflux.share)");
        metrics.gauge(SnmpMetrics.SNMP_TARGETS_OWNED, () -> ownedTargets);
        metrics.gauge(SnmpMetrics.SNMP_POLLS_RUNNING, running::get);

        // its tasks' VirtualMachineErrors halt the process, instead of silently ending a device's polls
        this.scheduler = FatalErrors.scheduler(1, daemon("teleflux-snmp-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true); // deadlines are cancelled on almost every poll
        this.deliverer = Executors.newSingleThreadExecutor(daemon("teleflux-snmp-deliver"));
        this.resolver = Executors.newSingleThreadExecutor(daemon("teleflux-snmp-resolve"));
    }

    private static ThreadFactory daemon(String name) {
        return Thread.ofPlatform().name(name).daemon().factory();
    }

    @Override
    public String name() {
        return "snmp";
    }

    /** Starts polling every target, each at its own offset within the interval. */
    @Override
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        open();
        LOG.info("SNMP: polling {} devices every {} s (timeout {} ms, {} retries, deadline {} s, max-concurrent {})",
                devices.size(), intervalMs / 1000.0, cfg.timeout().toMillis(), cfg.retries(), deadlineMs / 1000.0,
                cfg.maxConcurrent());
        ownership.onChange(this::ownershipChanged);
        onScheduler(this::follow);
        long now = System.currentTimeMillis();
        for (Device d : devices.values()) {
            long delay = Math.floorMod(d.offsetMs - now % intervalMs, intervalMs);
            schedules.add(scheduler.scheduleAtFixedRate(() -> due(d, null), delay, intervalMs, TimeUnit.MILLISECONDS));
        }
        schedules.add(scheduler.scheduleWithFixedDelay(schedulerBeat::beat, 1, 1, TimeUnit.SECONDS));
    }

    /**
     * For /health: null while polling runs. The scheduler thread only ever does short work (the
     * sink is called from the delivery thread), so a heartbeat it has not beaten for
     * {@code stallMs} means it is stuck or gone; a periodic schedule that is done means an Error
     * ended it and its device is no longer polled.
     */
    public String problem(long nowMs, long stallMs) {
        if (!started || closed) {
            return null;
        }
        long silent = schedulerBeat.silentMs(nowMs);
        if (silent > stallMs + 1_000) {
            return "the scheduler thread has not run for " + silent / 1000 + " s";
        }
        for (ScheduledFuture<?> f : schedules) {
            if (f.isDone()) {
                return "a polling schedule stopped (see the log)";
            }
        }
        return null;
    }

    /**
     * Polls one configured target now, through the same path as the scheduled polls (concurrency
     * limit, deadline, hand-off to the sink), and returns when its points were handed on or it failed.
     * Returns {@link PollResult#SKIPPED} when a poll of that device is already running.
     */
    public PollResult pollOnce(SnmpTarget target) throws InterruptedException {
        Device d = devices.get(target);
        if (d == null) {
            throw new IllegalArgumentException("not a configured target: " + target);
        }
        return await(request(d));
    }

    /** Polls every target now (in parallel, within max-concurrent) and returns each one's result, in config order. */
    public Map<SnmpTarget, PollResult> pollAllOnce() throws InterruptedException {
        Map<SnmpTarget, CompletableFuture<PollResult>> futures = new LinkedHashMap<>();
        for (Device d : devices.values()) {
            futures.put(d.cfg, request(d));
        }
        Map<SnmpTarget, PollResult> results = new LinkedHashMap<>();
        for (Map.Entry<SnmpTarget, CompletableFuture<PollResult>> e : futures.entrySet()) {
            results.put(e.getKey(), await(e.getValue()));
        }
        return results;
    }

    /** The metric label ({@code device}) currently used for a target: its name, its sysName once known, or its address. */
    public String deviceLabel(SnmpTarget target) {
        Device d = devices.get(target);
        if (d == null) {
            throw new IllegalArgumentException("not a configured target: " + target);
        }
        return d.label;
    }

    private CompletableFuture<PollResult> request(Device d) {
        if (closed) {
            throw new IllegalStateException("the SNMP poller is closed");
        }
        open();
        CompletableFuture<PollResult> f = new CompletableFuture<>();
        if (!onScheduler(() -> due(d, f))) {
            f.completeExceptionally(new IllegalStateException("the SNMP poller is closed"));
        }
        return f;
    }

    private static PollResult await(CompletableFuture<PollResult> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("the SNMP poller was closed during the poll", e);
        }
    }

    private synchronized void open() {
        if (session == null) {
            try {
                session = SnmpSession.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the SNMP UDP socket", e);
            }
        }
    }

    /**
     * The owned set changed: on the scheduler thread, abandon the polls of targets no longer
     * owned, and wait for that (bounded), so that they are not polled any more when this returns.
     */
    private void ownershipChanged() {
        if (!started || closed) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!onScheduler(() -> {
            try {
                follow();
            } finally {
                done.complete(null);
            }
        })) {
            return;
        }
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("SNMP: the scheduler did not follow a change of the owned targets within 5 s");
        }
    }

    /** The key collectors share a target by: its name, or its address when it has none (docs/scaling.md). */
    static String shareKey(SnmpTarget t) {
        return t.hasName() ? t.name() : t.address().toString();
    }

    // scheduler thread
    private void follow() {
        int owned = 0;
        for (Device d : devices.values()) {
            boolean o = ownership.owns(d.shareKey);
            if (o) {
                owned++;
            } else if (d.inPoll && d.waiter == null) {
                d.released = d.attempt; // its failure is not the device's: neither counted nor logged
                if (d.poll != null) {
                    d.poll.abandon("the target is no longer this collector's");
                } else {
                    finished(d, d.attempt, new DevicePoll.Failure(PollResult.SKIPPED, "no longer this collector's"));
                }
            }
        }
        if (ownership != Ownership.ALL && owned != ownedTargets) {
            LOG.info("SNMP: polling {} of {} targets (shared with other collectors)", owned, devices.size());
        }
        ownedTargets = owned;
    }

    private boolean onScheduler(Runnable r) {
        try {
            scheduler.execute(r);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closing
        }
    }

    // ---- scheduler thread ----

    private void due(Device d, CompletableFuture<PollResult> waiter) {
        try {
            if (closed) {
                if (waiter != null) {
                    waiter.cancel(false);
                }
                return;
            }
            if (waiter == null && !ownership.owns(d.shareKey)) {
                return; // another collector's target (teleflux.share)
            }
            if (d.busy) {
                d.skipped.inc();
                if (waiter != null) {
                    waiter.complete(PollResult.SKIPPED);
                }
                return;
            }
            d.busy = true;
            d.waiter = waiter;
            waiting.add(d);
            dispatch();
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log instead
            LOG.error("SNMP: cannot schedule a poll of {}", d.who(), e);
        }
    }

    private void dispatch() {
        while (running.get() < cfg.maxConcurrent() && !waiting.isEmpty() && !closed) {
            Device d = waiting.poll();
            if (d.waiter == null && !ownership.owns(d.shareKey)) {
                d.busy = false; // taken away while it waited for a slot
                continue;
            }
            running.incrementAndGet();
            begin(d);
        }
    }

    private void begin(Device d) {
        int attempt = ++d.attempt;
        d.inPoll = true;
        d.poll = null;
        d.startedNanos = System.nanoTime();
        d.deadline = scheduler.schedule(() -> deadline(d, attempt), deadlineMs, TimeUnit.MILLISECONDS);
        if (d.literal != null) {
            launch(d, attempt, d.literal);
            return;
        }
        String host = d.cfg.address().host();
        resolver.execute(() -> {
            try {
                InetAddress ip = InetAddress.getByName(host);
                onScheduler(() -> launch(d, attempt, ip));
            } catch (UnknownHostException | SecurityException e) {
                onScheduler(() -> finished(d, attempt, new DevicePoll.Failure(PollResult.ERROR,
                        "cannot resolve host name '" + host + "'")));
            }
        });
    }

    private void launch(Device d, int attempt, InetAddress ip) {
        if (attempt != d.attempt || !d.inPoll) {
            return; // the deadline passed while the host name was being resolved
        }
        if (d.target == null || !ip.equals(d.ip)) {
            d.ip = ip;
            d.target = session.target(d.cfg, ip, cfg.timeout().toMillis(), cfg.retries());
        }
        d.poll = new DevicePoll(session, d.target, d.fallbackName, d.cfg.contextName(), !d.cfg.hasName(), cfg.maxRepetitions(),
                clock, outcome -> onScheduler(() -> finished(d, attempt, outcome)));
        d.poll.start();
    }

    private void deadline(Device d, int attempt) {
        if (attempt != d.attempt || !d.inPoll) {
            return;
        }
        String why = "no complete answer within the deadline of " + deadlineMs + " ms";
        if (d.poll != null) {
            d.poll.abandon(why);
        } else {
            finished(d, attempt, new DevicePoll.Failure(PollResult.TIMEOUT, why + " (host name still resolving)"));
        }
    }

    private void finished(Device d, int attempt, DevicePoll.Outcome outcome) {
        if (attempt != d.attempt || !d.inPoll) {
            return;
        }
        d.inPoll = false;
        d.poll = null;
        d.deadline.cancel(false);
        running.decrementAndGet();
        double seconds = (System.nanoTime() - d.startedNanos) / 1e9;
        if (d.released == attempt && outcome instanceof DevicePoll.Failure) {
            d.busy = false; // abandoned because the target moved to another collector: nothing to record
            dispatch();
            return;
        }
        try {
            deliverer.execute(() -> deliver(d, outcome, seconds));
        } catch (RejectedExecutionException e) {
            d.busy = false;
        }
        dispatch();
    }

    // ---- delivery thread ----

    private void deliver(Device d, DevicePoll.Outcome outcome, double seconds) {
        PollResult result;
        try {
            result = record(d, outcome, seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = PollResult.ERROR;
        } catch (RuntimeException e) {
            // a bug downstream, not the device's fault: say it, but not on every poll of every device
            SINK_ERRORS.warn(d.label, "{}: could not hand on the points of a poll: {}", d.who(), e.toString());
            result = PollResult.ERROR;
        }
        PollResult r = result;
        onScheduler(() -> {
            d.busy = false;
            if (d.waiter != null) {
                d.waiter.complete(r);
                d.waiter = null;
            }
        });
    }

    private PollResult record(Device d, DevicePoll.Outcome outcome, double seconds) throws InterruptedException {
        d.pollSeconds = seconds;
        if (outcome instanceof DevicePoll.Failure f) {
            d.polls(f.result()).inc();
            if (d.failing != f.result()) {
                LOG.warn("{}: polls failing ({}) - {}", d.who(), f.result().label(), f.detail());
                d.failing = f.result();
            }
            d.failedPolls++;
            return f.result();
        }
        PollData data = ((DevicePoll.Success) outcome).data();
        String device;
        if (d.cfg.hasName()) {
            device = d.cfg.name();
        } else if (data.sysName() != null) {
            device = data.sysName().value();
            relabel(d, device);
        } else {
            device = d.fallbackName;
        }
        boolean reset = d.lastUptime >= 0 && data.sysUpTime() >= 0 && data.sysUpTime() < d.lastUptime;
        if (data.sysUpTime() >= 0) {
            d.lastUptime = data.sysUpTime();
        }
        PointMaker.Built built = PointMaker.build(data, device, ipText(d.ip), d.cfg.interfaces(), reset);
        EnumSet<Warning> now = EnumSet.noneOf(Warning.class);
        now.addAll(built.warnings());
        if (reset) {
            now.add(Warning.AGENT_RESTART);
        }
        for (Warning w : now) {
            metrics.counter(WARNINGS, "device", d.label, "reason", w.label).inc();
            if (!d.warned.contains(w)) {
                LOG.warn("{}: {}", d.who(), w.text);
            }
        }
        d.warned = now;
        overflowDropped.add(built.overflows());

        sink.accept(built.points());

        pointsIn.add(built.points().size());
        PollResult result = ((DevicePoll.Success) outcome).partial() ? PollResult.PARTIAL : PollResult.OK;
        d.polls(result).inc();
        d.lastSuccess.set(data.timeMs());
        d.interfaces.set(built.interfaces());
        if (d.failing != null) {
            LOG.info("{}: polls succeed again (after {} failed)", d.who(), d.failedPolls);
        }
        d.failing = null;
        d.failedPolls = 0;
        return result;
    }

    private static String ipText(InetAddress ip) {
        String s = ip.getHostAddress();
        int pct = s.indexOf('%'); // an IPv6 scope id is local to this host
        return pct >= 0 ? s.substring(0, pct) : s;
    }

    /**
     * A target without a configured name is labelled by its address until its sysName is known, and
     * by that sysName from then on (once: the label stays stable). If another target already uses
     * that label, the address stays, and the clash of device tags is logged.
     */
    private void relabel(Device d, String sysName) {
        if (d.relabelled || sysName.equals(d.label)) {
            return;
        }
        d.relabelled = true;
        synchronized (labels) {
            Device other = labels.get(sysName);
            if (other != null) {
                LOG.warn("{}: its sysName.0 '{}' is also the name of {}; both write device={} - give the targets names",
                        d.label, sysName, other.cfg.address(), sysName);
                return;
            }
            labels.remove(d.label);
        }
        String old = d.label;
        metrics.removeGauge(POLL_SECONDS, "device", old);
        metrics.removeGauge(LAST_SUCCESS, "device", old);
        metrics.removeGauge(INTERFACES, "device", old);
        // counts under the address stay when there is history in them; empty ones would only be clutter
        for (Map.Entry<PollResult, Metrics.Counter> e : d.polls.entrySet()) {
            if (e.getValue().value() == 0) {
                metrics.removeGauge(POLLS, "device", old, "result", e.getKey().label());
            }
        }
        if (d.skipped.value() == 0) {
            metrics.removeGauge(SKIPPED, "device", old);
        }
        claim(d, sysName);
    }

    private void claim(Device d, String label) {
        synchronized (labels) {
            labels.put(label, d);
        }
        d.label = label;
        for (PollResult r : new PollResult[]{PollResult.OK, PollResult.PARTIAL, PollResult.TIMEOUT, PollResult.AUTH_ERROR, PollResult.ERROR}) {
            d.polls.put(r, metrics.counter(POLLS, "device", label, "result", r.label()));
        }
        metrics.gauge(POLL_SECONDS, () -> d.pollSeconds, "device", label);
        long lastSuccess = d.lastSuccess == null ? 0 : d.lastSuccess.value();
        d.lastSuccess = metrics.settableGauge(LAST_SUCCESS, "device", label);
        d.lastSuccess.set(lastSuccess);
        d.interfaces = metrics.settableGauge(INTERFACES, "device", label);
        d.interfaces.set(0);
        d.skipped = metrics.counter(SKIPPED, "device", label);
    }

    /** As {@link #close()}: its waits are bounded on their own (5 s each at most). */
    @Override
    public void close(Duration timeout) {
        close();
    }

    /** Stops polling. Polls in flight are abandoned; points already handed on stay handed on. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        resolver.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            deliverer.shutdown();
            if (!deliverer.awaitTermination(5, TimeUnit.SECONDS)) {
                deliverer.shutdownNow(); // a sink blocked by back-pressure: give up its points
                deliverer.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            deliverer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (Device d : devices.values()) {
            CompletableFuture<PollResult> w = d.waiter;
            if (w != null) {
                w.cancel(false);
            }
        }
        SnmpSession s = session;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("SNMP: closing the UDP socket failed", e);
            }
        }
    }

    /** One target and everything remembered about it between polls. */
    private final class Device {
        final SnmpTarget cfg;
        final String fallbackName;
        final long offsetMs;
        final InetAddress literal;
        final String shareKey;
        // scheduler thread
        int released;
        boolean busy;
        boolean inPoll;
        int attempt;
        long startedNanos;
        ScheduledFuture<?> deadline;
        DevicePoll poll;
        volatile CompletableFuture<PollResult> waiter;
        InetAddress ip;
        org.snmp4j.Target<?> target;
        // delivery thread
        long lastUptime = -1;
        PollResult failing;
        int failedPolls;
        Set<Warning> warned = EnumSet.noneOf(Warning.class);
        boolean relabelled;
        // metrics
        volatile String label;
        volatile double pollSeconds;
        final Map<PollResult, Metrics.Counter> polls = new ConcurrentHashMap<>();
        volatile Metrics.Counter lastSuccess;
        volatile Metrics.Counter interfaces;
        volatile Metrics.Counter skipped;

        Device(SnmpTarget cfg) {
            this.cfg = cfg;
            this.fallbackName = cfg.address().toString();
            this.shareKey = shareKey(cfg);
            this.offsetMs = offset(fallbackName, intervalMs);
            String host = cfg.address().host();
            InetAddress lit = null;
            if (IP_LITERAL.matcher(host).matches()) {
                try {
                    lit = InetAddress.getByName(host); // a literal: parsed, never looked up
                } catch (UnknownHostException e) {
                    lit = null; // not a valid literal after all: resolve it per poll and report the failure there
                }
            }
            this.literal = lit;
            this.ip = lit;
        }

        Metrics.Counter polls(PollResult r) {
            return polls.get(r);
        }

        /**
         * The target in log lines: its label, or its address when the label is also one of its
         * secrets (a device named like its community), which the log would show as {@code <redacted>}.
         */
        String who() {
            String l = label;
            return isSecret(l) ? "target " + fallbackName : l;
        }

        boolean isSecret(String s) {
            for (Secret secret : new Secret[]{cfg.community(), cfg.authPassphrase(), cfg.privPassphrase()}) {
                if (secret != null && !secret.isEmpty() && secret.reveal().equals(s)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A well-spread, deterministic offset in [0, interval) for a device. */
    static long offset(String key, long intervalMs) {
        long h = key.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return Math.floorMod(h, intervalMs);
    }
}
