package io.teleflux.dialout;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelOutboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;

import java.util.function.BiConsumer;

/**
 * Reads the HTTP/2 frames the server writes on one connection (plaintext, i.e. behind TLS when
 * there is TLS) and reports the first GOAWAY that carries an error code: gRPC's HTTP/2 handler
 * answers a connection error from the peer (a malformed frame, a first frame that is not
 * SETTINGS, too many pings, ...) with such a GOAWAY and closes the connection. A graceful GOAWAY
 * ({@code NO_ERROR}, on shutdown) is not reported. Only frame headers are parsed, and at most
 * 160 bytes of GOAWAY debug data are kept; the bytes are passed on untouched.
 */
final class GoAwayWatch extends ChannelOutboundHandlerAdapter {
    private static final int HEADER = 9;
    private static final int GOAWAY = 0x7;
    private static final int MAX_DEBUG = 160;

    /** Called once, with the error's name and the GOAWAY's debug data (printable ASCII, bounded). */
    private final BiConsumer<String, String> onError;
    private final byte[] header = new byte[HEADER];
    private int headerFill;
    private long payloadLeft;
    private byte[] goAway; // payload of the GOAWAY being read: last-stream-id, error code, debug data
    private int goAwayFill;
    private boolean reported;

    GoAwayWatch(BiConsumer<String, String> onError) {
        this.onError = onError;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!reported && msg instanceof ByteBuf buf) {
            try {
                scan(buf, buf.readerIndex(), buf.writerIndex());
            } catch (RuntimeException e) {
                reported = true; // never let the watch break the connection
            }
        }
        ctx.write(msg, promise);
    }

    private void scan(ByteBuf buf, int from, int to) {
        int i = from;
        while (i < to && !reported) {
            if (payloadLeft > 0) {
                int take = (int) Math.min(payloadLeft, to - i);
                if (goAway != null) {
                    int keep = Math.min(take, goAway.length - goAwayFill);
                    buf.getBytes(i, goAway, goAwayFill, keep);
                    goAwayFill += keep;
                }
                i += take;
                payloadLeft -= take;
                if (payloadLeft == 0 && goAway != null) {
                    goAwayDone();
                }
                continue;
            }
            header[headerFill++] = buf.getByte(i++);
            if (headerFill == HEADER) {
                headerFill = 0;
                payloadLeft = ((header[0] & 0xffL) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                if ((header[3] & 0xff) == GOAWAY && payloadLeft >= 8) {
                    goAway = new byte[(int) Math.min(payloadLeft, 8 + MAX_DEBUG)];
                    goAwayFill = 0;
                }
            }
        }
    }

    private void goAwayDone() {
        byte[] p = goAway;
        goAway = null;
        long code = ((p[4] & 0xffL) << 24) | ((p[5] & 0xff) << 16) | ((p[6] & 0xff) << 8) | (p[7] & 0xff);
        if (code == 0) {
            return;
        }
        reported = true;
        Http2Error e = Http2Error.valueOf(code);
        StringBuilder debug = new StringBuilder();
        for (int j = 8; j < goAwayFill; j++) {
            char c = (char) (p[j] & 0xff);
            debug.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        onError.accept(e != null ? e.name() : "error code " + code, debug.toString());
    }
}
