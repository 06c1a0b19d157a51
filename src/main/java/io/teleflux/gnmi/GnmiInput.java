package io.teleflux.gnmi;

import io.teleflux.component.Component;
import io.teleflux.input.InputContext;
import io.teleflux.input.ConfiguredInput;
import io.teleflux.point.Schema;

import java.time.Duration;

/** gNMI dial-in ({@code teleflux.gnmi}): on when at least one target is configured. */
public final class GnmiInput extends ConfiguredInput<GnmiConfig> {
    public static final GnmiInput TYPE = new GnmiInput();

    private GnmiInput() {
        super(GnmiConfig.SECTION);
    }

    @Override
    public Component create(GnmiConfig config, InputContext ctx) {
        if (!config.enabled()) {
            return null;
        }
        GnmiClient client = new GnmiClient(config, ctx.sink(), ctx.metrics(), ctx.clock(), ctx.ownership());
        Duration longest = Duration.ZERO;
        for (GnmiTarget t : config.targets()) {
            longest = t.sampleInterval().compareTo(longest) > 0 ? t.sampleInterval() : longest;
        }
        ctx.declareInterval(Schema.SOURCE_TELEMETRY, longest);
        ctx.health("gnmi", now -> client.problem(ctx.stallMs(), ctx.holdingBack()));
        return client;
    }
}
