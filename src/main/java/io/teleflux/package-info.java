/**
 * The command line: {@code teleflux run | simulate | check-config}. This is the only package that
 * knows every other one; it wires inputs, rates, writer and self-monitoring into the collector.
 */
package io.teleflux;
