package io.teleflux.dialout.h3c;

import io.teleflux.dialout.ChunkBudget;
import io.teleflux.selfmon.Metrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkAssemblerTest {
    private static final String PATH = "Ifmgr/Statistics";
    private final Metrics metrics = new Metrics();
    private final ChunkAssembler assembler = new ChunkAssembler(metrics, 1 << 20, 60_000);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private double errors(String reason) {
        return metrics.value("teleflux_decode_errors_total", "reason", reason);
    }

    private double warnings(String reason) {
        return metrics.value("teleflux_decode_warnings_total", "reason", reason);
    }

    @Test
    void singleFragmentIsReturnedAtOnce() {
        byte[] whole = b("{\"a\":1}");
        assertThat(assembler.offer(PATH, 7, 1, 1, whole, 0)).isSameAs(whole);
        assertThat(assembler.offer(PATH, 0, 0, 0, whole, 0)).isSameAs(whole);
        assertThat(assembler.pending()).isZero();
    }

    @Test
    void fragmentsInOrderAreJoined() {
        assertThat(assembler.offer(PATH, 9, 3, 1, b("abc"), 0)).isNull();
        assertThat(assembler.offer(PATH, 9, 3, 2, b("def"), 1)).isNull();
        assertThat(assembler.pending()).isEqualTo(1);
        assertThat(s(assembler.offer(PATH, 9, 3, 3, b("ghi"), 2))).isEqualTo("abcdefghi");
        assertThat(assembler.pending()).isZero();
        assertThat(assembler.bufferedBytes()).isZero();
        assertThat(metrics.sum("teleflux_decode_errors_total") + metrics.sum("teleflux_decode_warnings_total")).isZero();
    }

    @Test
    void fragmentsOutOfOrderAreSortedByNodeIdStartingAtZero() {
        assertThat(assembler.offer(PATH, 0, 3, 2, b("ghi"), 0)).isNull();
        assertThat(assembler.offer(PATH, 0, 3, 0, b("abc"), 0)).isNull();
        assertThat(s(assembler.offer(PATH, 0, 3, 1, b("def"), 0))).isEqualTo("abcdefghi");
    }

    @Test
    void sensorPathIsComparedWithoutCase() {
        assertThat(assembler.offer("Ifmgr/Statistics", 0, 2, 1, b("ab"), 0)).isNull();
        assertThat(s(assembler.offer("ifmgr/statistics", 0, 2, 2, b("cd"), 0))).isEqualTo("abcd");
    }

    @Test
    void pathsAreAssembledIndependently() {
        assertThat(assembler.offer("Ifmgr/Statistics", 0, 2, 1, b("s1"), 0)).isNull();
        assertThat(assembler.offer("Device/CPUs", 0, 2, 1, b("c1"), 0)).isNull();
        assertThat(s(assembler.offer("Device/CPUs", 0, 2, 2, b("c2"), 0))).isEqualTo("c1c2");
        assertThat(s(assembler.offer("Ifmgr/Statistics", 0, 2, 2, b("s2"), 0))).isEqualTo("s1s2");
    }

    @Test
    void duplicateNodeIdReplacesTheEarlierFragmentAndIsCounted() {
        assertThat(assembler.offer(PATH, 0, 2, 1, b("old"), 0)).isNull();
        assertThat(assembler.offer(PATH, 0, 2, 1, b("new"), 0)).isNull();
        assertThat(assembler.bufferedBytes()).isEqualTo(3 + ChunkAssembler.FRAGMENT_OVERHEAD);
        assertThat(s(assembler.offer(PATH, 0, 2, 2, b("!"), 0))).isEqualTo("new!");
        assertThat(warnings("chunk_duplicate")).isEqualTo(1);
    }

    @Test
    void changedTotalsRestartTheSampleAndCountTheLostOne() {
        assertThat(assembler.offer(PATH, 9, 3, 1, b("abc"), 0)).isNull();
        assertThat(assembler.offer(PATH, 4, 2, 1, b("xy"), 0)).isNull();
        assertThat(errors("chunk_restart")).isEqualTo(1);
        assertThat(s(assembler.offer(PATH, 4, 2, 2, b("zw"), 0))).isEqualTo("xyzw");
        assertThat(assembler.bufferedBytes()).isZero();
        assertThat(warnings("chunk_size_mismatch")).isZero();
    }

    @Test
    void overflowDropsThePartialSampleOnceAndTheNextSampleWorks() {
        ChunkAssembler small = new ChunkAssembler(metrics, 2 * (ChunkAssembler.FRAGMENT_OVERHEAD + 10), 60_000);
        byte[] ten = new byte[10];
        assertThat(small.offer(PATH, 0, 3, 1, ten, 0)).isNull();
        assertThat(small.offer(PATH, 0, 3, 2, ten, 0)).isNull();
        assertThat(small.offer(PATH, 0, 3, 3, ten, 0)).as("third fragment exceeds the bound").isNull();
        assertThat(errors("chunk_overflow")).isEqualTo(1);
        assertThat(small.bufferedBytes()).isZero();
        assertThat(small.pending()).isZero();
        assertThat(s(small.offer(PATH, 0, 2, 1, b("ok"), 0))).isNull();
        assertThat(s(small.offer(PATH, 0, 2, 2, b("!"), 0))).isEqualTo("ok!");

        // a sample that overflows early: its remaining fragments are discarded without more counting
        ChunkAssembler tiny = new ChunkAssembler(metrics, ChunkAssembler.FRAGMENT_OVERHEAD + 10, 60_000);
        assertThat(tiny.offer(PATH, 0, 3, 1, new byte[11], 0)).isNull();
        assertThat(tiny.pending()).isEqualTo(1);
        assertThat(tiny.offer(PATH, 0, 3, 2, new byte[1], 0)).isNull();
        assertThat(tiny.offer(PATH, 0, 3, 3, new byte[1], 0)).isNull();
        assertThat(tiny.pending()).isZero();
        assertThat(errors("chunk_overflow")).isEqualTo(2);
        assertThat(tiny.expireCount(10_000_000)).isZero();
        assertThat(errors("chunk_timeout")).isZero();
    }

    @Test
    void boundCountsEveryPathOfTheStream() {
        ChunkAssembler small = new ChunkAssembler(metrics, 2 * (ChunkAssembler.FRAGMENT_OVERHEAD + 10), 60_000);
        assertThat(small.offer("a/b", 0, 2, 1, new byte[10], 0)).isNull();
        assertThat(small.offer("c/d", 0, 2, 1, new byte[10], 0)).isNull();
        assertThat(small.offer("e/f", 0, 2, 1, new byte[10], 0)).isNull();
        assertThat(errors("chunk_overflow")).isEqualTo(1);
        assertThat(small.offer("a/b", 0, 2, 2, b("x"), 0)).isNull();
        assertThat(errors("chunk_overflow")).as("a/b's second fragment no longer fits either").isEqualTo(2);
    }

    @Test
    void streamsShareOneBudgetAndGiveItBackWhenDone() {
        ChunkBudget budget = new ChunkBudget(3 * (ChunkAssembler.FRAGMENT_OVERHEAD + 10));
        ChunkAssembler one = new ChunkAssembler(metrics, 1 << 20, 60_000, budget);
        ChunkAssembler two = new ChunkAssembler(metrics, 1 << 20, 60_000, budget);
        assertThat(one.offer(PATH, 0, 3, 1, new byte[10], 0)).isNull();
        assertThat(one.offer(PATH, 0, 3, 2, new byte[10], 0)).isNull();
        assertThat(two.offer(PATH, 0, 3, 1, new byte[10], 0)).isNull();
        assertThat(budget.used()).isEqualTo(3 * (ChunkAssembler.FRAGMENT_OVERHEAD + 10));
        // each stream is far under its own bound, but together they hold the whole shared buffer
        assertThat(two.offer(PATH, 0, 3, 2, new byte[10], 0)).isNull();
        assertThat(errors("chunk_overflow")).isEqualTo(1);
        assertThat(budget.used()).isEqualTo(2 * (ChunkAssembler.FRAGMENT_OVERHEAD + 10));
        assertThat(s(one.offer(PATH, 0, 3, 3, b("x"), 0))).hasSize(21);
        assertThat(budget.used()).isZero();
        assertThat(two.offer("a/b", 0, 2, 1, new byte[10], 0)).isNull();
        assertThat(two.close()).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void theTimerExpiresSamplesOfStreamsThatNeverSendAgain() {
        ChunkBudget budget = new ChunkBudget(1 << 20);
        ChunkAssembler idle = new ChunkAssembler(metrics, 1 << 20, 60_000, budget);
        assertThat(idle.offer(PATH, 0, 2, 1, new byte[1000], 1_000)).isNull();
        budget.sweep(60_000);
        assertThat(idle.pending()).isEqualTo(1);
        budget.sweep(61_001); // no message on that stream: only the timer runs
        assertThat(idle.pending()).isZero();
        assertThat(budget.used()).isZero();
        assertThat(errors("chunk_timeout")).isEqualTo(1);
        idle.close();
        // a fragment that reaches a closed assembler (its stream ended meanwhile) is never held
        assertThat(idle.offer(PATH, 0, 2, 1, new byte[10], 70_000)).isNull();
        assertThat(idle.pending()).isZero();
        assertThat(budget.used()).isZero();
        assertThat(errors("chunk_incomplete")).isEqualTo(1);
    }

    @Test
    void incompleteSamplesTimeOut() {
        assertThat(assembler.offer(PATH, 0, 2, 1, b("ab"), 1_000)).isNull();
        assertThat(assembler.expireCount(61_000)).isZero();
        assertThat(assembler.expireCount(61_001)).isEqualTo(1);
        assertThat(errors("chunk_timeout")).isEqualTo(1);
        assertThat(assembler.pending()).isZero();
        assertThat(assembler.bufferedBytes()).isZero();
        // the late fragment starts a new sample rather than completing the dropped one
        assertThat(assembler.offer(PATH, 0, 2, 2, b("cd"), 61_002)).isNull();
        assertThat(assembler.pending()).isEqualTo(1);
    }

    @Test
    void offerAlsoExpiresOldSamples() {
        assertThat(assembler.offer("a/b", 0, 2, 1, b("ab"), 0)).isNull();
        assertThat(assembler.offer("c/d", 0, 2, 1, b("cd"), 70_000)).isNull();
        assertThat(errors("chunk_timeout")).isEqualTo(1);
        assertThat(assembler.pending()).isEqualTo(1);
    }

    @Test
    void sizeMismatchIsCountedButTheDocumentReturned() {
        assertThat(assembler.offer(PATH, 100, 2, 1, b("ab"), 0)).isNull();
        assertThat(s(assembler.offer(PATH, 100, 2, 2, b("cd"), 0))).isEqualTo("abcd");
        assertThat(warnings("chunk_size_mismatch")).isEqualTo(1);
        assertThat(assembler.offer(PATH, 5, 1, 1, b("abcd"), 0)).isNotNull();
        assertThat(warnings("chunk_size_mismatch")).isEqualTo(2);
        assertThat(s(assembler.offer(PATH, 4, 2, 1, b("ab"), 0))).isNull();
        assertThat(s(assembler.offer(PATH, 4, 2, 2, b("cd"), 0))).isEqualTo("abcd");
        assertThat(warnings("chunk_size_mismatch")).isEqualTo(2);
    }

    @Test
    void fragmentBoundaryInsideAMultiByteCharacterSurvives() {
        byte[] whole = b("{\"Name\":\"上联口 1\"}");
        int cut = 10; // inside the 3-byte encoding of 上 (bytes 9..11)
        assertThat(assembler.offer(PATH, whole.length, 2, 1, Arrays.copyOfRange(whole, 0, cut), 0)).isNull();
        byte[] joined = assembler.offer(PATH, whole.length, 2, 2, Arrays.copyOfRange(whole, cut, whole.length), 0);
        assertThat(joined).isEqualTo(whole);
        assertThat(s(joined)).isEqualTo("{\"Name\":\"上联口 1\"}");
    }

    @Test
    void closeCountsWhatWasLeftIncomplete() {
        assertThat(assembler.offer("a/b", 0, 2, 1, b("ab"), 0)).isNull();
        assertThat(assembler.offer("c/d", 0, 3, 1, b("cd"), 0)).isNull();
        assertThat(assembler.close()).isEqualTo(2);
        assertThat(errors("chunk_incomplete")).isEqualTo(2);
        assertThat(assembler.pending()).isZero();
        assertThat(assembler.bufferedBytes()).isZero();
    }
}
