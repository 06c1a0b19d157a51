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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code teleflux relay}: a member of a consumer group on {@code teleflux.kafka.topic} that writes
 * the records' lines to InfluxDB through a {@link DirectWriter} and commits a partition's offset
 * only after InfluxDB has acknowledged (or the error policy has settled) every line up to it: at
 * least once. A record replayed after a crash or a rebalance holds the same series and timestamps,
 * so InfluxDB overwrites the points instead of adding them.
 *
 * <p>One thread polls, writes and commits, in that order, so nothing is committed ahead of the
 * writes. While InfluxDB is down, a write is given up after half of {@code max-poll-interval}; the
 * relay then rewinds to the first unwritten records and polls again, which keeps it in the group.
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
                ConsumerRecords<byte[], byte[]> polled;
                try {
                    polled = consumer.poll(Duration.ofMillis(500));
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
                    updateLag(); // what the poll brought counts until it is committed
                    relay(polled);
                }
                // after the write: a batch InfluxDB did not take is rewound, so its records count as lag
                updateLag();
            }
        } catch (WakeupException e) {
            // close() during a commit: what was not committed is read again by the next owner
        } catch (RuntimeException | Error e) {
            died = e;
            log.error("The relay stopped: {}", e.toString(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("closing the Kafka consumer: {}", e.toString());
            }
        }
    }

    private void relay(ConsumerRecords<byte[], byte[]> polled) {
        List<byte[]> chunks = new ArrayList<>(polled.count());
        List<Integer> counts = new ArrayList<>(polled.count());
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        long n = 0;
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.putIfAbsent(tp, r.offset());
            next.put(tp, new OffsetAndMetadata(r.offset() + 1));
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
        records.add(polled.count());
        lines.add(n);
        long giveUpAt = System.nanoTime() + cfg.maxPollInterval().toNanos() / 2;
        boolean settled = chunks.isEmpty()
                || writer.write(chunks, counts, () -> stopping || System.nanoTime() > giveUpAt);
        if (!settled) {
            failures.add(polled.count());
            if (!stopping) {
                rateLimited.warn("gave-up", "InfluxDB did not take {} lines in time; the records are read again", n);
            }
            for (Map.Entry<TopicPartition, Long> e : first.entrySet()) {
                if (assigned.contains(e.getKey())) {
                    consumer.seek(e.getKey(), e.getValue());
                }
            }
            return;
        }
        next.keySet().retainAll(assigned); // a partition revoked meanwhile is committed by its new owner's reads
        if (!next.isEmpty()) {
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

    /** Keeps the assigned set (what may be committed) and counts rebalances. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            partitions.forEach(lag::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
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
