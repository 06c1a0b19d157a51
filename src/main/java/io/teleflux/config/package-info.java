/**
 * Configuration: HOCON (typesafe-config) read over {@code reference.conf}, validated once at
 * start-up into immutable records. Every error names the key and what is wrong with it.
 */
package io.teleflux.config;
