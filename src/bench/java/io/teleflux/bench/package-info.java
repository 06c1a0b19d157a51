/**
 * Benchmarks (built only with {@code -Pbench}): JMH micro-benchmarks measured side by side with
 * their physical ceilings, end-to-end runs (simulator, collector process, real influxd) that report
 * each process's CPU and memory, and a driver that prints ratios. See BENCHMARKS.md.
 */
package io.teleflux.bench;
