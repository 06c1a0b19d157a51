package io.teleflux.dialout.h3cv3;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.teleflux.dialout.ChunkBudget;
import io.teleflux.dialout.TotalSizeChunks;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.h3cv3.TelemetryGPBTable;
import io.teleflux.proto.h3cv3.TelemetryRowGPB;
import io.teleflux.selfmon.Metrics;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of what v3 dial-out reads from the wire without a schema.
 *
 * <p>{@code unknownRows}: any bytes as the {@code content} and {@code keys} of GPB rows. Invariants:
 * no exception; every point has a measurement {@code h3c_...}, at least one field, at most the field
 * limit and at most {@link UnknownGpb#MAX_TEXT_TAGS} tags besides device, source and row; its line
 * protocol encodes.
 *
 * <p>{@code reassemble}: a sequence of pieces with any totalSize (some cut from one real message),
 * timer sweeps and a close, against a small max-message-size and shared budget. Invariants: what the
 * budget holds never passes it and equals what the reassembler holds; a returned message is never
 * larger than max-message-size plus its last piece; close and a sweep past the timeout leave nothing.
 */
class H3cV3Fuzzer {

    @FuzzTest(maxDuration = "30s")
    void unknownRows(FuzzedDataProvider data) {
        Metrics metrics = new Metrics();
        int maxFields = data.consumeInt(1, 50);
        UnknownGpb gpb = new UnknownGpb(metrics, maxFields, data.consumeInt(1, 8), 50);
        TelemetryGPBTable.Builder t = TelemetryGPBTable.newBuilder();
        int rows = data.consumeInt(0, 4);
        for (int i = 0; i < rows; i++) {
            t.addRow(TelemetryRowGPB.newBuilder().setTimestamp(data.consumeLong())
                    .setKeys(ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 16))))
                    .setContent(ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 512)))));
        }
        List<Point> out = new ArrayList<>();
        try {
            gpb.decode("fuzz", data.consumeString(40), t.build(), 1_718_000_000_000L, out);
        } catch (UnknownGpb.TooManyRows e) {
            throw new AssertionError("50 rows allowed", e);
        }
        for (Point p : out) {
            assertThat(p.measurement()).startsWith("h3c_");
            assertThat(p.fieldCount()).isBetween(1, maxFields);
            assertThat(p.tagCount()).isLessThanOrEqualTo(3 + UnknownGpb.MAX_TEXT_TAGS);
            assertThat(p.timeMs()).isPositive();
            assertThat(LineProtocol.encode(p)).isNotEmpty();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void reassemble(FuzzedDataProvider data) {
        int maxMessage = data.consumeInt(1, 2048);
        long budgetMax = data.consumeLong(1, 4096);
        long timeout = data.consumeLong(1, 1000);
        ChunkBudget budget = new ChunkBudget(budgetMax);
        TotalSizeChunks chunks = new TotalSizeChunks(new Metrics(), maxMessage, timeout, budget);
        byte[] real = data.consumeBytes(data.consumeInt(0, 1500));
        long now = 0;
        for (int op = 0; op < 64 && data.remainingBytes() > 0; op++) {
            now += data.consumeLong(0, 400);
            switch (data.consumeInt(0, 5)) {
                case 0 -> budget.sweep(now);
                case 1 -> {
                    // one real message cut in pieces, in order. Pieces carry no message id: after an
                    // incomplete message of the same totalSize they continue it (as on NX-OS and in
                    // Telegraf), so the checks hold only when nothing was pending
                    boolean clean = !chunks.pending();
                    int piece = data.consumeInt(1, 300);
                    ByteString all = ByteString.copyFrom(real);
                    ByteString got = null;
                    for (int off = 0; off < all.size(); off += piece) {
                        assertThat(got == null || !clean).as("complete before its last piece").isTrue();
                        got = chunks.offer(all.size(), all.substring(off, Math.min(all.size(), off + piece)), now);
                    }
                    if (clean && got != null) {
                        assertThat(got).isEqualTo(all);
                    }
                    if (clean && all.size() <= maxMessage && all.size() + (long) (all.size() / piece + 1)
                            * TotalSizeChunks.FRAGMENT_OVERHEAD <= budgetMax && !all.isEmpty()) {
                        assertThat(got).as("a message that fits comes back whole").isEqualTo(all);
                    }
                }
                default -> {
                    int total = data.consumeBoolean() ? 0 : data.consumeInt(-5, 3000);
                    ByteString piece = ByteString.copyFrom(data.consumeBytes(data.consumeInt(0, 500)));
                    ByteString got = chunks.offer(total, piece, now);
                    if (total == 0) {
                        assertThat(got).isSameAs(piece);
                    } else if (got != null) {
                        assertThat(got.size()).as("exactly what was announced").isEqualTo(total)
                                .isLessThanOrEqualTo(maxMessage);
                    }
                }
            }
            assertThat(budget.used()).isBetween(0L, budgetMax).isEqualTo(chunks.heldBytes());
        }
        budget.sweep(now + timeout + 1);
        assertThat(chunks.pending()).isFalse();
        assertThat(budget.used()).isZero();
        chunks.close();
        assertThat(budget.used()).isZero();
    }
}
