package io.teleflux.dialout.h3c;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class JsonCopyTest {
    private static ByteString bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return ByteString.copyFrom(b);
    }

    @Test
    void copiesTheBytesIntoOneBufferPerThreadThatGrowsAsNeeded() {
        ByteString small = bytes(100, 1);
        byte[] first = JsonCopy.reused(small);
        assertThat(Arrays.copyOf(first, 100)).isEqualTo(small.toByteArray());
        ByteString other = bytes(200, 7);
        byte[] second = JsonCopy.reused(other);
        assertThat(second).isSameAs(first); // no new array for a document that fits
        assertThat(Arrays.copyOf(second, 200)).isEqualTo(other.toByteArray());
        ByteString big = bytes(100_000, 3);
        byte[] grown = JsonCopy.reused(big);
        assertThat(grown.length).isGreaterThanOrEqualTo(100_000);
        assertThat(Arrays.copyOf(grown, 100_000)).isEqualTo(big.toByteArray());
        assertThat(JsonCopy.reused(small)).isSameAs(grown);
    }

    @Test
    void aDocumentOverTheLimitGetsItsOwnArrayAndTheBufferStaysSmall() {
        byte[] kept = JsonCopy.reused(bytes(10, 0));
        ByteString huge = bytes(JsonCopy.KEEP_AT_MOST + 1, 5);
        byte[] own = JsonCopy.reused(huge);
        assertThat(own).isNotSameAs(kept).isEqualTo(huge.toByteArray());
        assertThat(JsonCopy.reused(bytes(10, 0))).isSameAs(kept);
    }

    @Test
    void eachThreadHasItsOwnBuffer() throws Exception {
        byte[] mine = JsonCopy.reused(bytes(10, 0));
        byte[][] theirs = new byte[1][];
        Thread t = Thread.ofPlatform().start(() -> theirs[0] = JsonCopy.reused(bytes(10, 0)));
        t.join();
        assertThat(theirs[0]).isNotSameAs(mine);
    }
}
