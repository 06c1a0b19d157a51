package io.teleflux.dialout.h3c;

import com.google.protobuf.ByteString;

/**
 * jsonData copied out of its protobuf message into a buffer that the decoding thread reuses,
 * instead of a new array per message: the parser needs a byte[], and a fresh copy of each ~18 KB
 * document was a quarter of the bytes the collector allocated per message. Only for a document
 * decoded at once and not kept (a chunk's fragment is kept by the assembler: it gets its own copy).
 */
public final class JsonCopy {
    /** Documents larger than this get their own array, so that no thread keeps a huge buffer. */
    static final int KEEP_AT_MOST = 1 << 20;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[32 * 1024]);

    private JsonCopy() {
    }

    /**
     * The bytes of {@code data} from index 0 to {@code data.size()}, in an array that stays valid
     * only until this thread's next call: decode them before.
     */
    public static byte[] reused(ByteString data) {
        int n = data.size();
        if (n > KEEP_AT_MOST) {
            return data.toByteArray();
        }
        byte[] b = SCRATCH.get();
        if (b.length < n) {
            b = new byte[Math.min(KEEP_AT_MOST, Math.max(n, 2 * b.length))];
            SCRATCH.set(b);
        }
        data.copyTo(b, 0);
        return b;
    }
}
