/**
 * The SNMP input: polls IF-MIB (ifTable + ifXTable) of the configured targets with GETBULK on one
 * asynchronous snmp4j session and turns each device's answer into the same {@code interface} and
 * {@code device} points as telemetry, with {@code source=snmp}. Knows SNMP, nothing about InfluxDB.
 */
package io.teleflux.snmp;
