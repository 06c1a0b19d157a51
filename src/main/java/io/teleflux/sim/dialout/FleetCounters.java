package io.teleflux.sim.dialout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The counters every device of one simulator adds to. */
final class FleetCounters {
    final AtomicInteger connected = new AtomicInteger();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder pointsSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder streamFailures = new LongAdder();
    final LongAdder samplesSkipped = new LongAdder();

    DialoutStats snapshot(int devices) {
        return new DialoutStats(devices, connected.get(), messagesSent.sum(), pointsSent.sum(), bytesSent.sum(),
                messagesDropped.sum(), reconnects.sum(), streamFailures.sum(), samplesSkipped.sum());
    }
}
