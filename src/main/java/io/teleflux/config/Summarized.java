package io.teleflux.config;

/**
 * A settings record that {@code check-config} prints as one line (its {@link #summary()}) rather
 * than key by key, so that a list of thousands of targets stays readable.
 */
public interface Summarized {
    String summary();
}
