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
import io.teleflux.influx.InfluxConfig;
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
            InfluxConfig.SECTION, RateConfig.SECTION, HttpConfig.SECTION, LiveConfig.SECTION, SelfmonConfig.SECTION,
            HealthConfig.SECTION);

    private Components() {
    }

    /** Every block's reader: the core's, then the inputs'. */
    public static List<Section<?>> sections() {
        List<Section<?>> all = new ArrayList<>(CORE);
        all.addAll(INPUTS);
        return all;
    }

    public static TelefluxConfig load(Path file) {
        return ConfigLoader.load(file, sections());
    }

    public static TelefluxConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(file, env, sections());
    }

    public static TelefluxConfig fromConfig(com.typesafe.config.Config user, Map<String, String> env) {
        return ConfigLoader.fromConfig(user, env, sections());
    }
}
