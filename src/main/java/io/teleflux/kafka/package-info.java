/**
 * Apache Kafka between collectors and InfluxDB: the Kafka output (points as line protocol, keyed by
 * device, through the writer's batching, retries and spool) and the relay (a consumer group that
 * writes the topic to InfluxDB, committing offsets only after InfluxDB acknowledged the lines).
 */
package io.teleflux.kafka;
