package io.teleflux.dialout;

import com.google.protobuf.ByteString;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The totalSize reassembly Cisco NX-OS and H3C v3 share. */
class TotalSizeChunksTest {
    final Metrics metrics = new Metrics();
    final ChunkBudget budget = new ChunkBudget(1 << 20);
    final TotalSizeChunks chunks = new TotalSizeChunks(metrics, 1000, 60_000, budget);

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    long errors(String reason) {
        return (long) metrics.value("teleflux_decode_errors_total", "reason", reason);
    }

    @Test
    void anUnchunkedMessageComesStraightBack() {
        ByteString m = bytes("whole");
        assertThat(chunks.offer(0, m, 0)).isSameAs(m);
        assertThat(chunks.offer(-1, m, 0)).as("a negative totalSize is refused").isNull();
        assertThat(errors("chunk_too_large")).isEqualTo(1);
    }

    @Test
    void piecesAreAppendedUntilTotalSizeIsReached() {
        assertThat(chunks.offer(10, bytes("abc"), 0)).isNull();
        assertThat(chunks.offer(10, bytes("defg"), 1)).isNull();
        assertThat(budget.used()).isEqualTo(7 + 2 * TotalSizeChunks.FRAGMENT_OVERHEAD);
        assertThat(chunks.offer(10, bytes("hij"), 2)).isEqualTo(bytes("abcdefghij"));
        assertThat(budget.used()).isZero();
        assertThat(chunks.pending()).isFalse();
        assertThat(chunks.offer(3, bytes("xyz"), 3)).as("one piece of the whole size").isEqualTo(bytes("xyz"));
    }

    @Test
    void piecesPastTheTotalMakeTheMessageUntrustedAndDropIt() {
        chunks.offer(4, bytes("ab"), 0);
        assertThat(chunks.offer(4, bytes("cde"), 0)).isNull();
        assertThat(errors("chunk_size_mismatch")).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aMessageAnnouncingMoreThanMaxMessageSizeIsRefusedBeforeAnythingIsHeld() {
        assertThat(chunks.offer(1500, ByteString.copyFrom(new byte[600]), 0)).isNull();
        assertThat(budget.used()).isZero();
        assertThat(errors("chunk_too_large")).isEqualTo(1);
        // its second piece completes the refused message: counted off, not counted again
        assertThat(chunks.offer(1500, ByteString.copyFrom(new byte[900]), 0)).isNull();
        assertThat(chunks.pending()).isFalse();
        assertThat(chunks.offer(2, bytes("ok"), 0)).isEqualTo(bytes("ok"));
        assertThat(errors("chunk_too_large")).isEqualTo(1);
    }

    @Test
    void theSharedBudgetBoundsWhatAllStreamsHold() {
        ChunkBudget small = new ChunkBudget(300);
        TotalSizeChunks a = new TotalSizeChunks(metrics, 1000, 60_000, small);
        TotalSizeChunks b = new TotalSizeChunks(metrics, 1000, 60_000, small);
        assertThat(a.offer(800, ByteString.copyFrom(new byte[200]), 0)).isNull();
        assertThat(b.offer(800, ByteString.copyFrom(new byte[200]), 0)).as("over the shared budget").isNull();
        assertThat(errors("chunk_overflow")).isEqualTo(1);
        assertThat(small.used()).isEqualTo(200 + TotalSizeChunks.FRAGMENT_OVERHEAD);
        a.close();
        b.close();
        assertThat(small.used()).isZero();
        assertThat(errors("chunk_incomplete")).as("only a's loss; b's was counted as overflow").isEqualTo(1);
    }

    @Test
    void aNewTotalOrAWholeMessageBeforeTheEndDropsTheIncompleteOne() {
        chunks.offer(10, bytes("abc"), 0);
        assertThat(chunks.offer(5, bytes("12"), 0)).isNull();
        assertThat(errors("chunk_restart")).isEqualTo(1);
        assertThat(chunks.offer(5, bytes("345"), 0)).isEqualTo(bytes("12345"));
        chunks.offer(10, bytes("abc"), 0);
        assertThat(chunks.offer(0, bytes("whole"), 0)).isEqualTo(bytes("whole"));
        assertThat(errors("chunk_restart")).isEqualTo(2);
        assertThat(budget.used()).isZero();
    }

    @Test
    void anIncompleteMessageExpiresAfterTheTimeoutEvenWithoutAnotherPiece() {
        chunks.offer(10, bytes("abc"), 1_000);
        budget.sweep(61_000);
        assertThat(chunks.pending()).isTrue();
        budget.sweep(61_001);
        assertThat(chunks.pending()).isFalse();
        assertThat(errors("chunk_timeout")).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void emptyFragmentsCannotPileUpForFree() {
        // each held fragment costs its overhead: one stream holds at most max-message-size plus 1,024 of them
        TotalSizeChunks one = new TotalSizeChunks(metrics, 1000, 60_000, new ChunkBudget(1 << 30));
        for (int i = 0; i < 5_000; i++) {
            one.offer(10, ByteString.EMPTY, 0);
        }
        assertThat(one.heldBytes()).isLessThanOrEqualTo(1000 + 1024L * TotalSizeChunks.FRAGMENT_OVERHEAD);
        assertThat(errors("chunk_overflow")).isEqualTo(1);
    }

    @Test
    void closingDropsTheIncompleteMessageAndLeavesTheBudget() {
        chunks.offer(10, bytes("abc"), 0);
        chunks.close();
        assertThat(errors("chunk_incomplete")).isEqualTo(1);
        assertThat(budget.used()).isZero();
        budget.sweep(Long.MAX_VALUE); // unregistered: the timer no longer reaches it
        assertThat(chunks.offer(10, bytes("abc"), 0)).isNull();
        assertThat(errors("chunk_incomplete")).isEqualTo(2);
        assertThat(budget.used()).isZero();
    }
}
