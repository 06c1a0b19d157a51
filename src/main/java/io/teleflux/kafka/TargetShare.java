package io.teleflux.kafka;

import io.teleflux.component.Component;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Shared polling ({@code teleflux.share}): this collector's membership of a Kafka consumer group
 * on a small coordination topic that holds no records. Kafka's group protocol assigns the topic's
 * partitions to the running collectors; a target belongs to the collector that holds partition
 * {@code murmur2(key) mod partitions} (what Kafka's own producer does with a record key). No
 * election of our own: Kafka decides who is in the group and who holds what.
 *
 * <p>One thread polls the consumer (which keeps it in the group and runs the rebalance callbacks).
 * The callbacks update the owned set and tell the inputs before they return, so a revoked
 * partition's targets are no longer polled when Kafka hands them to another collector. When this
 * collector cannot reach Kafka for a whole session timeout, the group has given its partitions to
 * others: it stops polling them itself, without waiting for the consumer to notice on reconnect.
 */
public final class TargetShare implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(TargetShare.class);
    private static final long POLL_MS = 200;

    private final ShareConfig cfg;
    private final KafkaConfig kafka;
    private final String clientId;
    private final LongSupplier clock;
    private final RateLimitedLog rateLimited = new RateLimitedLog(LOG, 60_000);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Metrics.Counter rebalances;
    private final Metrics.Counter lost;
    private final long startedMs;

    /** What the group assigned (as of the last callback); poll thread writes, others read. */
    private volatile Set<Integer> assigned = Set.of();
    /** The partitions whose targets are polled: {@link #assigned}, or none while out of touch with Kafka. */
    private volatile Set<Integer> owned = Set.of();
    private volatile int partitions;
    private volatile long lastAssignedMs;
    private volatile long lastContactMs;
    private volatile boolean outOfTouch;
    private volatile boolean stopping;
    private volatile Throwable died;
    private Consumer<byte[], byte[]> consumer;
    private Thread thread;

    public TargetShare(ShareConfig cfg, KafkaConfig kafka, String instance, Metrics metrics) {
        this(cfg, kafka, instance, metrics, System::currentTimeMillis);
    }

    TargetShare(ShareConfig cfg, KafkaConfig kafka, String instance, Metrics metrics, LongSupplier clock) {
        this.cfg = cfg;
        this.kafka = kafka;
        this.clientId = kafka.clientIdFor(instance) + "-share";
        this.clock = clock;
        this.startedMs = clock.getAsLong();
        metrics.describe(KafkaMetrics.SHARE_PARTITIONS, Metrics.Type.GAUGE,
                        "Partitions of the coordination topic this collector holds: it polls the targets hashed onto them")
                .describe(KafkaMetrics.SHARE_REBALANCES, Metrics.Type.COUNTER,
                        "Assignments this collector received from the group (one per rebalance it took part in)")
                .describe(KafkaMetrics.SHARE_LOST, Metrics.Type.COUNTER,
                        "Times this collector lost its partitions without handing them over: session expired, "
                                + "or Kafka out of reach for a session timeout")
                .describe(KafkaMetrics.SHARE_ASSIGNMENT_AGE, Metrics.Type.GAUGE,
                        "Seconds since the last assignment (-1 = none yet)")
                .describe(KafkaMetrics.SHARE_CONTACT_AGE, Metrics.Type.GAUGE,
                        "Seconds since the last heartbeat to the group coordinator (-1 = none yet)");
        metrics.gauge(KafkaMetrics.SHARE_PARTITIONS, () -> owned.size());
        rebalances = metrics.counter(KafkaMetrics.SHARE_REBALANCES);
        lost = metrics.counter(KafkaMetrics.SHARE_LOST);
        metrics.gauge(KafkaMetrics.SHARE_ASSIGNMENT_AGE,
                () -> lastAssignedMs == 0 ? -1 : (clock.getAsLong() - lastAssignedMs) / 1000.0);
        metrics.gauge(KafkaMetrics.SHARE_CONTACT_AGE,
                () -> lastContactMs == 0 ? -1 : (clock.getAsLong() - lastContactMs) / 1000.0);
    }

    /** The partition of a target: Kafka's murmur2 of its key's UTF-8 bytes, made positive, mod the partition count. */
    public static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Whether this collector should poll {@code target} now. */
    public boolean owns(String target) {
        int n = partitions;
        return n > 0 && owned.contains(partition(target, n));
    }

    /** Calls {@code listener} after every change of the owned set (see {@code input.Ownership#onChange}). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public String name() {
        return "share";
    }

    @Override
    public synchronized void start() {
        if (thread != null || stopping) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        LOG.info("Sharing targets with the collectors of group \"{}\" on topic \"{}\" at {} (session timeout {} s)",
                cfg.groupId(), cfg.topic(), String.join(",", kafka.bootstrapServers()), cfg.sessionTimeout().toMillis() / 1000.0);
        thread = Thread.ofPlatform().name("teleflux-share").daemon().start(this::run);
    }

    Map<String, Object> consumerProps() {
        Map<String, Object> p = ClientProps.common(kafka, clientId);
        long session = cfg.sessionTimeout().toMillis();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.groupId());
        // the classic protocol: the session timeout is the client's to choose (KIP-848's is the broker's, 45 s at least
        // by default); cooperative, so that a rebalance moves only the partitions that must move
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, session / 3));
        // the loop polls every 200 ms; a rebalance waits at most this long for a member to rejoin
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.max(30_000, 2 * session));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // nothing is read: there is nothing to commit
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return p;
    }

    private void run() {
        try {
            while (!stopping && partitions == 0) {
                if (!ensureTopic()) {
                    pause(2_000);
                }
            }
            consumer.subscribe(List.of(cfg.topic()), new Listener());
            while (!stopping) {
                try {
                    consumer.poll(Duration.ofMillis(POLL_MS));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    rateLimited.warn("poll", "Shared polling: polling the coordination topic failed: {}; retrying", e.toString());
                    pause(1_000);
                }
                checkContact();
            }
        } catch (WakeupException e) {
            // close() while a callback was running
        } catch (RuntimeException | Error e) {
            died = e;
            drop("the membership thread stopped");
            LOG.error("Shared polling stopped: {}", e.toString(), e);
        } finally {
            try {
                // leaves the group: onPartitionsRevoked runs (the inputs are closed by now) and the others rebalance at once
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the shared-polling consumer: {}", e.toString());
            }
        }
    }

    /** Creates the coordination topic when it is missing and reads its partition count; false if Kafka did not answer. */
    private boolean ensureTopic() {
        try (Admin admin = Admin.create(ClientProps.common(kafka, clientId + "-admin"))) {
            int n = describe(admin);
            if (n == 0) {
                try {
                    // the broker's default replication factor: the topic holds no records, only its partitions matter
                    admin.createTopics(List.of(new NewTopic(cfg.topic(), Optional.of(cfg.partitions()), Optional.empty())))
                            .all().get(10, TimeUnit.SECONDS);
                    LOG.info("Created the coordination topic \"{}\" with {} partitions", cfg.topic(), cfg.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // e.g. not authorized to create it: create it beforehand (docs/kafka.md)
                    }
                }
                n = describe(admin);
            }
            if (n == 0) {
                return false;
            }
            if (n != cfg.partitions()) {
                LOG.warn("The coordination topic \"{}\" has {} partitions, not teleflux.share.partitions = {}: using {}"
                        + " (every collector reads the same count from the topic)", cfg.topic(), n, cfg.partitions(), n);
            }
            partitions = n;
            return true;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            rateLimited.warn("topic", "Shared polling: cannot create or describe the coordination topic \"{}\": {}; "
                    + "retrying", cfg.topic(), String.valueOf(c));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return false;
        }
    }

    /** The topic's partition count, 0 when it does not exist. */
    private int describe(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return admin.describeTopics(List.of(cfg.topic())).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(cfg.topic()).partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Out of touch with the group coordinator for a session timeout (no heartbeat sent: it is
     * unknown or unreachable): the group has given this collector's partitions to the others by
     * now, so stop polling them. Back in touch, a rebalance is asked for, and its assignment
     * (whatever the group decides) is what is polled again.
     */
    private void checkContact() {
        long now = clock.getAsLong();
        double ago = heartbeatSecondsAgo();
        if (!Double.isNaN(ago) && ago >= 0) {
            lastContactMs = now - (long) (ago * 1000);
        }
        long since = lastContactMs == 0 ? now - Math.max(startedMs, lastAssignedMs) : now - lastContactMs;
        if (!outOfTouch && !owned.isEmpty() && since > cfg.sessionTimeout().toMillis()) {
            outOfTouch = true;
            lost.inc();
            LOG.warn("Shared polling: no contact with Kafka's group coordinator for {} s (session timeout {} s): "
                    + "stopped polling this collector's targets, which the group gives to the others", since / 1000,
                    cfg.sessionTimeout().toSeconds());
            drop(null);
        } else if (outOfTouch && since < cfg.sessionTimeout().toMillis() / 2 && owned.isEmpty()) {
            consumer.enforceRebalance("back in touch after losing contact");
            outOfTouch = false;
        }
    }

    /** The classic consumer's own measure of the last heartbeat sent (seconds), NaN when none yet. */
    private double heartbeatSecondsAgo() {
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("last-heartbeat-seconds-ago")
                    && e.getKey().group().equals("consumer-coordinator-metrics")) {
                Object v = e.getValue().metricValue();
                return v instanceof Number n ? n.doubleValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    private void drop(String why) {
        if (!owned.isEmpty()) {
            owned = Set.of();
            changed(why);
        }
    }

    private void changed(String why) {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("Shared polling: an input failed to follow the change of ownership{}: {}",
                        why == null ? "" : " (" + why + ")", e.toString(), e);
            }
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> tps) {
        Set<Integer> s = new TreeSet<>();
        for (TopicPartition tp : tps) {
            s.add(tp.partition());
        }
        return s;
    }

    /** The owned set follows the group; each change reaches the inputs before the callback returns. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            Set<Integer> left = new TreeSet<>(assigned);
            left.removeAll(numbers(revoked));
            assigned = Set.copyOf(left);
            owned = outOfTouch ? Set.of() : assigned;
            LOG.info("Shared polling: partitions {} revoked, holding {}", numbers(revoked), left);
            changed("revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> gone) {
            lost.inc();
            LOG.warn("Shared polling: partitions {} lost (this collector's session expired); stopped polling their targets",
                    numbers(gone));
            assigned = Set.of();
            owned = Set.of();
            changed("lost");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            Set<TopicPartition> all = consumer.assignment();
            int n = 0;
            try {
                // partitions added to the topic meanwhile change the mapping for everyone alike
                List<PartitionInfo> infos = consumer.partitionsFor(cfg.topic(), Duration.ofSeconds(5));
                n = infos == null ? 0 : infos.size();
            } catch (KafkaException e) {
                LOG.debug("partitionsFor {}: {}", cfg.topic(), e.toString());
            }
            if (n > 0 && n != partitions) {
                LOG.warn("Shared polling: the coordination topic now has {} partitions (was {})", n, partitions);
                partitions = n;
            }
            assigned = Set.copyOf(numbers(all));
            outOfTouch = false;
            lastAssignedMs = clock.getAsLong();
            lastContactMs = lastAssignedMs;
            owned = assigned;
            rebalances.inc();
            if (!added.isEmpty()) {
                LOG.info("Shared polling: partitions {} assigned, holding {} of {}", numbers(added), assigned, partitions);
            }
            changed("assigned");
        }
    }

    /**
     * For /health: null while the membership works; else why not, once it has been without an
     * assignment or out of touch with Kafka for {@link ShareConfig#unhealthyAfter()}.
     */
    public String problem(long nowMs) {
        Throwable t = died;
        if (t != null) {
            return "shared polling: the membership thread died: " + t;
        }
        if (thread == null || stopping) {
            return null;
        }
        long bound = cfg.unhealthyAfter().toMillis();
        if (lastAssignedMs == 0 && nowMs - startedMs > bound) {
            return "shared polling: no assignment from group \"" + cfg.groupId() + "\" in " + (nowMs - startedMs) / 1000
                    + " s (is Kafka reachable?)";
        }
        long contact = Math.max(lastContactMs, lastAssignedMs);
        if (contact > 0 && nowMs - contact > bound) {
            return "shared polling: no contact with the group coordinator for " + (nowMs - contact) / 1000
                    + " s; this collector polls none of the shared targets";
        }
        return null;
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Leaves the group (the others take this collector's partitions at once, without waiting for the session timeout). */
    @Override
    public void close(Duration timeout) {
        Thread th;
        synchronized (this) {
            stopping = true;
            th = thread;
        }
        if (th == null) {
            return;
        }
        consumer.wakeup();
        try {
            th.join(timeout.toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        owned = Set.of();
    }
}
