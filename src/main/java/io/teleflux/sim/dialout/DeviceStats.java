package io.teleflux.sim.dialout;

/** One device's dial-out state: whether its stream is up, what it sent, dropped and still holds. */
public record DeviceStats(String name, boolean connected, long messagesSent, long messagesDropped, int backlog) {
}
