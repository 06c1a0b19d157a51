package io.teleflux.dialout;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * What the first bytes of a connection to the plaintext dial-out port are: the HTTP/2 client
 * preface (a gRPC client), or something that is refused before the HTTP/2 parser sees it. Decides
 * on at most {@link #PREFACE_LENGTH} bytes; {@link Kind#NEED_MORE} only ever below that.
 */
final class FirstBytes {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int PREFACE_LENGTH = PREFACE.length; // 24
    private static final byte[][] HTTP1_METHODS = ascii("GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ",
            "CONNECT ", "TRACE ", "PATCH ");
    private static final byte TLS_HANDSHAKE = 0x16;

    enum Kind {
        /** the HTTP/2 client preface, complete */
        HTTP2(null),
        /** a prefix of something known: wait for more bytes */
        NEED_MORE(null),
        /** a TLS handshake record (a ClientHello) */
        TLS("tls_on_plaintext"),
        /** an HTTP/1 request line */
        HTTP1("http1"),
        /** a PROXY protocol header (v1 or v2) from a peer that is not a trusted load balancer */
        PROXY("proxy_untrusted"),
        /** anything else */
        OTHER("not_http2");

        /** the {@code reason} label of {@code teleflux_dialout_rejected_total}, null when not refused */
        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }
    }

    private FirstBytes() {
    }

    /** Classifies the readable bytes of {@code buf} (not consumed). */
    static Kind classify(ByteBuf buf) {
        int n = Math.min(buf.readableBytes(), PREFACE_LENGTH);
        int at = buf.readerIndex();
        if (n == 0) {
            return Kind.NEED_MORE;
        }
        if (startsWith(buf, at, n, PREFACE)) {
            return n == PREFACE_LENGTH ? Kind.HTTP2 : Kind.NEED_MORE;
        }
        Kind proxy = proxy(buf, at, n);
        if (proxy != null) {
            return proxy;
        }
        if (buf.getByte(at) == TLS_HANDSHAKE) {
            if (n < 3) {
                return Kind.NEED_MORE;
            }
            // record version 3.x: SSL 3.0 (0x0300) to TLS 1.2 (0x0303); a TLS 1.3 ClientHello says 0x0301
            return buf.getByte(at + 1) == 3 && buf.getByte(at + 2) >= 0 && buf.getByte(at + 2) <= 4 ? Kind.TLS : Kind.OTHER;
        }
        boolean prefixOfMethod = false;
        for (byte[] m : HTTP1_METHODS) {
            if (startsWith(buf, at, n, m)) {
                if (n >= m.length) {
                    return Kind.HTTP1;
                }
                prefixOfMethod = true;
            }
        }
        return prefixOfMethod ? Kind.NEED_MORE : Kind.OTHER;
    }

    /** PROXY or NEED_MORE when the bytes are (the start of) a PROXY header's first bytes, else null. */
    private static Kind proxy(ByteBuf buf, int at, int n) {
        for (byte[] start : new byte[][] {ProxyHeader.V1_PREFIX, ProxyHeader.V2_SIGNATURE}) {
            if (startsWith(buf, at, n, start)) {
                return n >= start.length ? Kind.PROXY : Kind.NEED_MORE;
            }
        }
        return null;
    }

    /** Whether the first {@code n} bytes at {@code at} agree with {@code expected} as far as both go. */
    private static boolean startsWith(ByteBuf buf, int at, int n, byte[] expected) {
        int len = Math.min(n, expected.length);
        for (int i = 0; i < len; i++) {
            if (buf.getByte(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Up to 16 bytes as hex, for a log line (never the bytes themselves: they come from anyone). */
    static String hex(ByteBuf buf) {
        int n = Math.min(buf.readableBytes(), 16);
        StringBuilder sb = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", buf.getByte(buf.readerIndex() + i) & 0xff));
        }
        return buf.readableBytes() > n ? sb.append(" ...").toString() : sb.toString();
    }

    /** The request method of an {@link Kind#HTTP1} opening. */
    static String method(ByteBuf buf) {
        for (byte[] m : HTTP1_METHODS) {
            if (buf.readableBytes() >= m.length && startsWith(buf, buf.readerIndex(), m.length, m)) {
                return new String(m, 0, m.length - 1, StandardCharsets.US_ASCII);
            }
        }
        return "?";
    }

    private static byte[][] ascii(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
