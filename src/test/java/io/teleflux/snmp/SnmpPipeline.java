package io.teleflux.snmp;

import io.teleflux.influx.Drain;
import io.teleflux.Components;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.rate.RateConfig;

import com.typesafe.config.ConfigFactory;
import io.teleflux.config.ConfigLoader;
import io.teleflux.snmp.SnmpTarget;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.influx.InfluxWriter;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.InfluxdFixture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the collector wires for SNMP, for integration tests: poller → {@link RateStage} (max gap
 * for {@code source=snmp} from the SNMP interval) → {@link InfluxWriter} (v1) → a real influxd, with
 * a tap that keeps every point the rate stage passes on.
 */
final class SnmpPipeline implements AutoCloseable {
    final TelefluxConfig cfg;
    final Metrics metrics = new Metrics();
    final InfluxWriter writer;
    final RateStage rates;
    final SnmpPoller poller;
    private final List<Point> seen = new ArrayList<>();

    /** {@code snmp} is HOCON under {@code teleflux.snmp}; {@code env} feeds its ${?VAR} substitutions. */
    SnmpPipeline(InfluxdFixture influx, String snmp, Map<String, String> env) {
        this.cfg = Components.fromConfig(ConfigFactory.parseString(
                "teleflux.influx { api = v1, url = \"" + influx.url() + "\", database = telemetry, flush-interval = 100ms, spool.enabled = false }\n"
                        + "teleflux.snmp {\n" + snmp + "\n}\n"), env);
        try {
            writer = new InfluxWriter(cfg.get(InfluxConfig.SECTION), metrics);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        writer.start();
        PointSink tap = points -> {
            synchronized (seen) {
                seen.addAll(points);
            }
            writer.accept(points);
        };
        long snmpGap = cfg.get(RateConfig.SECTION).maxGapFor(cfg.get(SnmpConfig.SECTION).interval()).toMillis();
        rates = new RateStage(tap, source -> snmpGap, cfg.get(RateConfig.SECTION).idleExpiry().toMillis(), cfg.get(RateConfig.SECTION).maxSeries(), metrics);
        poller = new SnmpPoller(cfg.get(SnmpConfig.SECTION), rates, metrics);
    }

    SnmpTarget target(int i) {
        return cfg.get(SnmpConfig.SECTION).targets().get(i);
    }

    /** Points (after the rate stage) matching {@code filter}, in the order they were handed on. */
    List<Point> points(Predicate<Point> filter) {
        synchronized (seen) {
            return seen.stream().filter(filter).toList();
        }
    }

    /** The interface points of one device and interface, oldest first. */
    List<Point> series(String device, String iface) {
        return points(p -> p.measurement().equals("interface") && device.equals(p.tag("device"))
                && iface.equals(p.tag("interface")));
    }

    @Override
    public void close() throws InterruptedException {
        poller.close();
        Drain.await(metrics);
        writer.close();
    }
}
