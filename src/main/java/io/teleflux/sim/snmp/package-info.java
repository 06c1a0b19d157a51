/**
 * The simulated fleet answering SNMP v2c/v3 on one UDP endpoint (community or v3 context = device
 * name), serving the system group, ifTable and ifXTable from the same counter model the dial-out
 * simulator streams, so both views of an interface agree at any instant.
 */
package io.teleflux.sim.snmp;
