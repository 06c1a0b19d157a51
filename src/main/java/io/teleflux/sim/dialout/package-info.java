/**
 * The simulated fleet speaking H3C gRPC dial-out: H3C JSON payloads rendered from the counter
 * model, and one long-lived client-streaming call per device to the collector, with flow control,
 * bounded backlog and redial as real devices behave.
 */
package io.teleflux.sim.dialout;
