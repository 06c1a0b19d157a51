package io.teleflux.config;

/**
 * A settings record that groups keys in the code which sit directly in their parent block in the
 * file: {@code check-config} prints its keys under the parent's path, as the file names them.
 */
public interface Inline {
}
