package io.teleflux;

import io.teleflux.influx.InfluxWriter;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;

import java.util.List;

/**
 * The collector's outputs as one sink: every point goes to each of them (InfluxDB, Kafka, or
 * both), in turn. An output that holds back (its memory queue is full) holds the others back too:
 * the points must reach every output, and the spools make that rare.
 */
final class Outputs implements PointSink {
    /** An array, not a List: this loop runs for every batch of every input (the profile showed the List's iterator). */
    private final InfluxWriter[] writers;

    Outputs(List<InfluxWriter> writers) {
        this.writers = writers.toArray(InfluxWriter[]::new);
    }

    @Override
    public void accept(List<Point> points) throws InterruptedException {
        for (InfluxWriter w : writers) {
            w.accept(points);
        }
    }

    /** True while any output holds its callers back (see {@link InfluxWriter#holdingBack()}). */
    boolean holdingBack() {
        for (InfluxWriter w : writers) {
            if (w.holdingBack()) {
                return true;
            }
        }
        return false;
    }
}
