/**
 * Benchmarks (built only with {@code -Pbench}): JMH micro-benchmarks measured side by side with
 * their physical ceilings, and a driver that prints ratios. See BENCHMARKS.md.
 */
package io.teleflux.bench;
