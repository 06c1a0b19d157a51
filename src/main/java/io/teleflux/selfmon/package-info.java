/**
 * Self-monitoring: the registry of counters and gauges that every stage updates, its Prometheus
 * text form, the {@code teleflux} measurement built from it, and rate-limited logging so that a
 * misbehaving device cannot flood the log.
 */
package io.teleflux.selfmon;
