package io.teleflux.sim;

/** Traffic direction as seen by the device: received (IN) or sent (OUT). */
public enum Direction { IN, OUT }
