package io.teleflux;

import io.teleflux.kafka.KafkaMetrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.sim.snmp.V3User;
import io.teleflux.testsupport.FreePorts;
import io.teleflux.testsupport.GnmiTargetFixture;
import io.teleflux.testsupport.KafkaFixture;
import io.teleflux.testsupport.ManagedProcess;
import io.teleflux.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared polling with real parts: a KRaft broker (KafkaFixture), collectors as separate processes
 * ({@code java -jar target/teleflux.jar run}) with {@code teleflux.share} on, and real agents.
 *
 * <p>Who polled what when is recorded on the agents' side. SNMP: the project's simulated agent,
 * in this JVM, serves the 12 targets as SNMPv3 contexts of one endpoint; every collector process
 * has an SNMPv3 user of its own, so each request the agent answered names, authenticated, the
 * collector that sent it and the target it asked about (no reliance on source ports or logs).
 * gNMI: the Python target prints each Subscribe with the caller's {@code username} metadata (each
 * collector has its own) and each stream's end.
 *
 * <p>Timing (2 shared cores, load 4-6): interval 2 s, session timeout 6 s; a takeover is allowed
 * session + interval + 4 s, a gap between two polls of a target one interval more (its last poll
 * came up to an interval before its collector died).
 */
class SharedPollingIT {
    static final long INTERVAL_MS = 2_000;
    static final long SESSION_MS = 6_000;
    static final long SLACK_MS = 4_000;
    static final int TARGETS = 12;
    static final int PARTITIONS = 30;
    static final int USERS = 12;
    /** Requests of one (collector, target) closer than this are one poll (its GET and GETBULKs). */
    static final long SAME_POLL_MS = 700;

    record Heard(String who, int device, long atMs) {
    }

    record Poll(String who, int device, long atMs) {
    }

    static KafkaFixture kafka;
    static SnmpAgentSimulator agent;
    static final ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();
    static Path dir;

    @BeforeAll
    static void launch() throws Exception {
        dir = TempDirs.create("teleflux-share-it-");
        kafka = KafkaFixture.launch();
        kafka.createTopic("lines", 1);
        List<V3User> users = new ArrayList<>();
        for (int i = 1; i <= USERS; i++) {
            users.add(V3User.authNoPriv(user(i), V3User.Auth.SHA, "authpass-" + user(i)));
        }
        agent = new SnmpAgentSimulator(new CounterModel(11, 2, "sim-"), TARGETS, "127.0.0.1", 0, users)
                .onRequest((who, device, t) -> heard.add(new Heard(who, device, System.currentTimeMillis())));
        agent.start();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        TempDirs.delete(dir);
    }

    static String user(int i) {
        return "coll-%02d".formatted(i);
    }

    /** A collector process with its own SNMPv3 user and gNMI username. */
    static final class Member {
        final String who;
        final ManagedProcess process;
        final int http;

        Member(int n, String group, String topic, String inputs) throws Exception {
            this.who = user(n);
            this.http = FreePorts.next();
            Path conf = dir.resolve(who + ".conf");
            Files.writeString(conf, """
                    teleflux {
                      instance = %s
                      selfmon.enabled = false
                      dialout.enabled = false
                      live.enabled = false
                      http.listen = "127.0.0.1:%d"
                      influx.enabled = false
                      kafka { enabled = true, bootstrap-servers = "%s", topic = lines, flush-interval = 200ms, spool.dir = "%s" }
                      share { enabled = true, group-id = %s, topic = %s, partitions = %d, session-timeout = %dms }
                      %s
                    }
                    """.formatted(who, http, kafka.bootstrap(), dir.resolve(who + "-spool"), group, topic, PARTITIONS,
                    SESSION_MS, inputs.replace("$USER", who)));
            process = new ManagedProcess(who, List.of(SpoolCrashIT.JAVA, "-Xmx160m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", CliIT.JAR.toAbsolutePath().toString(), "run", "--config",
                    conf.toString()), dir, dir.resolve(who + ".log"));
        }

        Member start() throws InterruptedException {
            SpoolCrashIT.startCollector(process, http);
            return this;
        }

        double metric(String name) {
            return SpoolCrashIT.metric(http, name);
        }

        @Override
        public String toString() {
            return who;
        }
    }

    static String snmpTargets() {
        StringBuilder b = new StringBuilder("snmp { interval = 2s, timeout = 1s, retries = 0, targets = [\n");
        for (int d = 0; d < TARGETS; d++) {
            b.append("{ address = \"127.0.0.1:").append(agent.port()).append("\", name = sw-").append(d + 1)
                    .append(", version = 3, security-name = $USER, auth-protocol = SHA, auth-passphrase = \"authpass-$USER\"")
                    .append(", context-name = sim-").append("%04d".formatted(d + 1)).append(" }\n");
        }
        return b.append("] }").toString();
    }

    /** Waits until the running members hold every partition between them, each at least one. */
    static void awaitBalanced(List<Member> running) throws InterruptedException {
        boolean ok = TestCollector.await(60, () -> {
            double sum = 0;
            for (Member m : running) {
                double p = m.metric(KafkaMetrics.SHARE_PARTITIONS);
                if (p <= 0) {
                    return false;
                }
                sum += p;
            }
            return sum == PARTITIONS;
        });
        assertThat(ok).as("%s hold the %d partitions between them: %s", running, PARTITIONS,
                running.stream().map(m -> m.who + "=" + m.metric(KafkaMetrics.SHARE_PARTITIONS)).toList()).isTrue();
    }

    /** The polls in [from, to), per target: requests of one collector within SAME_POLL_MS are one poll. */
    static Map<Integer, List<Poll>> polls(long from, long to) {
        Map<Integer, List<Poll>> out = new TreeMap<>();
        List<Heard> all = new ArrayList<>(heard);
        all.sort(Comparator.comparingLong(Heard::atMs));
        Map<String, Long> last = new HashMap<>();
        for (Heard h : all) {
            if (h.atMs() < from || h.atMs() >= to) {
                continue;
            }
            String k = h.who() + "/" + h.device();
            Long prev = last.put(k, h.atMs());
            if (prev == null || h.atMs() - prev > SAME_POLL_MS) {
                out.computeIfAbsent(h.device(), d -> new ArrayList<>()).add(new Poll(h.who(), h.device(), h.atMs()));
            }
        }
        for (int d = 0; d < TARGETS; d++) {
            out.putIfAbsent(d, new ArrayList<>());
        }
        return out;
    }

    /** Pairs of polls of one target by two collectors less than 3/4 of an interval apart: polled twice in one interval. */
    static List<Poll[]> doubles(List<Poll> ps) {
        List<Poll[]> out = new ArrayList<>();
        for (int i = 1; i < ps.size(); i++) {
            for (int j = i - 1; j >= 0 && ps.get(i).atMs() - ps.get(j).atMs() < INTERVAL_MS * 3 / 4; j--) {
                if (!ps.get(i).who().equals(ps.get(j).who())) {
                    out.add(new Poll[]{ps.get(j), ps.get(i)});
                }
            }
        }
        return out;
    }

    /** The longest time in [from, to) without a poll of the target. */
    static long longestGap(List<Poll> ps, long from, long to) {
        long prev = from;
        long max = 0;
        for (Poll p : ps) {
            max = Math.max(max, p.atMs() - prev);
            prev = p.atMs();
        }
        return Math.max(max, to - prev);
    }

    static Map<Integer, Set<String>> pollers(Map<Integer, List<Poll>> polls) {
        Map<Integer, Set<String>> out = new TreeMap<>();
        polls.forEach((d, ps) -> out.put(d, ps.stream().map(Poll::who).collect(Collectors.toCollection(TreeSet::new))));
        return out;
    }

    /** Every target polled by exactly one collector, about once an interval, none twice in one interval. */
    static void assertSteady(String phase, long from, long to) {
        Map<Integer, List<Poll>> polls = polls(from, to);
        long intervals = (to - from) / INTERVAL_MS;
        System.out.printf("SharedPollingIT %s: %d s, pollers %s%n", phase, (to - from) / 1000, pollers(polls));
        polls.forEach((d, ps) -> {
            assertThat(ps.stream().map(Poll::who).distinct().count()).as("%s: sw-%d polled by one collector: %s", phase, d + 1, ps)
                    .isEqualTo(1);
            assertThat((long) ps.size()).as("%s: sw-%d polled every interval", phase, d + 1)
                    .isBetween(intervals - 1, intervals + 1);
            assertThat(doubles(ps)).as("%s: sw-%d", phase, d + 1).isEmpty();
        });
    }

    @Test
    void snmpTargetsMoveOnKillAndThroughARebalanceStormWithoutDoublesOrLongGaps() throws Exception {
        String group = KafkaFixture.uniqueName("snmp-share");
        String topic = KafkaFixture.uniqueName("targets");
        String inputs = snmpTargets();
        Map<String, Member> all = new LinkedHashMap<>();
        List<Member> running = new ArrayList<>();
        Function<Integer, Member> member = n -> {
            try {
                Member m = new Member(n, group, topic, inputs);
                all.put(m.who, m);
                return m;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            // 1. three collectors, twelve targets: each polled by exactly one, every interval
            for (int i = 1; i <= 3; i++) {
                running.add(member.apply(i).start());
            }
            awaitBalanced(running);
            assertThat(TestCollector.await(30, () -> pollers(polls(System.currentTimeMillis() - INTERVAL_MS - 500,
                    System.currentTimeMillis())).values().stream().allMatch(s -> s.size() == 1))).isTrue();
            long steady = System.currentTimeMillis();
            Thread.sleep(4 * INTERVAL_MS);
            assertSteady("steady, 3 collectors", steady, System.currentTimeMillis());
            assertThat(running.stream().mapToDouble(m -> m.metric("teleflux_snmp_targets_owned")).sum()).isEqualTo(TARGETS);
            assertThat(running).allSatisfy(m -> assertThat(m.metric(KafkaMetrics.SHARE_CONTACT_AGE))
                    .as("%s heartbeats", m).isBetween(0.0, SESSION_MS / 1000.0));

            // 2. SIGKILL the collector with the most targets: each is polled by another within session + interval
            Map<Integer, Set<String>> owners = pollers(polls(steady, System.currentTimeMillis()));
            Member victim = running.stream().max(Comparator.comparingLong(m -> owners.values().stream()
                    .filter(s -> s.contains(m.who)).count())).orElseThrow();
            Set<Integer> its = new TreeSet<>();
            owners.forEach((d, s) -> {
                if (s.contains(victim.who)) {
                    its.add(d);
                }
            });
            assertThat(its).isNotEmpty();
            victim.process.kill();
            long killed = System.currentTimeMillis();
            running.remove(victim);
            long bound = SESSION_MS + INTERVAL_MS + SLACK_MS;
            TestCollector.await((int) (bound / 1000) + 10, () -> its.stream().allMatch(d -> !polls(killed, Long.MAX_VALUE).get(d).isEmpty()));
            Map<Integer, List<Poll>> after = polls(killed, Long.MAX_VALUE);
            Map<Integer, Long> takeover = new TreeMap<>();
            for (int d : its) {
                assertThat(after.get(d)).as("sw-%d (was %s's) polled again", d + 1, victim).isNotEmpty();
                assertThat(after.get(d).get(0).who()).isNotEqualTo(victim.who);
                takeover.put(d + 1, after.get(d).get(0).atMs() - killed);
            }
            System.out.printf("SharedPollingIT: %s killed with %d targets; taken over after (ms) %s (bound %d)%n",
                    victim, its.size(), takeover, bound);
            assertThat(takeover.values()).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(bound));
            awaitBalanced(running);
            long calm = System.currentTimeMillis() + INTERVAL_MS;
            Thread.sleep(4 * INTERVAL_MS);
            assertSteady("after the kill, 2 collectors", calm, System.currentTimeMillis());
            polls(killed, System.currentTimeMillis()).forEach((d, ps) ->
                    assertThat(doubles(ps)).as("sw-%d after the kill", d + 1).isEmpty());

            // 3. rebalance storm: collectors join, leave (SIGTERM) and die (SIGKILL) every few seconds
            long storm = System.currentTimeMillis();
            int next = 4;
            List<String> events = new ArrayList<>();
            for (int step = 0; step < 10; step++) {
                switch (step % 4) {
                    case 0, 2 -> {
                        Member m = member.apply(next++).start();
                        running.add(m);
                        events.add("+" + m.who);
                    }
                    case 1 -> {
                        Member m = running.remove(0);
                        m.process.stop(Duration.ofSeconds(20));
                        events.add("-" + m.who + "(TERM)");
                    }
                    default -> {
                        Member m = running.remove(running.size() - 1);
                        m.process.kill();
                        events.add("-" + m.who + "(KILL)");
                    }
                }
                Thread.sleep(3_000);
            }
            long stormEnd = System.currentTimeMillis();
            awaitBalanced(running);
            long settled = System.currentTimeMillis() + INTERVAL_MS;
            Thread.sleep(4 * INTERVAL_MS);
            long end = System.currentTimeMillis();
            Map<Integer, List<Poll>> stormPolls = polls(storm, end);
            Map<Integer, Long> gaps = new TreeMap<>();
            Map<Integer, Integer> doubled = new TreeMap<>();
            stormPolls.forEach((d, ps) -> {
                gaps.put(d + 1, longestGap(ps, storm, end));
                doubled.put(d + 1, doubles(ps).size());
            });
            System.out.printf("SharedPollingIT storm: %d s, %s; longest gap per target (ms) %s; polled twice in one "
                    + "interval %s; survivors' %s %s%n", (stormEnd - storm) / 1000, events, gaps, doubled,
                    KafkaMetrics.SHARE_LOST, running.stream().map(m -> m.who + "=" + m.metric(KafkaMetrics.SHARE_LOST)).toList());
            // a gap runs from the last poll before the owner died, up to an interval before its death, so
            // it may be one interval longer than a takeover (seen: 12.1 s, with the takeover bound at 12 s)
            assertThat(gaps.values()).as("no target unpolled longer than an interval + session + interval (+ slack)")
                    .allSatisfy(g -> assertThat(g).isLessThanOrEqualTo(SESSION_MS + 2 * INTERVAL_MS + SLACK_MS));
            stormPolls.forEach((d, ps) -> {
                // a double may only come from one rebalance: never two intervals in a row
                List<Poll[]> ds = doubles(ps);
                for (int i = 1; i < ds.size(); i++) {
                    assertThat(ds.get(i)[1].atMs() - ds.get(i - 1)[1].atMs()).as("sw-%d polled twice in consecutive intervals: %s",
                            d + 1, ds.stream().map(p -> p[0] + " & " + p[1]).toList()).isGreaterThan(INTERVAL_MS * 3 / 2);
                }
            });
            assertSteady("after the storm, " + running.size() + " collectors", settled, end);

            // 4. Kafka gone: each collector polls on until a session timeout after its last heartbeat, then stops
            // (the group would have given its targets to others); Kafka back, they share the targets again
            kafka.stop();
            long down = System.currentTimeMillis();
            Thread.sleep(SESSION_MS + 1_000 + 2 * INTERVAL_MS);
            Map<Integer, List<Poll>> cutOff = polls(down + SESSION_MS + 1_000, System.currentTimeMillis());
            Map<Integer, Long> lastPoll = new TreeMap<>();
            polls(down, System.currentTimeMillis()).forEach((d, ps) ->
                    lastPoll.put(d + 1, ps.isEmpty() ? -1 : ps.get(ps.size() - 1).atMs() - down));
            System.out.printf("SharedPollingIT Kafka down: last poll per target after the broker stopped (ms) %s%n", lastPoll);
            assertThat(cutOff.values()).as("nothing polled from a session timeout (+1 s) after Kafka went").allSatisfy(
                    ps -> assertThat(ps).isEmpty());
            assertThat(running).allSatisfy(m -> assertThat(m.metric(KafkaMetrics.SHARE_PARTITIONS)).isZero());
            kafka.start();
            awaitBalanced(running);
            long back = System.currentTimeMillis() + INTERVAL_MS;
            Thread.sleep(3 * INTERVAL_MS);
            assertSteady("Kafka back, " + running.size() + " collectors", back, System.currentTimeMillis());
        } finally {
            for (Member m : all.values()) {
                m.process.kill();
            }
        }
    }

    static final Pattern SUBSCRIBE = Pattern.compile("^(SUBSCRIBE|ENDED) .*\"target\": \"([^\"]*)\".*\"user\": \"([^\"]*)\"|"
            + "^(SUBSCRIBE|ENDED) .*\"user\": \"([^\"]*)\".*\"target\": \"([^\"]*)\"");

    /** Open Subscribe streams per target, by collector, from what the target printed. */
    static Map<String, List<String>> streams(GnmiTargetFixture target) {
        Map<String, List<String>> open = new TreeMap<>();
        for (String line : target.lines()) {
            Matcher m = SUBSCRIBE.matcher(line);
            if (!m.find()) {
                continue;
            }
            boolean first = m.group(1) != null;
            String kind = first ? m.group(1) : m.group(4);
            String t = first ? m.group(2) : m.group(6);
            String u = first ? m.group(3) : m.group(5);
            List<String> l = open.computeIfAbsent(t, k -> new ArrayList<>());
            if (kind.equals("SUBSCRIBE")) {
                l.add(u);
            } else {
                l.remove(u);
            }
        }
        return open;
    }

    @Test
    void gnmiTargetsAreSubscribedByOneCollectorAndMoveWhenItIsKilled() throws Exception {
        String group = KafkaFixture.uniqueName("gnmi-share");
        String topic = KafkaFixture.uniqueName("targets");
        List<String> names = List.of("g1", "g2", "g3", "g4", "g5", "g6");
        try (GnmiTargetFixture target = GnmiTargetFixture.builder().devices(names.toArray(String[]::new))
                .startMs(System.currentTimeMillis() / 1000 * 1000).samples(1).stepMs(1000).live().launch()) {
            StringBuilder b = new StringBuilder("gnmi { defaults { sample-interval = 1s, tls.enabled = false, username = $USER }, targets = [\n");
            for (String n : names) {
                b.append("{ name = ").append(n).append(", target = ").append(n).append(", address = \"")
                        .append(target.address()).append("\" }\n");
            }
            String inputs = b.append("] }").toString();
            Member a = new Member(USERS - 1, group, topic, inputs);
            Member c = new Member(USERS, group, topic, inputs);
            try {
                a.start();
                c.start();
                awaitBalanced(List.of(a, c));
                boolean one = TestCollector.await(30, () -> {
                    Map<String, List<String>> s = streams(target);
                    return names.stream().allMatch(n -> s.getOrDefault(n, List.of()).size() == 1);
                });
                Map<String, List<String>> before = streams(target);
                System.out.printf("SharedPollingIT gNMI: streams by target %s%n", before);
                assertThat(one).as("each target has one stream: %s", before).isTrue();
                assertThat(before.values().stream().map(l -> l.get(0)).distinct().count()).as("both collectors have targets").isEqualTo(2);
                assertThat(a.metric("teleflux_gnmi_targets_owned") + c.metric("teleflux_gnmi_targets_owned")).isEqualTo(names.size());
                Thread.sleep(2_000);
                assertThat(streams(target)).as("still one stream each").isEqualTo(before);

                a.process.kill();
                long killed = System.currentTimeMillis();
                boolean moved = TestCollector.await((int) (SESSION_MS + SLACK_MS) / 1000 + 10, () -> {
                    Map<String, List<String>> s = streams(target);
                    return names.stream().allMatch(n -> s.getOrDefault(n, List.of()).equals(List.of(c.who)));
                });
                long took = System.currentTimeMillis() - killed;
                System.out.printf("SharedPollingIT gNMI: %s killed; every target subscribed by %s only after %d ms: %s%n",
                        a.who, c.who, took, streams(target));
                assertThat(moved).as("every target subscribed by %s alone: %s", c.who, streams(target)).isTrue();
                assertThat(took).isLessThanOrEqualTo(SESSION_MS + SLACK_MS + 2_000);
                assertThat(c.metric("teleflux_gnmi_targets_owned")).isEqualTo(names.size());
                assertThat(c.metric("teleflux_gnmi_connected")).isEqualTo(names.size());
            } finally {
                a.process.kill();
                c.process.kill();
            }
        }
    }
}
