/**
 * The simulated fleet as gNMI targets: one gRPC server ({@code gnmi.gNMI} Capabilities and
 * Subscribe) for every device, addressed by {@code prefix.target} = device name, serving OpenConfig
 * interface state and counters and the CPU and memory of one component from the same counter model
 * the dial-out and SNMP faces read, so the three views of an interface agree at any instant.
 */
package io.teleflux.sim.gnmi;
