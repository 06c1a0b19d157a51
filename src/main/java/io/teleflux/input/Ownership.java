package io.teleflux.input;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Which of its configured targets an input polls or subscribes to. A single collector owns every
 * target ({@link #ALL}); collectors sharing their targets own the ones the group assigned to them
 * (in the collector: {@code kafka.TargetShare}), and inputs know only this interface.
 *
 * <p>A target is named by a key every collector derives the same way from the same configuration
 * (an input's choice, see {@code docs/scaling.md}).
 */
public interface Ownership {
    /** Owns everything and never changes: one collector, today's behaviour. */
    Ownership ALL = of(target -> true, listener -> { });

    /** Whether this collector should poll (or subscribe to) {@code target} now. */
    boolean owns(String target);

    /**
     * Calls {@code listener} after the owned set changed. When targets are taken away, the call
     * happens before the group may give them to another collector, so the listener must stop
     * polling them before it returns; it runs on the membership's thread, so it must be quick
     * (stop, do not wait for devices).
     */
    void onChange(Runnable listener);

    /** An ownership from a predicate and a listener registration. */
    static Ownership of(Predicate<String> owns, Consumer<Runnable> onChange) {
        return new Ownership() {
            @Override
            public boolean owns(String target) {
                return owns.test(target);
            }

            @Override
            public void onChange(Runnable listener) {
                onChange.accept(listener);
            }
        };
    }
}
