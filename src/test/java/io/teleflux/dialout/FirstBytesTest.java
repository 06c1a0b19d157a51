package io.teleflux.dialout;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.teleflux.dialout.FirstBytes.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class FirstBytesTest {

    static Kind classify(byte[] b) {
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        try {
            return FirstBytes.classify(buf);
        } finally {
            buf.release();
        }
    }

    static Kind classify(String s) {
        return classify(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Every prefix shorter than the decision point waits; from there on the answer never changes. */
    static void decidedAt(byte[] whole, int at, Kind kind) {
        for (int n = 0; n < at; n++) {
            assertThat(classify(Arrays.copyOf(whole, n))).as("%d bytes", n).isEqualTo(Kind.NEED_MORE);
        }
        for (int n = at; n <= whole.length; n++) {
            assertThat(classify(Arrays.copyOf(whole, n))).as("%d bytes", n).isEqualTo(kind);
        }
    }

    @Test
    void theHttp2PrefaceNeedsAll24BytesAndMayBeFollowedByFrames() {
        byte[] preface = FirstBytes.PREFACE;
        decidedAt(preface, 24, Kind.HTTP2);
        byte[] withSettings = Arrays.copyOf(preface, 24 + 9);
        withSettings[24 + 3] = 0x4;
        assertThat(classify(withSettings)).isEqualTo(Kind.HTTP2);
        assertThat(classify("PRI * HTTP/1.1\r\n")).isEqualTo(Kind.OTHER);
        assertThat(classify("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\r")).isEqualTo(Kind.OTHER);
    }

    @Test
    void aTlsRecordIsKnownFromItsThirdByte() {
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        decidedAt(hello, 3, Kind.TLS);
        assertThat(classify(new byte[] {0x16, 0x03, 0x03})).isEqualTo(Kind.TLS);
        assertThat(classify(new byte[] {0x16, 0x02, 0x01})).isEqualTo(Kind.OTHER);
        assertThat(classify(new byte[] {0x16, 0x03, 0x09})).isEqualTo(Kind.OTHER);
        assertThat(Kind.TLS.reason).isEqualTo("tls_on_plaintext");
    }

    @Test
    void aProxyHeaderFromAnUntrustedPeerIsKnownFromItsWholeSignature() {
        decidedAt("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n".getBytes(StandardCharsets.US_ASCII), 6, Kind.PROXY);
        byte[] v2 = Arrays.copyOf(ProxyHeader.V2_SIGNATURE, 28);
        v2[12] = 0x21;
        decidedAt(v2, 12, Kind.PROXY);
        assertThat(Kind.PROXY.reason).isEqualTo("proxy_untrusted");
        // "P" and "PR" may still be the HTTP/2 preface; "PROXX" is nothing
        assertThat(classify("PROXX")).isEqualTo(Kind.OTHER);
        assertThat(classify("POST ")).isEqualTo(Kind.HTTP1);
    }

    @Test
    void http1RequestLines() {
        decidedAt("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 4, Kind.HTTP1);
        decidedAt("POST /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 5, Kind.HTTP1);
        decidedAt("PUT /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 4, Kind.HTTP1);
        decidedAt("PATCH /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 6, Kind.HTTP1);
        decidedAt("OPTIONS * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 8, Kind.HTTP1);
        decidedAt("CONNECT example.org:443 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 8, Kind.HTTP1);
        for (String m : new String[] {"HEAD ", "DELETE ", "TRACE "}) {
            assertThat(classify(m + "/ HTTP/1.0\r\n")).as(m).isEqualTo(Kind.HTTP1);
        }
        assertThat(classify("GETX")).isEqualTo(Kind.OTHER);
        assertThat(classify("get / HTTP/1.1")).isEqualTo(Kind.OTHER);
        assertThat(Kind.HTTP1.reason).isEqualTo("http1");
        ByteBuf b = Unpooled.copiedBuffer("OPTIONS * HTTP/1.1", StandardCharsets.US_ASCII);
        assertThat(FirstBytes.method(b)).isEqualTo("OPTIONS");
        b.release();
    }

    @Test
    void anythingElseIsNotHttp2AndIsDecidedByTheFirstByteThatFitsNothing() {
        assertThat(classify(new byte[] {0})).isEqualTo(Kind.OTHER);
        assertThat(classify("SSH-2.0-OpenSSH_9.2\r\n")).isEqualTo(Kind.OTHER);
        assertThat(classify("PX")).isEqualTo(Kind.OTHER);
        assertThat(classify("P")).isEqualTo(Kind.NEED_MORE); // PRI, POST, PUT, PATCH
        assertThat(Kind.OTHER.reason).isEqualTo("not_http2");
        ByteBuf b = Unpooled.wrappedBuffer(new byte[40]);
        assertThat(FirstBytes.hex(b)).isEqualTo("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ...");
        b.release();
    }

    @Test
    void randomBytesNeverWaitBeyondThePrefaceLength() {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            if (r.nextInt(4) == 0 && b.length > 0) {
                b[0] = (byte) "PGHOCTD\u0016".charAt(r.nextInt(8));
            }
            Kind k = classify(b);
            if (b.length >= FirstBytes.PREFACE_LENGTH) {
                assertThat(k).isNotEqualTo(Kind.NEED_MORE);
            }
        }
    }
}
