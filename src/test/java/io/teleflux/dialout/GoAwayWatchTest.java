package io.teleflux.dialout;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GoAwayWatchTest {

    static byte[] frame(int type, int stream, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(0);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] goAway(int code, String debug) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {0, 0, 0, 3, (byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code});
        p.writeBytes(debug.getBytes(StandardCharsets.ISO_8859_1));
        return frame(7, 0, p.toByteArray());
    }

    /** Writes {@code bytes} through a watch in pieces of {@code piece} bytes; returns what it reported. */
    static List<String> write(byte[] bytes, int piece) {
        List<String> reported = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new GoAwayWatch((e, d) -> reported.add(e + "|" + d)));
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += piece) {
            ch.writeOutbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                passed.writeBytes(a);
                b.release();
            }
        }
        ch.finishAndReleaseAll();
        assertThat(passed.toByteArray()).as("bytes pass untouched").isEqualTo(bytes);
        return reported;
    }

    @Test
    void reportsTheFirstGoAwayWithAnErrorHoweverTheBytesAreSplit() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(frame(4, 0, new byte[18]));                 // SETTINGS
        s.writeBytes(frame(8, 0, new byte[] {0, 0, 1, 0}));      // WINDOW_UPDATE
        s.writeBytes(frame(0, 1, new byte[100]));                // DATA
        s.writeBytes(goAway(1, "First received frame was not SETTINGS.\n\u0001"));
        s.writeBytes(goAway(6, "second one is not reported"));
        byte[] bytes = s.toByteArray();
        for (int piece : new int[] {1, 2, 7, 9, 10, 64, bytes.length}) {
            assertThat(write(bytes, piece)).as("pieces of %d", piece)
                    .containsExactly("PROTOCOL_ERROR|First received frame was not SETTINGS.??");
        }
    }

    @Test
    void aGracefulGoAwayIsNotAnError() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(frame(4, 0, new byte[0]));
        s.writeBytes(goAway(0, "max_age"));
        s.writeBytes(goAway(0, ""));
        assertThat(write(s.toByteArray(), 5)).isEmpty();
        assertThat(write(goAway(11, "too_many_pings"), 3)).containsExactly("ENHANCE_YOUR_CALM|too_many_pings");
        assertThat(write(goAway(0x99, "x".repeat(1000)), 100)).containsExactly("error code 153|" + "x".repeat(160));
    }
}
