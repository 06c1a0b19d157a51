package io.teleflux.influx;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchTest {

    private static Batch batch(String... lines) {
        return new Batch(3, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), lines.length);
    }

    private static String text(Batch b) {
        return new String(b.body(), StandardCharsets.UTF_8);
    }

    @Test
    void splitsAtTheLineBoundaryNearestTheMiddle() {
        Batch b = batch("m a=1i 1", "m a=2i 2", "m a=3i 3", "m a=4i 4");
        Batch[] h = b.split();
        assertThat(text(h[0])).isEqualTo("m a=1i 1\nm a=2i 2\n");
        assertThat(text(h[1])).isEqualTo("m a=3i 3\nm a=4i 4\n");
        assertThat(h[0].lines()).isEqualTo(2);
        assertThat(h[1].lines()).isEqualTo(2);
        assertThat(h[0].seq()).isEqualTo(3);
        assertThat(h[1].seq()).isEqualTo(3);
    }

    @Test
    void unevenLinesAreNeverCut() {
        Batch b = batch("long,tag=" + "x".repeat(200) + " f=1i 1", "s f=2i 2", "s f=3i 3");
        Batch[] h = b.split();
        assertThat(h[0].lines() + h[1].lines()).isEqualTo(3);
        assertThat(h[0].lines()).isPositive();
        assertThat(h[1].lines()).isPositive();
        assertThat(text(h[0]) + text(h[1])).isEqualTo(text(b));
        assertThat(text(h[0])).endsWith("\n");
    }

    @Test
    void twoLinesWhereTheFirstIsMostOfTheBody() {
        Batch b = batch("m,t=" + "é".repeat(100) + " f=1i 1", "m f=2i 2");
        Batch[] h = b.split();
        assertThat(text(h[0])).isEqualTo("m,t=" + "é".repeat(100) + " f=1i 1\n");
        assertThat(text(h[1])).isEqualTo("m f=2i 2\n");
    }

    @Test
    void recursiveSplittingEndsInSingleLinesInOrder() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            lines.add("m,i=" + i + " f=" + "9".repeat(i % 7 + 1) + "i " + i);
        }
        List<String> out = new ArrayList<>();
        splitAll(batch(lines.toArray(String[]::new)), out);
        assertThat(out).containsExactlyElementsOf(lines);
    }

    private static void splitAll(Batch b, List<String> out) {
        if (b.lines() == 1) {
            out.add(text(b).stripTrailing());
            return;
        }
        Batch[] h = b.split();
        assertThat(h[0].body().length + h[1].body().length).isEqualTo(b.body().length);
        splitAll(h[0], out);
        splitAll(h[1], out);
    }

    @Test
    void aSingleLineCannotBeSplit() {
        assertThatThrownBy(() -> batch("m f=1i 1").split()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBatchMustHoldCompleteLines() {
        assertThatThrownBy(() -> new Batch(1, "m f=1i 1".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBatchBufferHandsOverChunksNoneLargerThanAChunkThatJoinToTheLinesAppended() {
        BatchBuffer buf = new BatchBuffer();
        StringBuilder expected = new StringBuilder();
        byte[] line = ("m,t=" + "y".repeat(1000) + " f=1i 1\n").getBytes(StandardCharsets.UTF_8);
        byte[] twoLines = new byte[line.length * 2];
        System.arraycopy(line, 0, twoLines, 0, line.length);
        System.arraycopy(line, 0, twoLines, line.length, line.length);
        for (int i = 0; i < 300; i++) { // ~600 KB: lines straddle chunk boundaries
            buf.append(twoLines, 0, twoLines.length, 2);
            expected.append(new String(twoLines, StandardCharsets.UTF_8));
        }
        assertThat(buf.lines()).isEqualTo(600);
        byte[][] chunks = buf.take();
        assertThat(chunks.length).isEqualTo(3);
        assertThat(List.of(chunks)).allMatch(c -> c.length > 0 && c.length <= BatchBuffer.CHUNK);
        Batch b = new Batch(7, chunks, 600);
        assertThat(b.length()).isEqualTo(expected.length());
        assertThat(text(b)).isEqualTo(expected.toString());
        assertThat(buf.lines()).isZero();
        assertThat(buf.take().length).isZero(); // nothing left over for the next batch

        Batch[] h = b.split(); // the rare paths join the chunks
        assertThat(text(h[0]) + text(h[1])).isEqualTo(expected.toString());
        assertThat(h[0].lines() + h[1].lines()).isEqualTo(600);
        assertThat(text(Batch.concat(List.of(h[0], h[1])))).isEqualTo(expected.toString());
    }

    @Test
    void aChunkedBatchMustStillEndWithACompleteLine() {
        byte[] a = "m f=1i 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] partial = "m f=2i".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new Batch(1, new byte[][] {a, partial}, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(1, new byte[][] {}, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batch(1, new byte[][] {a, new byte[0]}, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
