package io.teleflux;

import io.teleflux.config.ConfigLoader;
import io.teleflux.config.Section;
import io.teleflux.config.TelefluxConfig;
import io.teleflux.dialout.DialoutInput;
import io.teleflux.dialout.cisco.CiscoDialoutService;
import io.teleflux.dialout.h3c.H3cDialoutService;
import io.teleflux.dialout.h3cv3.H3cV3DialoutService;
import io.teleflux.dialout.huawei.HuaweiDialoutService;
import io.teleflux.gnmi.GnmiInput;
import io.teleflux.config.ConfigException;
import io.teleflux.influx.InfluxConfig;
import io.teleflux.kafka.KafkaConfig;
import io.teleflux.kafka.RelayConfig;
import io.teleflux.kafka.ShareConfig;
import io.teleflux.input.InputType;
import io.teleflux.live.LiveConfig;
import io.teleflux.rate.RateConfig;
import io.teleflux.selfmon.HealthConfig;
import io.teleflux.selfmon.HttpConfig;
import io.teleflux.selfmon.SelfmonConfig;
import io.teleflux.snmp.SnmpInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the collector's parts are registered: adding an input is one line in {@link #INPUTS}
 * (and a dial-out vendor one line in its list).
 */
public final class Components {
    /** Every input, in the order they start (and the reverse of the order they stop). */
    static final List<InputType<?>> INPUTS = List.of(
            // one dial-out port; one line per vendor
            DialoutInput.serving(List.of(
                    H3cDialoutService::create,
                    H3cV3DialoutService::create,
                    HuaweiDialoutService::create,
                    CiscoDialoutService::create)),
            GnmiInput.TYPE,
            SnmpInput.TYPE);

    /** The parts every collector has, whose blocks are read like the inputs'. */
    static final List<Section<?>> CORE = List.of(
            InfluxConfig.SECTION, KafkaConfig.SECTION, RelayConfig.SECTION, ShareConfig.SECTION, RateConfig.SECTION, HttpConfig.SECTION,
            LiveConfig.SECTION, SelfmonConfig.SECTION, HealthConfig.SECTION);

    private Components() {
    }

    /** Every block's reader: the core's, then the inputs'. */
    public static List<Section<?>> sections() {
        List<Section<?>> all = new ArrayList<>(CORE);
        all.addAll(INPUTS);
        return all;
    }

    public static TelefluxConfig load(Path file) {
        return checkOutputs(ConfigLoader.load(file, sections()));
    }

    public static TelefluxConfig load(Path file, Map<String, String> env) {
        return checkOutputs(ConfigLoader.load(file, env, sections()));
    }

    public static TelefluxConfig fromConfig(com.typesafe.config.Config user, Map<String, String> env) {
        return checkOutputs(ConfigLoader.fromConfig(user, env, sections()));
    }

    /** A collector writes somewhere: InfluxDB, Kafka or both. */
    static TelefluxConfig checkOutputs(TelefluxConfig cfg) {
        if (!cfg.get(InfluxConfig.SECTION).enabled() && !cfg.get(KafkaConfig.SECTION).enabled()) {
            throw new ConfigException(List.of("teleflux.influx.enabled, teleflux.kafka.enabled: both are false; "
                    + "at least one output must be enabled"));
        }
        return cfg;
    }

    /** The relay's configuration: it writes to teleflux.influx, which must be enabled. */
    public static TelefluxConfig loadRelay(Path file) {
        TelefluxConfig cfg = ConfigLoader.load(file, sections());
        if (!cfg.get(InfluxConfig.SECTION).enabled()) {
            throw new ConfigException(List.of("teleflux.influx.enabled: must be true for `teleflux relay`, which "
                    + "writes to InfluxDB"));
        }
        return cfg;
    }
}
