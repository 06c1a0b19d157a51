/**
 * Benchmarks (built only with {@code -Pbench}): in-process comparisons interleaved round by round
 * ({@link io.teleflux.bench.Interleaved}) with
 * their physical ceilings, end-to-end runs (simulator, collector process, real influxd) that report
 * each process's CPU and memory, and a driver that prints ratios. See BENCHMARKS.md.
 */
package io.teleflux.bench;
