/**
 * The writer's durable spool: an append-only, bounded log of CRC-checked records in segment files,
 * replayed in order, deleted once acknowledged, and recovered after a crash. It knows nothing of
 * InfluxDB; the writer stores its batches in it.
 */
package io.teleflux.influx.spool;
