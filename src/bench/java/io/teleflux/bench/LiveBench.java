package io.teleflux.bench;

import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.testsupport.TempDirs;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Does the live view slow ingest? The collector in its own process (reference configuration,
 * writing to a discarding InfluxDB stand-in so that only the collector works), fed by N devices x
 * 48 interfaces every 5 s, measured in interleaved rounds: A with no live client, B with 10 SSE
 * clients each watching one device and the fleet's top 20. The figure is the collector's CPU time
 * per point received, B / A per pair of rounds; interleaving puts both under the same load from
 * the other tenants of a shared machine, and the spread of the pairs shows how much that moved.
 */
final class LiveBench {
    static final long SEED = 20261127L;
    static final int INTERFACES = 48;
    static final int CLIENTS = 10;

    private LiveBench() {
    }

    static void run(boolean smoke, int devices, int pairs, Duration round, Duration warmup) throws Exception {
        CounterModel model = new CounterModel(SEED, INTERFACES, "sim-");
        System.out.printf("live: %d devices x %d interfaces every 5 s (about %,.0f interface points/s); %d pairs of %d s rounds,"
                        + " A = no live client, B = %d SSE clients (device + top 20 each); warm-up %d s%s%n",
                devices, INTERFACES, devices * INTERFACES / 5.0, pairs, round.toSeconds(), CLIENTS, warmup.toSeconds(),
                smoke ? " (smoke: figures meaningless)" : "");
        System.out.println("load before: " + CpuSnapshot.loadAverage());
        Path dir = TempDirs.create("teleflux-live-bench-");
        HttpClient http = HttpClient.newHttpClient();
        try (DiscardInflux influx = new DiscardInflux();
             CollectorProcess c = CollectorProcess.start(dir, URI.create("http://127.0.0.1:" + influx.port()), "telemetry",
                     "", List.of());
             DialoutSimulator sim = new DialoutSimulator(model,
                     DialoutSettings.defaults(new HostPort("127.0.0.1", c.grpcPort()), devices))) {
            sim.start();
            if (!sim.awaitConnected(devices, Duration.ofMinutes(5))) {
                throw new IllegalStateException("only " + sim.connectedDevices() + " of " + devices + " devices connected");
            }
            sim.startClock();
            Thread.sleep(warmup.toMillis());
            URI base = URI.create("http://127.0.0.1:" + port(c));
            List<Double> ratios = new ArrayList<>();
            for (int pair = 0; pair < pairs; pair++) {
                double a = round(c, round, "A", pair, null);
                LongAdder events = new LongAdder();
                List<InputStream> clients = open(http, base, model, devices, pair, events);
                double b = round(c, round, "B", pair, events);
                for (InputStream in : clients) {
                    in.close();
                }
                awaitNoClients(c);
                ratios.add(b / a);
                System.out.printf("  pair %d: B / A = %.3f%n", pair + 1, b / a);
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf("collector CPU per point, %d SSE clients / none: median %.3f (%+.1f %%), spread %.3f .. %.3f over %d pairs%n",
                    CLIENTS, median, (median - 1) * 100, sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
            Map<String, Double> m = c.metrics();
            System.out.printf("live metrics: events sent %,.0f, clients dropped %,.0f, refused %,.0f, series %,.0f%n",
                    m.getOrDefault("teleflux_live_events_sent_total", 0.0), m.getOrDefault("teleflux_live_clients_dropped_total", 0.0),
                    m.getOrDefault("teleflux_live_clients_refused_total", 0.0), m.getOrDefault("teleflux_live_series", 0.0));
        } finally {
            System.out.println("load after: " + CpuSnapshot.loadAverage());
            TempDirs.delete(dir);
        }
    }

    /** One round: collector CPU microseconds per point received over {@code length}. */
    private static double round(CollectorProcess c, Duration length, String name, int pair, LongAdder events) throws Exception {
        double points0 = c.metrics().getOrDefault("teleflux_points_received_total", 0.0);
        double cpu0 = ProcCpu.seconds(c.pid());
        long t0 = System.nanoTime();
        long ev0 = events == null ? 0 : events.sum();
        Thread.sleep(length.toMillis());
        double cpu = ProcCpu.seconds(c.pid()) - cpu0;
        double points = c.metrics().getOrDefault("teleflux_points_received_total", 0.0) - points0;
        double wall = (System.nanoTime() - t0) / 1e9;
        double perPoint = cpu / points * 1e6;
        System.out.printf("  round %s%d: %,.0f points/s, collector %.2f cores, %.2f us CPU per point%s%n", name, pair + 1,
                points / wall, cpu / wall, perPoint,
                events == null ? "" : String.format(", clients received %,.0f events/s", (events.sum() - ev0) / wall));
        return perPoint;
    }

    /** Opens the clients as pages would (one stream each: a device and the fleet table), each read on its own thread. */
    private static List<InputStream> open(HttpClient http, URI base, CounterModel model, int devices, int pair, LongAdder events)
            throws Exception {
        List<InputStream> out = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String device = model.deviceName((i * 97 + pair) % devices);
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/live/events?device=" + device
                    + "&top=20&rank=util")).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("/live/events answered " + r.statusCode());
            }
            InputStream in = r.body();
            out.add(in);
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        for (int k = 0; k < n; k++) {
                            if (buf[k] == '\n' && k > 0 && buf[k - 1] == '\n') {
                                events.increment();
                            }
                        }
                    }
                } catch (Exception e) {
                    // closed at the end of the round
                }
            });
        }
        return out;
    }

    private static void awaitNoClients(CollectorProcess c) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (c.metrics().getOrDefault("teleflux_live_clients", 0.0) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static int port(CollectorProcess c) {
        return c.httpPort();
    }
}
