package io.teleflux.kafka;

import io.teleflux.component.Component;
import io.teleflux.influx.DirectWriter;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code teleflux relay}: a member of a consumer group on {@code teleflux.kafka.topic} that writes
 * the records' lines to InfluxDB through a {@link DirectWriter} and commits a partition's offset
 * only after InfluxDB has acknowledged (or the error policy has settled) every line up to it: at
 * least once. A record replayed after a crash or a rebalance holds the same series and timestamps,
 * so InfluxDB overwrites the points instead of adding them.
 *
 * <p>One thread polls, commits and rewinds: it alone touches the consumer. It hands each
 * partition's share of a poll to {@code writers} writer threads as a batch and keeps polling while
 * they write; their outcomes come back through a queue. A partition is committed only up to its
 * first record InfluxDB has not acknowledged ({@link OffsetTracker}), whatever order the batches
 * finish in. While InfluxDB is down, a write is given up after half of {@code max-poll-interval};
 * the partition's other batches are then given up too, and once none is being written the
 * partition is rewound to its first unwritten record and read again.
 */
public final class Relay implements Component {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final KafkaConfig kafka;
    private final RelayConfig cfg;
    private final Metrics metrics;
    private final DirectWriter writer;
    private final Consumer<byte[], byte[]> consumer;
    private final RateLimitedLog rateLimited = new RateLimitedLog(log, 60_000);
    private final Metrics.Counter records;
    private final Metrics.Counter lines;
    private final Metrics.Counter commits;
    private final Metrics.Counter rebalances;
    private final Metrics.Counter failures;
    private final Metrics.Counter skipped;
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final OffsetTracker tracker = new OffsetTracker();
    /** The writers' outcomes, taken in by the poll thread: only it touches the consumer and the tracker. */
    private final LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    private final ExecutorService writers;
    private final AtomicInteger writing = new AtomicInteger();
    /** Records polled but not yet settled beyond which polling pauses. */
    private final int maxPending;
    private final Duration revokeWait;
    private boolean full;
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile Throwable died;

    public Relay(KafkaConfig kafka, RelayConfig cfg, InfluxConfig influx, String instance, Metrics metrics) {
        this.kafka = kafka;
        this.cfg = cfg;
        this.metrics = metrics;
        metrics.describe(KafkaMetrics.RELAY_RECORDS, Metrics.Type.COUNTER, "Records the relay consumed from Kafka.")
                .describe(KafkaMetrics.RELAY_LINES, Metrics.Type.COUNTER, "Lines (points) in the records consumed.")
                .describe(KafkaMetrics.RELAY_COMMITS, Metrics.Type.COUNTER,
                        "Offset commits, each after InfluxDB settled every line up to the offset.")
                .describe(KafkaMetrics.RELAY_COMMITTED, Metrics.Type.GAUGE,
                        "The last offset this relay committed, by partition (topic-N).")
                .describe(KafkaMetrics.RELAY_LAG, Metrics.Type.GAUGE,
                        "Records in the partitions assigned to this relay not yet written to InfluxDB and committed "
                                + "(as of the last poll).")
                .describe(KafkaMetrics.RELAY_REBALANCES, Metrics.Type.COUNTER,
                        "Partition assignments this relay received (rebalances of the group).")
                .describe(KafkaMetrics.RELAY_FAILURES, Metrics.Type.COUNTER,
                        "Polled records whose write was given up (InfluxDB down); they are read again.")
                .describe(KafkaMetrics.RELAY_SKIPPED, Metrics.Type.COUNTER,
                        "Records skipped because they are not line protocol ending in a newline.")
                .describe(KafkaMetrics.RELAY_PARTITIONS, Metrics.Type.GAUGE, "Partitions assigned to this relay.")
                .describe(KafkaMetrics.RELAY_UP, Metrics.Type.GAUGE, "1 while the relay runs.");
        records = metrics.counter(KafkaMetrics.RELAY_RECORDS);
        lines = metrics.counter(KafkaMetrics.RELAY_LINES);
        commits = metrics.counter(KafkaMetrics.RELAY_COMMITS);
        rebalances = metrics.counter(KafkaMetrics.RELAY_REBALANCES);
        failures = metrics.counter(KafkaMetrics.RELAY_FAILURES);
        skipped = metrics.counter(KafkaMetrics.RELAY_SKIPPED);
        metrics.gauge(KafkaMetrics.RELAY_LAG, () -> lag.values().stream().mapToLong(Long::longValue).sum());
        metrics.gauge(KafkaMetrics.RELAY_PARTITIONS, assigned::size);
        metrics.gauge(KafkaMetrics.RELAY_UP, () -> 1);
        metrics.describe(KafkaMetrics.RELAY_WRITING, Metrics.Type.GAUGE,
                "Batches being written to InfluxDB now (at most teleflux.relay.writers).");
        metrics.gauge(KafkaMetrics.RELAY_WRITING, writing::get);
        this.writers = Executors.newFixedThreadPool(cfg.writers(),
                Thread.ofPlatform().name("teleflux-relay-writer-", 0).daemon().factory());
        this.maxPending = 2 * cfg.writers() * cfg.maxPollRecords();
        // well inside the rebalance timeout (max-poll-interval), which the group waits for this relay
        this.revokeWait = cfg.maxPollInterval().dividedBy(4);
        this.writer = new DirectWriter(influx, metrics);
        this.consumer = new KafkaConsumer<>(consumerProps(kafka, cfg, instance), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    static Map<String, Object> consumerProps(KafkaConfig kafka, RelayConfig cfg, String instance) {
        String id = kafka.clientId().isEmpty() ? "teleflux-" + instance + "-relay" : kafka.clientId() + "-relay";
        Map<String, Object> p = ClientProps.common(kafka, id);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // committed only after InfluxDB acknowledged
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group starts at the oldest record kept
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, cfg.maxPollRecords());
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) cfg.maxPollInterval().toMillis());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) cfg.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, cfg.sessionTimeout().toMillis() / 3));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public synchronized void start() {
        if (thread != null || stopping) {
            return;
        }
        log.info("Relaying Kafka {} (group \"{}\") to InfluxDB {}", "topic \"" + kafka.topic() + "\" at "
                + String.join(",", kafka.bootstrapServers()), cfg.groupId(), writer.describe());
        thread = Thread.ofPlatform().name("teleflux-relay").start(this::run);
    }

    private void run() {
        try {
            try {
                if (!writer.createDatabase()) {
                    log.warn("Could not create the InfluxDB database at start; writes will create it when it is missing");
                }
            } catch (InterruptedException e) {
                return;
            }
            consumer.subscribe(List.of(kafka.topic()), new Listener());
            while (!stopping) {
                settle();
                pauseOrResume();
                ConsumerRecords<byte[], byte[]> polled;
                try {
                    // while batches are out, come back soon to commit what they finished
                    polled = consumer.poll(Duration.ofMillis(tracker.pendingRecords() > 0 ? 50 : 500));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    // brokers unreachable, authentication refused, ...: the cause is for the operator to
                    // fix; the relay keeps trying rather than ending (a restart would not cure it)
                    rateLimited.warn("poll", "Polling Kafka failed: {}; retrying", e.toString());
                    pause(1_000);
                    continue;
                }
                if (!polled.isEmpty()) {
                    hand(polled);
                }
                updateLag();
            }
        } catch (WakeupException e) {
            // close() during a commit: what was not committed is read again by the next owner
        } catch (RuntimeException | Error e) {
            died = e;
            log.error("The relay stopped: {}", e.toString(), e);
        } finally {
            finish();
        }
    }

    /**
     * Hands each partition's records of a poll to the writers as one batch. Records of a partition
     * that takes nothing now (a failed batch awaits its rewind) are dropped: the rewind reads them again.
     */
    private void hand(ConsumerRecords<byte[], byte[]> polled) {
        records.add(polled.count());
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = polled.records(tp);
            List<byte[]> chunks = new ArrayList<>(rs.size());
            List<Integer> counts = new ArrayList<>(rs.size());
            long n = 0;
            for (ConsumerRecord<byte[], byte[]> r : rs) {
                byte[] v = r.value();
                int c = v == null ? 0 : newlines(v);
                if (c == 0 || v[v.length - 1] != '\n') {
                    rateLimited.warn("bad-record", "Record at {} offset {} is not line protocol ending in a newline; skipped",
                            tp, r.offset());
                    skipped.inc();
                    continue;
                }
                chunks.add(v);
                counts.add(c);
                n += c;
            }
            lines.add(n);
            OffsetTracker.Batch b = tracker.add(tp, rs.getFirst().offset(), rs.getLast().offset() + 1, rs.size(),
                    chunks, counts);
            if (b == null) {
                failures.add(rs.size());
            } else if (chunks.isEmpty()) {
                tracker.completed(b, true); // nothing to write: settled
            } else {
                writers.execute(() -> write(b));
            }
        }
    }

    /** On a writer thread: writes one batch and hands the outcome back to the poll thread. */
    private void write(OffsetTracker.Batch b) {
        if (!b.begin()) {
            return; // cancelled while queued: the poll thread has already counted it out
        }
        writing.incrementAndGet();
        boolean ok = false;
        try {
            long giveUpAt = System.nanoTime() + cfg.maxPollInterval().toNanos() / 2;
            ok = writer.write(b.chunks, b.lines, () -> stopping || b.aborted() || System.nanoTime() > giveUpAt);
        } catch (RuntimeException | Error e) {
            // reported as not written: the records are read again rather than lost
            rateLimited.warn("write-error", "Writing {} failed: {}", b, e.toString());
        } finally {
            writing.decrementAndGet();
            done.add(new Done(b, ok));
        }
    }

    /** A batch's outcome, from a writer thread to the poll thread. */
    private record Done(OffsetTracker.Batch batch, boolean written) {
    }

    /**
     * On the poll thread: takes in the writers' outcomes, commits every partition up to its first
     * record not acknowledged, and rewinds the failed partitions whose batches have all ended.
     */
    private void settle() {
        drain();
        commit(tracker.committable());
        tracker.rewinds().forEach((tp, rw) -> {
            failures.add(rw.records());
            if (assigned.contains(tp)) {
                consumer.seek(tp, rw.offset());
            }
        });
    }

    private void drain() {
        Done d;
        while ((d = done.poll()) != null) {
            taken(d);
        }
    }

    private void taken(Done d) {
        if (tracker.completed(d.batch(), d.written()) && !d.written() && !stopping && !d.batch().aborted()) {
            rateLimited.warn("gave-up", "InfluxDB did not take {} lines of {} in time; the records are read again",
                    d.batch().lines.stream().mapToInt(Integer::intValue).sum(), d.batch().tp);
        }
    }

    private void commit(Map<TopicPartition, Long> upTo) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        upTo.forEach((tp, o) -> {
            if (assigned.contains(tp)) { // a partition revoked meanwhile is committed by its new owner's reads
                next.put(tp, new OffsetAndMetadata(o));
            }
        });
        if (next.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(next);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // the lines are in InfluxDB; a later commit covers these offsets too, and if none comes
            // (rebalanced away, brokers down) the next owner writes them again: same points, overwritten
            rateLimited.warn("commit", "Committing offsets failed: {}; the records may be written again", e.toString());
            return;
        }
        commits.inc();
        next.forEach((tp, om) -> committed(tp, om.offset()));
    }

    /**
     * Pauses every partition while too many polled records wait for the writers (until half of
     * them are written), and a failed partition until its rewind; resumes the others.
     */
    private void pauseOrResume() {
        int pending = tracker.pendingRecords();
        if (pending >= maxPending) {
            full = true;
        } else if (pending <= maxPending / 2) {
            full = false;
        }
        Set<TopicPartition> want = new HashSet<>(full ? assigned : tracker.failed());
        want.retainAll(assigned);
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> resume = paused.stream().filter(tp -> !want.contains(tp)).toList();
        want.removeAll(paused);
        if (!want.isEmpty()) {
            consumer.pause(want);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** The relay stops: the writers give up, and what they settled before is committed. */
    private void finish() {
        writers.shutdown();
        try {
            if (!writers.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("relay writers still busy after 5 s; what they write is read again by the group");
            }
            drain();
            commit(tracker.committable());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("last commit: {}", e.toString());
        }
        tracker.clear();
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer: {}", e.toString());
        }
    }

    /** Lag = the partition's end (as of the last fetch) minus the offset committed for it. */
    private void updateLag() {
        for (TopicPartition tp : assigned) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                continue;
            }
            long end;
            try {
                end = consumer.position(tp, Duration.ZERO) + l.getAsLong();
            } catch (RuntimeException e) {
                continue; // no position yet
            }
            Long c = committed.get(tp);
            lag.put(tp, c == null ? l.getAsLong() : Math.max(0, end - c));
        }
    }

    private void committed(TopicPartition tp, long offset) {
        if (committed.put(tp, offset) == null) {
            metrics.gauge(KafkaMetrics.RELAY_COMMITTED, () -> committed.getOrDefault(tp, 0L), "partition", tp.toString());
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private static int newlines(byte[] v) {
        int c = 0;
        for (byte b : v) {
            if (b == '\n') {
                c++;
            }
        }
        return c;
    }

    /**
     * Keeps the assigned set (what may be committed) and counts rebalances. A revoked partition
     * takes no new batch; the relay waits (at most {@link #revokeWait}) for the batches being
     * written, commits what is settled and lets the partition go. A lost one is dropped at once,
     * uncommitted: another relay may already own it.
     */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            tracker.close(partitions);
            long until = System.nanoTime() + revokeWait.toNanos();
            try {
                while (tracker.writing(partitions)) {
                    long left = until - System.nanoTime();
                    Done d = left > 0 ? done.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (d == null) {
                        log.warn("Batches of revoked partitions {} still written after {} ms; the next owner writes them again",
                                partitions, revokeWait.toMillis());
                        break;
                    }
                    taken(d);
                }
                drain();
                commit(tracker.committable());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                forget(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            tracker.remove(partitions);
            assigned.removeAll(partitions);
            partitions.forEach(lag::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            rebalances.inc();
            try {
                // the group's offsets, where this relay starts: the base of the lag until it commits itself
                consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(5)).forEach((tp, om) -> {
                    if (om != null) {
                        committed(tp, om.offset());
                    }
                });
            } catch (RuntimeException e) {
                log.debug("committed offsets of {}: {}", partitions, e.toString());
            }
            if (!partitions.isEmpty()) {
                log.info("Assigned partitions {}", partitions);
            }
        }
    }

    /** For /health: null while the relay runs, else why not. */
    public String problem() {
        Throwable t = died;
        if (t != null) {
            return "relay thread died: " + t;
        }
        Thread th = thread;
        if (th != null && !th.isAlive() && !stopping) {
            return "relay thread ended";
        }
        return null;
    }

    @Override
    public void close(Duration timeout) {
        Thread th;
        synchronized (this) {
            stopping = true;
            th = thread;
        }
        if (th == null) {
            writers.shutdownNow();
            consumer.close(Duration.ZERO);
            writer.close();
            return;
        }
        consumer.wakeup();
        try {
            th.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        log.info("relay stopped; what it had not committed is read again by the group");
    }
}
