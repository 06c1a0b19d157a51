package io.teleflux.sim.dialout;

/**
 * What became of one {@link DialoutSimulator#sendSample} call's messages: handed to gRPC, parked
 * in a not-ready device's backlog (sent later, or dropped if its stream fails), or dropped.
 */
public record SampleReport(int sent, int queued, int dropped) {
}
