package io.teleflux.sim.dialout;

/**
 * One device's dial-out state: whether its stream is up, what it sent, dropped and still holds, and
 * how many streams it has had established (1 until its first reconnect).
 */
public record DeviceStats(String name, boolean connected, long messagesSent, long messagesDropped, int backlog,
                          int connections) {
}
