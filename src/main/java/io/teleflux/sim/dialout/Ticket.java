package io.teleflux.sim.dialout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Completes when every message of one programmatic sample was handed to gRPC, parked in a backlog, or dropped. */
final class Ticket {
    private final AtomicInteger remaining;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    final CompletableFuture<SampleReport> future = new CompletableFuture<>();

    Ticket(int messages) {
        remaining = new AtomicInteger(messages);
        if (messages == 0) {
            future.complete(new SampleReport(0, 0, 0));
        }
    }

    void sent() {
        sent.incrementAndGet();
        settle();
    }

    void queued() {
        queued.incrementAndGet();
        settle();
    }

    void dropped() {
        dropped.incrementAndGet();
        settle();
    }

    private void settle() {
        if (remaining.decrementAndGet() == 0) {
            future.complete(new SampleReport(sent.get(), queued.get(), dropped.get()));
        }
    }
}
