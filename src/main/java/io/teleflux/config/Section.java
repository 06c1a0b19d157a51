package io.teleflux.config;

/**
 * A block of the configuration that a component owns: it reads and validates its own keys,
 * recording every problem in the reader (each naming its key) rather than stopping at the first.
 *
 * @param <C> the validated settings, a record
 */
public interface Section<C> {
    /** The block's key, e.g. {@code teleflux.snmp}; its defaults are in reference.conf. */
    String path();

    /** Reads the block; never throws for bad values (problems go to {@code r}). */
    C read(ConfigReader r);
}
