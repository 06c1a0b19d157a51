/**
 * Test fixtures shared by all integration tests: real servers (influxd, VictoriaMetrics,
 * net-snmp's snmpd, snmpsimd with generated agents) started on 127.0.0.1, on free ports, in temp
 * dirs, and stopped by PID, plus small helpers (free ports, HTTP, captured log lines).
 */
package io.teleflux.testsupport;
