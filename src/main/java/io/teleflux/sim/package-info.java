/**
 * The simulated device fleet: a deterministic counter model (a pure function of seed, device,
 * interface and time) that every simulated protocol reads, so telemetry and SNMP of one interface
 * agree at any instant. Protocol front ends live in sub-packages.
 */
package io.teleflux.sim;
