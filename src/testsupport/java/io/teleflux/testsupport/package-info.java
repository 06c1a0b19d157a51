/**
 * Test fixtures shared by all integration tests: real servers (influxd, VictoriaMetrics,
 * net-snmp's snmpd, snmpsimd with generated agents) started on 127.0.0.1, on free ports, in temp
 * dirs, and stopped by PID, plus small helpers (free ports, HTTP, captured log lines).
 *
 * <p>The package has two source roots: {@code src/testsupport/java} holds the pieces without JUnit
 * (process launcher, influxd, free ports, HTTP, process statistics), which the benchmarks
 * ({@code -Pbench}) compile too; {@code src/test/java} holds the rest.
 */
package io.teleflux.testsupport;
