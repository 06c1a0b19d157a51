package io.teleflux.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CounterModelTest {
    /** 2025-06-15T16:53:20.123Z: an arbitrary fixed instant, so every expectation is reproducible. */
    static final long T = 1_750_006_400_123L;
    static final long DAY = 86_400_000L;
    static final int M = 48;

    private final CounterModel model = new CounterModel(1, M, "sim-");

    @Test
    void sameSeedAndTimeGiveSameValuesInAnyQueryOrder() {
        CounterModel a = new CounterModel(7, M, "sim-");
        CounterModel b = new CounterModel(7, M, "sim-");
        long[] times = {T, T + 5_000, T + 3 * DAY + 17};
        Map<String, FlowCounters> first = new HashMap<>();
        for (int d = 0; d < 10; d++) {
            for (int p = 0; p < M; p++) {
                for (long t : times) {
                    InterfaceSample s = a.sample(d, p, t);
                    first.put(d + "/" + p + "/" + t + "/in", s.in());
                    first.put(d + "/" + p + "/" + t + "/out", s.out());
                }
            }
        }
        // the second model meets device 9 first and walks everything backwards
        int compared = 0;
        for (int d = 9; d >= 0; d--) {
            for (int p = M - 1; p >= 0; p--) {
                for (int k = times.length - 1; k >= 0; k--) {
                    InterfaceSample s = b.sample(d, p, times[k]);
                    assertThat(s.in()).isEqualTo(first.get(d + "/" + p + "/" + times[k] + "/in"));
                    assertThat(s.out()).isEqualTo(first.get(d + "/" + p + "/" + times[k] + "/out"));
                    compared++;
                }
            }
            assertThat(b.deviceSample(d, T)).isEqualTo(a.deviceSample(d, T));
            assertThat(b.device(d).model()).isEqualTo(a.device(d).model());
        }
        assertThat(compared).isEqualTo(10 * M * times.length);
    }

    @Test
    void differentSeedsGiveDifferentFleets() {
        CounterModel other = new CounterModel(2, M, "sim-");
        int differ = 0;
        for (int d = 0; d < 5; d++) {
            if (other.octets(d, 1, Direction.IN, T) != model.octets(d, 1, Direction.IN, T)) {
                differ++;
            }
        }
        assertThat(differ).isEqualTo(5);
    }

    @Test
    void namesAreH3cStyle() {
        assertThat(model.deviceName(0)).isEqualTo("sim-0001");
        assertThat(model.deviceName(41)).isEqualTo("sim-0042");
        assertThat(model.deviceIndex("sim-0042")).isEqualTo(41);
        assertThat(model.deviceIndex("sim-42")).isEqualTo(-1);
        assertThat(model.deviceIndex("other-0001")).isEqualTo(-1);
        assertThat(new CounterModel(1, 4, "lab-sw").deviceName(2)).isEqualTo("lab-sw0003");

        Set<Long> speeds = new HashSet<>();
        for (int d = 0; d < 40; d++) {
            List<InterfaceProfile> ifaces = model.interfaces(d);
            assertThat(ifaces).hasSize(M);
            Set<Integer> indexes = new HashSet<>();
            for (InterfaceProfile i : ifaces) {
                assertThat(i.name()).matches("(GigabitEthernet|Ten-GigabitEthernet|Twenty-FiveGigE|HundredGigE)1/0/\\d+");
                String prefix = switch (i.name().substring(0, i.name().indexOf('1'))) {
                    case "GigabitEthernet" -> "GE";
                    case "Ten-GigabitEthernet" -> "XGE";
                    case "Twenty-FiveGigE" -> "WGE";
                    default -> "HGE";
                };
                assertThat(i.abbreviatedName()).isEqualTo(prefix + "1/0/" + i.ifIndex());
                assertThat(i.name()).endsWith("1/0/" + i.ifIndex());
                assertThat(i.mac()).matches("([0-9A-F]{2}-){5}[0-9A-F]{2}");
                assertThat(indexes.add(i.ifIndex())).isTrue();
                speeds.add(i.speedBps());
            }
            // 48 ports: 44 access ports 1..44, 4 uplinks 49..52
            assertThat(ifaces.get(0).ifIndex()).isEqualTo(1);
            assertThat(ifaces.get(43).ifIndex()).isEqualTo(44);
            assertThat(ifaces.get(44).ifIndex()).isEqualTo(49);
            assertThat(ifaces.get(47).ifIndex()).isEqualTo(52);
            assertThat(ifaces.get(47).speedBps()).isGreaterThan(ifaces.get(0).speedBps());
        }
        assertThat(speeds).containsExactlyInAnyOrder(1_000_000_000L, 10_000_000_000L, 25_000_000_000L,
                100_000_000_000L);
    }

    @Test
    void countersNeverDecreaseBetweenSamples() {
        int checked = 0;
        for (int d = 0; d < 12; d++) {
            for (int p = 0; p < M; p++) {
                long t = T + d * 7_919L;
                InterfaceSample prev = model.sample(d, p, t);
                for (long step : new long[] {1, 1, 999, 5_000, 5_000, 60_000, 3_600_000, DAY}) {
                    t += step;
                    InterfaceSample s = model.sample(d, p, t);
                    assertThat(s.bootMs()).as("no reboot inside the window").isEqualTo(prev.bootMs());
                    for (Direction dir : Direction.values()) {
                        assertNotBelow(s.get(dir), prev.get(dir));
                    }
                    prev = s;
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(12 * M * 8);
    }

    private static void assertNotBelow(FlowCounters now, FlowCounters before) {
        assertThat(now.octets()).isGreaterThanOrEqualTo(before.octets());
        assertThat(now.packets()).isGreaterThanOrEqualTo(before.packets());
        assertThat(now.unicast()).isGreaterThanOrEqualTo(before.unicast());
        assertThat(now.multicast()).isGreaterThanOrEqualTo(before.multicast());
        assertThat(now.broadcast()).isGreaterThanOrEqualTo(before.broadcast());
        assertThat(now.errors()).isGreaterThanOrEqualTo(before.errors());
        assertThat(now.discards()).isGreaterThanOrEqualTo(before.discards());
    }

    /**
     * The counter is the integral of the rate: compare with a 1 ms left Riemann sum. That sum is
     * exact for the bursts (steps on whole milliseconds) and off by at most half the rate change
     * for the sines, so the bound is one millisecond at line rate.
     */
    @Test
    void octetDifferenceIsTheIntegralOfTheRate() {
        int checked = 0;
        for (int d = 0; d < 2; d++) {
            long t1 = T + d * 1_000_003L;
            long t2 = t1 + 3 * 60_000;
            for (int p = 0; p < M; p++) {
                checked += checkIntegral(d, p, t1, t2);
            }
        }
        // the burst port over a whole burst period, both burst edges inside
        checked += checkIntegral(3, 0, T + 11, T + 11 + CounterModel.BURST_PERIOD_MS);
        assertThat(checked).isEqualTo(2 * M * 2 + 2);
    }

    private int checkIntegral(int d, int p, long t1, long t2) {
        InterfaceProfile i = model.iface(d, p);
        double bytesPerMsAtLineRate = i.speedBps() / 8000.0;
        for (Direction dir : Direction.values()) {
            double sum = 0;
            for (long t = t1; t < t2; t++) {
                sum += model.rateBitsPerSec(d, p, dir, t) / 8000.0;
            }
            long exact = model.octets(d, p, dir, t2) - model.octets(d, p, dir, t1);
            assertThat(Math.abs(exact - sum)).as("%s %s", i, dir).isLessThanOrEqualTo(bytesPerMsAtLineRate + 2);
            if (i.activity() == Activity.ACTIVE) {
                assertThat(exact).isPositive();
            }
        }
        return 2;
    }

    @Test
    void utilisationStaysWithinZeroAndLineRateAndOnlyTheBurstPortPasses80() {
        long t = T;
        double maxOther = 0;
        double maxBurst = 0;
        for (int k = 0; k < 400; k++) {
            t += 3_600_000L * 7 + 60_013L * k; // wanders through days, hours and burst phases
            for (int d = 0; d < 15; d++) {
                for (int p = 0; p < M; p++) {
                    InterfaceSample s = model.sample(d, p, t);
                    for (Direction dir : Direction.values()) {
                        double u = s.utilPct(dir);
                        assertThat(u).isBetween(0.0, 100.0);
                        assertThat(s.get(dir).recentBytesPerSec() * 8.0).isBetween(0.0, (double) s.iface().speedBps());
                        if (s.iface().burstPort()) {
                            maxBurst = Math.max(maxBurst, u);
                        } else {
                            maxOther = Math.max(maxOther, u);
                        }
                    }
                }
            }
        }
        assertThat(maxOther).isLessThan(70.0);
        assertThat(maxBurst).isGreaterThan(80.0);
    }

    @Test
    void burstPortExceeds80PercentDuringABurstAndOthersStayBelow() {
        for (int d = 0; d < 10; d++) {
            InterfaceProfile burst = model.iface(d, 0);
            assertThat(burst.burstPort()).isTrue();
            assertThat(burst.ifIndex()).isEqualTo(CounterModel.BURST_PORT_IFINDEX);
            assertThat(model.interfaces(d).stream().filter(InterfaceProfile::burstPort).count()).isEqualTo(1);

            // find the next burst start, then measure as a collector would: Δoctets over 5 s samples
            long t = T;
            while (model.burstActive(d, t)) {
                t += 1000;
            }
            while (!model.burstActive(d, t)) {
                t += 1000;
            }
            int inside = 0;
            for (long s = t + 1000; s + 5000 <= t + CounterModel.BURST_LENGTH_MS; s += 5000) {
                for (Direction dir : Direction.values()) {
                    double measured = (model.octets(d, 0, dir, s + 5000) - model.octets(d, 0, dir, s)) * 8.0 / 5.0;
                    assertThat(100 * measured / burst.speedBps()).isBetween(80.0, 100.0);
                }
                for (int p = 1; p < M; p++) {
                    assertThat(model.sample(d, p, s).utilPct(Direction.IN)).isLessThan(80.0);
                }
                inside++;
            }
            assertThat(inside).isGreaterThan(30);
            // and outside the burst it is an ordinary port again
            long quiet = t + CounterModel.BURST_LENGTH_MS + 60_000;
            assertThat(model.sample(d, 0, quiet).utilPct(Direction.IN)).isLessThan(50.0);

            // 3 minutes of every 10: over one hour, 18 minutes of burst
            int burstSeconds = 0;
            for (long s = T; s < T + 3_600_000L; s += 1000) {
                if (model.burstActive(d, s)) {
                    burstSeconds++;
                }
            }
            assertThat(burstSeconds).isEqualTo(18 * 60);
        }
    }

    @Test
    void idlePortsStandStillAndDownPortsStayAtZero() {
        int idle = 0;
        int down = 0;
        for (int d = 0; d < 20; d++) {
            long t = T;
            if (t - model.bootMs(d, t) < 3 * DAY) {
                continue; // idle ports still carry their post-boot traffic
            }
            for (InterfaceProfile i : model.interfaces(d)) {
                InterfaceSample a = model.sample(d, i.position(), t);
                InterfaceSample b = model.sample(d, i.position(), t + 3_600_000L);
                if (i.activity() == Activity.IDLE) {
                    idle++;
                    assertThat(i.operStatus()).isEqualTo(1);
                    assertThat(b.in()).isEqualTo(new FlowCounters(a.in().octets(), a.in().packets(), a.in().unicast(),
                            a.in().multicast(), a.in().broadcast(), a.in().errors(), a.in().discards(), 0, 0));
                    assertThat(b.out().octets()).isEqualTo(a.out().octets());
                    assertThat(a.in().octets()).as("stands still at what it counted before").isPositive();
                    assertThat(b.utilPct(Direction.OUT)).isZero();
                } else if (i.activity() == Activity.DOWN) {
                    down++;
                    assertThat(i.operStatus()).isEqualTo(2);
                    assertThat(b.in().octets() + b.out().octets() + b.in().packets()).isZero();
                } else {
                    assertThat(b.in().octets()).isGreaterThan(a.in().octets());
                    assertThat(b.out().octets()).isGreaterThan(a.out().octets());
                }
            }
        }
        assertThat(idle).isGreaterThan(10);
        assertThat(down).isGreaterThan(10);
    }

    @Test
    void rebootRestartsCountersAndUptimeFromZero() {
        int d = 4;
        long r = T + 12_345;
        long before = model.octets(d, 0, Direction.IN, r - 1);
        assertThat(before).isGreaterThan(1L << 32);
        assertThat(model.deviceSample(d, r - 1).uptimeSec()).isGreaterThan(86_400);

        model.reboot(d, r);

        assertThat(model.octets(d, 0, Direction.IN, r - 1)).as("history before the reboot is unchanged").isEqualTo(before);
        InterfaceSample at = model.sample(d, 0, r);
        assertThat(at.bootMs()).isEqualTo(r);
        assertThat(at.in().octets()).isZero();
        assertThat(at.out().packets()).isZero();
        assertThat(model.deviceSample(d, r).uptimeSec()).isZero();

        InterfaceSample later = model.sample(d, 0, r + 5_000);
        assertThat(later.in().octets()).isPositive().isLessThan(before);
        // 5 s at line rate at most
        assertThat(later.in().octets()).isLessThanOrEqualTo(5 * at.iface().speedBps() / 8);
        assertThat(model.sample(d, 0, r + 10_000).in().octets()).isGreaterThan(later.in().octets());
        assertThat(model.deviceSample(d, r + 10_000).uptimeSec()).isEqualTo(10);
        // other devices are untouched
        assertThat(model.bootMs(d + 1, r + 5_000)).isLessThan(r);
    }

    @Test
    void countersAre64BitMagnitudesAndPacketsAddUp() {
        int checked = 0;
        for (int d = 0; d < 20; d++) {
            if (T - model.bootMs(d, T) < 20 * DAY) {
                continue;
            }
            for (InterfaceProfile i : model.interfaces(d)) {
                InterfaceSample s = model.sample(d, i.position(), T);
                for (Direction dir : Direction.values()) {
                    FlowCounters c = s.get(dir);
                    assertThat(c.unicast() + c.multicast() + c.broadcast()).isEqualTo(c.packets());
                    assertThat(c.nonUnicast()).isEqualTo(c.multicast() + c.broadcast());
                    if (i.activity() == Activity.ACTIVE) {
                        assertThat(c.octets()).isGreaterThan(1L << 32).isLessThan(Long.MAX_VALUE / 16);
                        double size = (double) c.octets() / c.packets();
                        assertThat(size).isBetween(64.0, 1500.0);
                        assertThat(c.multicast()).isPositive();
                        assertThat((double) c.nonUnicast() / c.packets()).isLessThan(0.01);
                        assertThat((double) (c.errors() + c.discards()) / c.packets()).isLessThan(0.001);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void someButFewPortsCountErrorsAndDiscards() {
        List<Long> errors = new ArrayList<>();
        List<Long> discards = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            for (InterfaceProfile i : model.interfaces(d)) {
                InterfaceSample s = model.sample(d, i.position(), T);
                errors.add(s.in().errors() + s.out().errors());
                discards.add(s.in().discards() + s.out().discards());
            }
        }
        long withErrors = errors.stream().filter(e -> e > 0).count();
        long withDiscards = discards.stream().filter(e -> e > 0).count();
        assertThat(withErrors).isBetween(1L, errors.size() / 3L);
        assertThat(withDiscards).isBetween(1L, discards.size() / 2L);
    }

    @Test
    void deviceGaugesAreInRange() {
        for (int d = 0; d < 20; d++) {
            for (long t = T; t < T + DAY; t += 3_600_000L + 7) {
                DeviceSample s = model.deviceSample(d, t);
                assertThat(s.cpuPct()).isBetween(1, 100);
                assertThat(s.memUsedKb()).isPositive().isLessThan(s.memTotalKb());
                assertThat(s.memFreePct()).isBetween(1, 99);
                assertThat(s.uptimeSec()).isPositive();
            }
        }
        assertThat(model.device(0).ipAddress()).isEqualTo("198.18.0.1");
    }
}
