package io.teleflux.input;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;

/** An input whose config block is read by the {@link Section} beside its settings record. */
public abstract class ConfiguredInput<C> implements InputType<C> {
    private final Section<C> section;

    protected ConfiguredInput(Section<C> section) {
        this.section = section;
    }

    @Override
    public final String path() {
        return section.path();
    }

    @Override
    public final C read(ConfigReader r) {
        return section.read(r);
    }
}
