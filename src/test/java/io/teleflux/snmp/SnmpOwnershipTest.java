package io.teleflux.snmp;

import io.teleflux.input.Ownership;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The poller follows its {@link Ownership}: only owned targets are polled; when the owned set
 * changes, the listener returns only once the targets taken away are no longer polled, and a
 * target given is polled within one interval. The simulated agent (in this JVM, on loopback)
 * records every request it answers.
 */
class SnmpOwnershipTest {
    record Heard(int device, long atMs) {
    }

    /** A settable ownership, as the Kafka membership is in the collector. */
    static final class Settable {
        volatile Set<String> owned;
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        final Ownership ownership = Ownership.of(t -> owned.contains(t), listeners::add);

        Settable(Set<String> owned) {
            this.owned = owned;
        }

        void set(Set<String> now) {
            owned = now;
            listeners.forEach(Runnable::run);
        }
    }

    @Test
    void pollsOnlyWhatItOwnsAndFollowsChangesAtOnce() throws Exception {
        ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();
        CounterModel model = new CounterModel(7, 2, "sim-");
        try (SnmpAgentSimulator agent = new SnmpAgentSimulator(model, 4, "127.0.0.1", 0, List.of())
                .withCommunityPrefix("ro-")
                .onRequest((who, device, t) -> heard.add(new Heard(device, System.currentTimeMillis())))) {
            agent.start();
            StringBuilder targets = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                targets.append("{ address = \"127.0.0.1:").append(agent.port()).append("\", name = sw-").append(i)
                        .append(", community = ro-sim-000").append(i).append(" }\n");
            }
            SnmpConfig cfg = SnmpPollerTest.config("interval = 1s, timeout = 500ms, retries = 0\ntargets = [" + targets + "]");
            Settable own = new Settable(Set.of("sw-1", "sw-2"));
            Metrics metrics = new Metrics();
            try (SnmpPoller poller = new SnmpPoller(cfg, points -> { }, metrics, System::currentTimeMillis, own.ownership)) {
                poller.start();
                Thread.sleep(2_600);
                assertThat(devices(heard, 0)).containsExactlyInAnyOrder(0, 1);
                assertThat(metrics.value(SnmpMetrics.SNMP_TARGETS_OWNED)).isEqualTo(2);

                own.set(Set.of("sw-3"));
                long changed = System.currentTimeMillis();
                Thread.sleep(2_600);
                assertThat(devices(heard, changed)).as("after the change returned").containsExactly(2);
                long firstOfNew = heard.stream().filter(h -> h.device() == 2).mapToLong(Heard::atMs).min().orElseThrow();
                assertThat(firstOfNew - changed).as("a given target is polled within one interval (1 s)").isLessThan(1_500);
                assertThat(metrics.value(SnmpMetrics.SNMP_TARGETS_OWNED)).isEqualTo(1);

                own.set(Set.of());
                long none = System.currentTimeMillis();
                Thread.sleep(1_500);
                assertThat(devices(heard, none)).isEmpty();
                // an explicit poll is not the schedule's: it polls whatever it is asked to
                assertThat(poller.pollOnce(cfg.targets().get(3))).isEqualTo(PollResult.OK);
                assertThat(metrics.value("teleflux_snmp_polls_total", "device", "sw-1", "result", "timeout")).isZero();
            }
        }
    }

    private static Set<Integer> devices(ConcurrentLinkedQueue<Heard> heard, long afterMs) {
        return heard.stream().filter(h -> h.atMs() > afterMs).map(Heard::device).collect(java.util.stream.Collectors.toSet());
    }
}
