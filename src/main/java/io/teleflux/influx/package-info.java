/**
 * The InfluxDB writer: batches points into line protocol by size and time, and posts them through
 * one {@code InfluxApi} (v1 {@code /write} or v2 through influxdb-client-java) under one error
 * policy (retry with backoff, split on 413, drop and count other 4xx); what cannot be written yet
 * waits in the durable spool ({@code influx.spool}).
 */
package io.teleflux.influx;
