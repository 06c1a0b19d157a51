package io.teleflux.point;

import java.util.List;

/**
 * The hand-off between pipeline stages (input → rate → writer).
 *
 * <p>An implementation may block when it is full: blocking is how back-pressure travels from the
 * writer to the inputs (gRPC flow control, SNMP cycles), so that nothing is dropped silently.
 */
@FunctionalInterface
public interface PointSink {
    void accept(List<Point> points) throws InterruptedException;
}
