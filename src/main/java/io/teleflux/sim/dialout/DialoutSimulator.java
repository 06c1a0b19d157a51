package io.teleflux.sim.dialout;

import io.grpc.ManagedChannel;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Devices {@code 0..devices-1} of a {@link CounterModel}, each dialling out to the collector over
 * its own channel with one long-lived stream, in the {@link Dialect} the settings' {@link DialectMix}
 * gives it (H3C classic by default).
 *
 * <p>Two ways to drive it: {@link #startClock()} samples every device on the wall clock at its own
 * deterministic phase (the CLI); {@link #sendSample} sends one sample at a given device time
 * (tests: no waiting for intervals, and the expected counters come from {@link #model()}).
 *
 * <pre>{@code
 * try (DialoutSimulator sim = new DialoutSimulator(model, DialoutSettings.defaults(target, 5))) {
 *     sim.start();
 *     sim.awaitConnected(5, Duration.ofSeconds(30));
 *     SampleReport r = sim.sendSample(t).get();   // every message handed to gRPC (or dropped)
 * }                                               // streams half-closed cleanly
 * }</pre>
 */
public final class DialoutSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DialoutSimulator.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final CounterModel model;
    private final DialoutSettings settings;
    private final ScheduledThreadPoolExecutor executor;
    private final ChannelFactory channels;
    private final Fleet fleet;
    private final List<SimDevice> devices;
    private final List<Dialect> dialects;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private boolean started;
    private boolean clockStarted;
    private volatile boolean closed;

    public DialoutSimulator(CounterModel model, DialoutSettings settings) {
        this(model, settings, null);
    }

    /** @param tls how the devices dial TLS, or null for plaintext */
    public DialoutSimulator(CounterModel model, DialoutSettings settings, ClientTls tls) {
        this.model = model;
        this.settings = settings;
        int cores = Runtime.getRuntime().availableProcessors();
        this.executor = new ScheduledThreadPoolExecutor(Math.max(2, cores), daemonThreads("sim-worker"));
        this.executor.setRemoveOnCancelPolicy(true);
        this.channels = new ChannelFactory(Math.max(1, Math.min(4, cores / 2)), executor, tls);
        this.fleet = new Fleet(settings, new H3cJsonWriter(model), executor);
        this.devices = new ArrayList<>(settings.devices());
        this.dialects = List.copyOf(settings.dialects().assign(settings.devices()));
    }

    public CounterModel model() {
        return model;
    }

    public DialoutSettings settings() {
        return settings;
    }

    /**
     * Keeps a {@link SentLog} of the statistics samples handed to live streams from now on; call it
     * before {@link #start()} to log everything.
     */
    public synchronized SentLog recordSent() {
        if (fleet.sentLog == null) {
            fleet.sentLog = new SentLog(model, settings.devices());
        }
        return fleet.sentLog;
    }

    /** The log started by {@link #recordSent()}, or null. */
    public SentLog sentLog() {
        return fleet.sentLog;
    }

    /** The dialect device {@code device} speaks. */
    public Dialect dialect(int device) {
        return dialects.get(device);
    }

    private DialectEncoder encoder(Dialect dialect, DeviceProfile p) {
        long interval = settings.interval().toMillis();
        return switch (dialect) {
            case H3C -> new H3cClassicEncoder(fleet.writer, p.index(), DeviceInfo.newBuilder().setProducerName("H3C")
                    .setDeviceName(p.name()).setDeviceModel(p.model()).setDeviceIpAddr(p.ipAddress()).build());
            case H3CV3 -> new H3cV3Encoder(fleet.writer, p, interval, settings.v3ChunkBytes());
            case CISCO -> new CiscoMdtEncoder(model, p.index(), interval);
            case HUAWEI -> new HuaweiVrpEncoder(model, p, interval);
        };
    }

    /** Opens every device's channel and stream. Returns at once; see {@link #awaitConnected}. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("simulator is closed");
        }
        if (started) {
            return;
        }
        started = true;
        for (int d = 0; d < settings.devices(); d++) {
            DeviceProfile p = model.device(d);
            ManagedChannel ch = channels.open(settings.target());
            SimDevice dev = new SimDevice(d, p.name(), encoder(dialects.get(d), p), fleet, ch);
            devices.add(dev);
            dev.dial();
        }
        LOG.info("simulating {} devices x {} interfaces (seed {}, dialects {}), dialling out to {}", settings.devices(),
                model.interfacesPerDevice(), model.seed(), settings.dialects().counts(settings.devices()),
                settings.target());
    }

    /**
     * Samples every device every interval on the wall clock, at instants {@code k·interval + phase}
     * with a deterministic per-device phase; timestamps are those instants.
     */
    public synchronized void startClock() {
        start();
        if (clockStarted) {
            return;
        }
        clockStarted = true;
        long interval = settings.interval().toMillis();
        long now = System.currentTimeMillis();
        for (SimDevice d : devices) {
            long phase = phase(d.index(), interval);
            long first = now - Math.floorMod(now - phase, interval) + interval;
            schedule(d, first);
        }
    }

    /** One sample of every configured path for every device at device time {@code timeMs}. */
    public CompletableFuture<SampleReport> sendSample(long timeMs) {
        return sendSample(timeMs, settings.paths());
    }

    /**
     * One sample of {@code paths} for every device at device time {@code timeMs}. The future
     * completes once each message was handed to gRPC, parked in its device's backlog (stream not
     * ready; see {@link #awaitDrained}), or dropped (device disconnected, or backlog full); it never
     * waits on a device that cannot send. Call it in time order and wait for each future, as
     * samples of one device built concurrently could leave out of order.
     */
    public CompletableFuture<SampleReport> sendSample(long timeMs, Set<SensorPath> paths) {
        List<SimDevice> all = startedDevices();
        List<SensorPath> ordered = new ArrayList<>(EnumSet.copyOf(paths));
        Ticket ticket = new Ticket(all.size() * ordered.size());
        for (SimDevice d : all) {
            executor.execute(() -> d.sample(timeMs, ordered, ticket));
        }
        return ticket.future;
    }

    /** Reboots a device in the model: its counters and uptime restart from 0 at {@code atMs}. */
    public void reboot(int device, long atMs) {
        model.reboot(device, atMs);
    }

    public int connectedDevices() {
        return fleet.counters.connected.get();
    }

    /** Waits until at least {@code n} devices have a ready stream; false on timeout. */
    public boolean awaitConnected(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (connectedDevices() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Waits until no device holds a backlog (sent, or dropped with a failed stream); false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SimDevice d : startedDevices()) {
            while (d.stats().backlog() > 0) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
        }
        return true;
    }

    public DialoutStats stats() {
        return fleet.counters.snapshot(settings.devices());
    }

    public DeviceStats deviceStats(int device) {
        return startedDevices().get(device).stats();
    }

    /**
     * The CLI mode: dial, sample on the wall clock for {@code duration} (null: until
     * {@link #close()} is called, e.g. from a shutdown hook), then close.
     */
    public void run(Duration duration) throws InterruptedException {
        startClock();
        try {
            if (duration == null) {
                closedLatch.await();
            } else {
                closedLatch.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            close();
        }
    }

    /** Stops sampling, half-closes every stream (the collector sees a clean end) and releases all threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            for (SimDevice d : devices) {
                ScheduledFuture<?> f = d.clockTask;
                if (f != null) {
                    f.cancel(false);
                }
            }
            CompletableFuture<?>[] stops = new CompletableFuture<?>[devices.size()];
            for (int i = 0; i < devices.size(); i++) {
                devices.get(i).stop();
                stops[i] = devices.get(i).stopped();
            }
            try {
                CompletableFuture.allOf(stops).get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("some devices' streams did not end within {}; closing them hard", STOP_GRACE);
            } catch (ExecutionException e) {
                LOG.warn("stopping streams failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shutdownChannels();
            executor.shutdown();
            channels.close();
        } finally {
            closedLatch.countDown();
        }
    }

    private void shutdownChannels() {
        for (SimDevice d : devices) {
            d.channel().shutdown();
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (SimDevice d : devices) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !d.channel().awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    d.channel().shutdownNow();
                }
            } catch (InterruptedException e) {
                d.channel().shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void schedule(SimDevice d, long instant) {
        long delay = Math.max(0, instant - System.currentTimeMillis());
        try {
            d.clockTask = executor.schedule(() -> tick(d, instant), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: the executor no longer takes work, and no more samples are wanted
        }
    }

    private void tick(SimDevice d, long instant) {
        if (closed) {
            return;
        }
        try {
            d.clockSample(instant);
        } catch (RuntimeException e) {
            LOG.error("{}: sample at {} failed", model.deviceName(d.index()), instant, e);
        }
        long interval = settings.interval().toMillis();
        long next = instant + interval;
        long now = System.currentTimeMillis();
        if (now - next >= interval) {
            // overloaded: skip the instants already past rather than sending a late pile-up
            long skipped = (now - next) / interval;
            fleet.counters.samplesSkipped.add(skipped);
            next += skipped * interval;
        }
        schedule(d, next);
    }

    private synchronized List<SimDevice> startedDevices() {
        if (!started) {
            throw new IllegalStateException("call start() first");
        }
        return devices;
    }

    /** Spreads devices over the interval, as independently booted devices are. */
    private long phase(int device, long interval) {
        long h = (model.seed() ^ 0x5851F42D4C957F2DL) * 0x9E3779B97F4A7C15L + device * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return Math.floorMod(h, interval);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        return Thread.ofPlatform().name(prefix + "-", 1).daemon().factory();
    }
}
