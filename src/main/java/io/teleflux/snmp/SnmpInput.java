package io.teleflux.snmp;

import io.teleflux.component.Component;
import io.teleflux.input.InputContext;
import io.teleflux.input.ConfiguredInput;

/** SNMP polling ({@code teleflux.snmp}): on when at least one target is configured. */
public final class SnmpInput extends ConfiguredInput<SnmpConfig> {
    public static final SnmpInput TYPE = new SnmpInput();

    private SnmpInput() {
        super(SnmpConfig.SECTION);
    }

    @Override
    public Component create(SnmpConfig config, InputContext ctx) {
        if (!config.enabled()) {
            return null;
        }
        SnmpPoller poller = new SnmpPoller(config, ctx.sink(), ctx.metrics(), ctx.clock(), ctx.ownership());
        ctx.declareInterval(PointMaker.SOURCE, config.interval());
        ctx.health("snmp", now -> poller.problem(now, ctx.stallMs()));
        return poller;
    }
}
