package io.teleflux.dialout;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeaderTest {
    static final byte[] PREFACE = FirstBytes.PREFACE;

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A v2 header: version/command byte, family/transport byte, then the body as given. */
    static byte[] v2(int verCmd, int famProto, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.put(ProxyHeader.V2_SIGNATURE).put((byte) verCmd).put((byte) famProto).putShort((short) body.length).put(body);
        return b.array();
    }

    static byte[] inet4(String src, int srcPort, String dst, int dstPort, byte[] tlvs) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(12 + tlvs.length);
        b.put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress())
                .putShort((short) srcPort).putShort((short) dstPort).put(tlvs);
        return b.array();
    }

    static byte[] inet6(String src, int srcPort, String dst, int dstPort) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(36);
        b.put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress())
                .putShort((short) srcPort).putShort((short) dstPort);
        return b.array();
    }

    static ProxyHeader.Result parse(byte[] b) {
        return ProxyHeader.parse(b, b.length);
    }

    static ProxyHeader.Proxied proxied(byte[] header, String address, int port) throws Exception {
        ProxyHeader.Result r = parse(concat(header, PREFACE));
        assertThat(r).isInstanceOf(ProxyHeader.Proxied.class);
        ProxyHeader.Proxied p = (ProxyHeader.Proxied) r;
        assertThat(p.source()).isEqualTo(new InetSocketAddress(InetAddress.getByName(address), port));
        assertThat(p.length()).isEqualTo(header.length);
        return p;
    }

    @Test
    void v1Tcp4AndTcp6NameTheClient() throws Exception {
        proxied(ascii("PROXY TCP4 192.0.2.17 198.51.100.1 56324 50051\r\n"), "192.0.2.17", 56324);
        proxied(ascii("PROXY TCP6 2001:db8::17 2001:db8::1 0 65535\r\n"), "2001:db8::17", 0);
        String v6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        proxied(ascii("PROXY TCP6 " + v6 + " " + v6 + " 65535 65535\r\n"), v6, 65535);
        // the longest v1 header the specification allows: 107 bytes
        byte[] longest = ascii("PROXY UNKNOWN " + v6 + " " + v6 + " 65535 65535\r\n");
        assertThat(longest).hasSize(ProxyHeader.V1_MAX);
        assertThat(parse(longest)).isEqualTo(new ProxyHeader.Local(107));
        // IPv4-mapped: the same device as its IPv4 address
        proxied(ascii("PROXY TCP6 ::ffff:192.0.2.5 ::1 4000 50051\r\n"), "192.0.2.5", 4000);
    }

    @Test
    void v1UnknownKeepsTheBalancersAddress() {
        assertThat(parse(concat(ascii("PROXY UNKNOWN\r\n"), PREFACE))).isEqualTo(new ProxyHeader.Local(15));
        byte[] withAddresses = ascii("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n");
        assertThat(parse(withAddresses)).isEqualTo(new ProxyHeader.Local(withAddresses.length));
    }

    @Test
    void v1BadHeadersAreInvalid() {
        for (String bad : new String[] {
                "PROXY TCP4 192.0.2.17 198.51.100.1 56324\r\n", // a field missing
                "PROXY TCP4 192.0.2.17  198.51.100.1 56324 50051\r\n", // two spaces
                "PROXY TCP4 192.0.2.256 198.51.100.1 56324 50051\r\n",
                "PROXY TCP4 192.0.2 198.51.100.1 56324 50051\r\n",
                "PROXY TCP4 2001:db8::1 198.51.100.1 56324 50051\r\n", // v6 address in TCP4
                "PROXY TCP6 192.0.2.1 2001:db8::1 56324 50051\r\n", // v4 address in TCP6
                "PROXY TCP6 fe80::1%eth0 2001:db8::1 56324 50051\r\n", // scope id: never resolved
                "PROXY TCP6 localhost 2001:db8::1 56324 50051\r\n", // a name: never resolved
                "PROXY TCP4 192.0.2.17 198.51.100.1 65536 50051\r\n",
                "PROXY TCP4 192.0.2.17 198.51.100.1 -1 50051\r\n",
                "PROXY UDP4 192.0.2.17 198.51.100.1 1 2\r\n",
                "PROXY UNKNOWNX\r\n",
                "PROXY TCP4 192.0.2.17 198.51.100.1 1 2\rX",
                "PROXY TCP4 192.0.2.17 198.51.100.1 1 2\n",
                "PROXY TCP4 192.0.2.17\t198.51.100.1 1 2\r\n",
        }) {
            assertThat(parse(ascii(bad))).as(bad).isInstanceOf(ProxyHeader.Invalid.class);
        }
    }

    @Test
    void v1WithoutCrlfWithin107BytesIsOversized() {
        byte[] b = ascii("PROXY TCP4 " + "1".repeat(200));
        assertThat(ProxyHeader.parse(b, 106)).isInstanceOf(ProxyHeader.NeedMore.class);
        assertThat(ProxyHeader.parse(b, 107)).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(b)).isInstanceOf(ProxyHeader.Invalid.class);
        // CR as the 107th byte: its LF would be the 108th
        byte[] cr107 = ascii("PROXY UNKNOWN " + "x".repeat(92) + "\r\n");
        assertThat(cr107).hasSize(108);
        assertThat(ProxyHeader.parse(cr107, 107)).isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void v2Ipv4Ipv6AndTlvs() throws Exception {
        proxied(v2(0x21, 0x11, inet4("192.0.2.17", 56324, "198.51.100.1", 50051, new byte[0])), "192.0.2.17", 56324);
        proxied(v2(0x21, 0x21, inet6("2001:db8::17", 1, "2001:db8::1", 50051)), "2001:db8::17", 1);
        // TLVs: ALPN "h2", a NOOP, an authority; skipped
        byte[] tlvs = concat(new byte[] {0x01, 0, 2, 'h', '2'}, new byte[] {0x04, 0, 0},
                new byte[] {0x02, 0, 4, 'd', 'e', 'v', '1'});
        proxied(v2(0x21, 0x11, inet4("10.1.2.3", 40000, "10.0.0.1", 50051, tlvs)), "10.1.2.3", 40000);
    }

    @Test
    void v2LocalKeepsTheBalancersAddressWhateverItsAddressBlock() throws Exception {
        assertThat(parse(concat(v2(0x20, 0x00, new byte[0]), PREFACE))).isEqualTo(new ProxyHeader.Local(16));
        byte[] withBlock = v2(0x20, 0x11, inet4("192.0.2.1", 1, "192.0.2.2", 2, new byte[0]));
        assertThat(parse(withBlock)).isEqualTo(new ProxyHeader.Local(28));
        // PROXY with UNSPEC: "the receiver must use the real connection endpoints"
        assertThat(parse(v2(0x21, 0x00, new byte[0]))).isEqualTo(new ProxyHeader.Local(16));
    }

    @Test
    void v2BadHeadersAreInvalid() throws Exception {
        byte[] ok = inet4("192.0.2.17", 1, "192.0.2.1", 2, new byte[0]);
        assertThat(parse(v2(0x11, 0x11, ok))).as("version 1").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x22, 0x11, ok))).as("command 2").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x12, ok))).as("UDP").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x31, new byte[216]))).as("UNIX").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x41, ok))).as("family 4").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x21, ok))).as("INET6 with 12 bytes").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x11, Arrays.copyOf(ok, 8)))).as("short address block").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x11, concat(ok, new byte[] {0x01, 0})))).as("truncated TLV").isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(v2(0x21, 0x11, concat(ok, new byte[] {0x01, 0, 9, 'x'})))).as("TLV overruns").isInstanceOf(ProxyHeader.Invalid.class);
        // a wrong version byte is refused as soon as it arrives
        byte[] badVersion = v2(0x31, 0x11, ok);
        assertThat(ProxyHeader.parse(badVersion, 13)).isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void v2OversizedIsRefusedFromItsLengthField() {
        byte[] huge = v2(0x21, 0x11, new byte[0]);
        huge[14] = (byte) 0xff;
        huge[15] = (byte) 0xff;
        assertThat(parse(huge)).isInstanceOf(ProxyHeader.Invalid.class);
        byte[] justOver = v2(0x21, 0x11, new byte[0]);
        int len = ProxyHeader.V2_MAX_BODY + 1;
        justOver[14] = (byte) (len >> 8);
        justOver[15] = (byte) len;
        assertThat(parse(justOver)).isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void everyPrefixOfAValidHeaderNeedsMoreAndTheWholeDecides() throws Exception {
        byte[][] headers = {
                ascii("PROXY TCP4 192.0.2.17 198.51.100.1 56324 50051\r\n"),
                ascii("PROXY TCP6 2001:db8::17 2001:db8::1 0 65535\r\n"),
                ascii("PROXY UNKNOWN\r\n"),
                v2(0x21, 0x11, inet4("192.0.2.17", 56324, "198.51.100.1", 50051, new byte[] {0x04, 0, 1, 0})),
                v2(0x21, 0x21, inet6("2001:db8::17", 1, "2001:db8::1", 50051)),
                v2(0x20, 0x00, new byte[0]),
        };
        for (byte[] h : headers) {
            byte[] stream = concat(h, PREFACE);
            for (int split = 0; split < h.length; split++) {
                assertThat(ProxyHeader.parse(stream, split)).as("%d of %d bytes", split, h.length)
                        .isInstanceOf(ProxyHeader.NeedMore.class);
            }
            ProxyHeader.Result whole = ProxyHeader.parse(stream, h.length);
            for (int more = h.length; more <= stream.length; more++) {
                assertThat(ProxyHeader.parse(stream, more)).as("with %d bytes after it", more - h.length).isEqualTo(whole);
            }
            assertThat(whole).isInstanceOfAny(ProxyHeader.Proxied.class, ProxyHeader.Local.class);
        }
    }

    @Test
    void truncatedHeadersNeverCompleteAndGarbageIsRefusedAtTheFirstWrongByte() {
        assertThat(parse(ascii("PROXY TCP4 192.0.2.17 198.51"))).isInstanceOf(ProxyHeader.NeedMore.class);
        assertThat(parse(Arrays.copyOf(ProxyHeader.V2_SIGNATURE, 7))).isInstanceOf(ProxyHeader.NeedMore.class);
        assertThat(parse(PREFACE)).isInstanceOf(ProxyHeader.Invalid.class); // no header: a trusted peer must send one
        assertThat(parse(ascii("PROXX"))).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(new byte[] {0x16, 0x03, 0x01})).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(parse(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x01})).isInstanceOf(ProxyHeader.Invalid.class);
        assertThat(ProxyHeader.parse(new byte[0], 0)).isInstanceOf(ProxyHeader.NeedMore.class);
    }

    @Test
    void randomBytesNeverThrowAndNeedMoreOnlyBelowTheBounds() {
        Random rnd = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[rnd.nextInt(ProxyHeader.V2_MAX + 20)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                byte[] start = rnd.nextBoolean() ? ProxyHeader.V2_SIGNATURE : ProxyHeader.V1_PREFIX;
                System.arraycopy(start, 0, b, 0, Math.min(start.length, b.length));
            }
            ProxyHeader.Result r = parse(b);
            if (r instanceof ProxyHeader.NeedMore) {
                assertThat(b.length).isLessThan(ProxyHeader.V2_MAX);
            } else if (r instanceof ProxyHeader.Proxied p) {
                assertThat(p.length()).isBetween(16, b.length);
            } else if (r instanceof ProxyHeader.Local l) {
                assertThat(l.length()).isBetween(15, b.length);
            }
        }
    }

    @Test
    void signatureCheckForTheUntrustedPath() {
        assertThat(ProxyHeader.startsWithSignature(ascii("PROXY TCP4"), 10)).isTrue();
        assertThat(ProxyHeader.startsWithSignature(ascii("PROXY"), 5)).isFalse();
        assertThat(ProxyHeader.startsWithSignature(ProxyHeader.V2_SIGNATURE, 12)).isTrue();
        assertThat(ProxyHeader.startsWithSignature(PREFACE, PREFACE.length)).isFalse();
    }
}
