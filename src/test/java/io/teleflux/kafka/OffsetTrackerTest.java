package io.teleflux.kafka;

import io.teleflux.kafka.OffsetTracker.Batch;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetTrackerTest {
    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    final OffsetTracker t = new OffsetTracker();

    Batch add(TopicPartition tp, long first, long end) {
        return t.add(tp, first, end, (int) (end - first), List.of(), List.of());
    }

    @Test
    void aBatchDoneEarlyWaitsForTheOnesBeforeIt() {
        Batch a = add(P0, 0, 10);
        Batch b = add(P0, 10, 20);
        Batch c = add(P0, 25, 30); // a gap (transaction markers) between batches is fine
        assertThat(t.pendingRecords()).isEqualTo(25);

        assertThat(t.completed(c, true)).isTrue();
        assertThat(t.committable()).isEmpty();
        assertThat(t.completed(b, true)).isTrue();
        assertThat(t.committable()).isEmpty();
        assertThat(t.completed(a, true)).isTrue();
        assertThat(t.committable()).isEqualTo(Map.of(P0, 30L));
        assertThat(t.committable()).as("reported once").isEmpty();
        assertThat(t.pendingRecords()).isZero();
    }

    @Test
    void partitionsAdvanceIndependently() {
        Batch a0 = add(P0, 0, 10);
        Batch a1 = add(P1, 100, 110);
        Batch b1 = add(P1, 110, 120);
        t.completed(b1, true);
        t.completed(a0, true);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 10L));
        t.completed(a1, true);
        assertThat(t.committable()).isEqualTo(Map.of(P1, 120L));
    }

    @Test
    void theWatermarkStopsBeforeAPendingBatch() {
        Batch a = add(P0, 0, 10);
        Batch b = add(P0, 10, 20);
        Batch c = add(P0, 20, 30);
        t.completed(a, true);
        t.completed(c, true);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 10L));
        t.completed(b, true);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 30L));
    }

    @Test
    void aFailureCancelsThePartitionsOtherBatchesAndRewindsToTheFirstUnacknowledgedOnceAllEnded() {
        Batch a = add(P0, 0, 10);
        Batch b = add(P0, 10, 20);
        Batch c = add(P0, 20, 30);
        Batch d = add(P0, 30, 40);
        Batch other = add(P1, 0, 5);
        assertThat(a.begin()).isTrue();
        assertThat(b.begin()).isTrue();
        assertThat(c.begin()).isTrue();
        // d is queued, not begun

        t.completed(a, true);
        t.completed(c, false); // InfluxDB down: c given up while b still writes
        assertThat(b.aborted()).as("b is asked to give up").isTrue();
        assertThat(d.begin()).as("d is never written").isFalse();
        assertThat(other.aborted()).as("another partition is not affected").isFalse();
        assertThat(t.failed()).containsExactly(P0);
        assertThat(t.add(P0, 40, 50, 10, List.of(), List.of())).as("a failed partition takes nothing new").isNull();

        assertThat(t.committable()).isEqualTo(Map.of(P0, 10L));
        assertThat(t.rewinds()).as("b is still being written").isEmpty();

        t.completed(b, true); // b made it after all, and everything before it too: committed
        assertThat(t.committable()).isEqualTo(Map.of(P0, 20L));
        assertThat(t.rewinds()).as("c and d are read again").isEqualTo(Map.of(P0, new OffsetTracker.Rewind(20, 20)));
        assertThat(t.failed()).isEmpty();
        assertThat(t.pendingRecords()).isEqualTo(5);

        // after the rewind the partition takes the same records again
        Batch again = add(P0, 20, 40);
        t.completed(again, true);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 40L));
        assertThat(t.completed(d, false)).as("an old batch's end is ignored").isFalse();
    }

    @Test
    void aFailureAtTheHeadRewindsToItsFirstRecord() {
        Batch a = add(P0, 5, 10);
        a.begin();
        t.completed(a, false);
        assertThat(t.committable()).isEmpty();
        assertThat(t.rewinds()).isEqualTo(Map.of(P0, new OffsetTracker.Rewind(5, 5)));
    }

    @Test
    void revokedPartitionsLetTheirWritesFinishButStartNoMore() {
        Batch a = add(P0, 0, 10);
        Batch b = add(P0, 10, 20);
        Batch c = add(P0, 20, 30);
        Batch other = add(P1, 0, 5);
        a.begin();
        b.begin();

        t.close(List.of(P0));
        assertThat(c.begin()).as("queued: never written").isFalse();
        assertThat(a.aborted()).as("being written: may finish").isFalse();
        assertThat(t.add(P0, 30, 40, 10, List.of(), List.of())).isNull();
        assertThat(t.writing(List.of(P0))).isTrue();

        t.completed(b, true);
        t.completed(a, true);
        assertThat(t.writing(List.of(P0))).isFalse();
        assertThat(t.committable()).as("what is settled is committed before the partition goes").isEqualTo(Map.of(P0, 20L));
        t.remove(List.of(P0));
        assertThat(t.pendingRecords()).isEqualTo(5);
        assertThat(t.writing(List.of(P1))).isTrue();
        assertThat(other.aborted()).isFalse();
    }

    @Test
    void aPartitionRemovedMidWriteAbortsItsWritersAndIgnoresTheirEnds() {
        Batch a = add(P0, 0, 10);
        a.begin();
        t.remove(List.of(P0)); // lost, or revoked and the wait ran out
        assertThat(a.aborted()).isTrue();
        assertThat(t.pendingRecords()).isZero();

        // assigned again: a fresh start, the old batch's end does not count
        Batch fresh = add(P0, 0, 10);
        assertThat(t.completed(a, true)).isFalse();
        assertThat(t.committable()).isEmpty();
        t.completed(fresh, true);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 10L));
    }

    @Test
    void batchesMustFollowEachOther() {
        add(P0, 0, 10);
        assertThatThrownBy(() -> add(P0, 5, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> add(P1, 5, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
