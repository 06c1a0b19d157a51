/**
 * Turns interface counters into per-second rates (and utilisation) per series, from the device
 * timestamps of consecutive samples. Telemetry and SNMP share this one implementation, so both
 * sources treat resets, wraps and gaps identically.
 */
package io.teleflux.rate;
