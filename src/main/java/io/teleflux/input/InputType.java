package io.teleflux.input;

import io.teleflux.component.Component;
import io.teleflux.config.Section;

/**
 * A kind of input (H3C dial-out, SNMP, gNMI): it owns a config block and creates the running
 * input from it. Registered in one line of {@code io.teleflux.Components}.
 *
 * @param <C> the block's validated settings
 */
public interface InputType<C> extends Section<C> {
    /**
     * The running input, or null when {@code config} leaves it off (nothing configured). Called
     * once, before anything starts; the input declares its sources and health checks on
     * {@code ctx} here.
     */
    Component create(C config, InputContext ctx);
}
