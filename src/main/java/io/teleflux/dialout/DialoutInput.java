package io.teleflux.dialout;

import io.teleflux.component.Component;
import io.teleflux.input.InputContext;
import io.teleflux.input.ConfiguredInput;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * gRPC dial-out ({@code teleflux.dialout}): one listener, on which every vendor's service is
 * registered (routed by full method name). A vendor is a function from the shared
 * {@link DialoutContext} to its protocol; the list is given where inputs are registered.
 */
public final class DialoutInput extends ConfiguredInput<DialoutConfig> {
    /** The interval devices are usually configured with; only used for rate.max-gap = auto. */
    public static final Duration EXPECTED_INTERVAL = Duration.ofSeconds(5);
    public static final String SOURCE = "telemetry";

    private final List<Function<DialoutContext, DialoutProtocol<?, ?>>> protocols;

    private DialoutInput(List<Function<DialoutContext, DialoutProtocol<?, ?>>> protocols) {
        super(DialoutConfig.SECTION);
        this.protocols = List.copyOf(protocols);
    }

    /** The dial-out input serving {@code protocols}, one per vendor. */
    public static DialoutInput serving(List<Function<DialoutContext, DialoutProtocol<?, ?>>> protocols) {
        return new DialoutInput(protocols);
    }

    @Override
    public Component create(DialoutConfig config, InputContext ctx) {
        if (!config.enabled()) {
            return null;
        }
        DialoutServer server = new DialoutServer(config, ctx.metrics());
        DialoutContext shared = server.context(ctx.sink());
        for (Function<DialoutContext, DialoutProtocol<?, ?>> p : protocols) {
            server.register(p.apply(shared));
        }
        ctx.declareInterval(SOURCE, EXPECTED_INTERVAL);
        ctx.health("dialout", now -> {
            double stalled = ctx.metrics().value(DecodePool.STALLED);
            return stalled * 1000 > ctx.stallMs() && !ctx.holdingBack()
                    ? "no decode worker has finished a message for " + (long) stalled + " s while messages wait"
                    : null;
        });
        return server;
    }
}
