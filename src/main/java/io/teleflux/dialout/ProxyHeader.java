package io.teleflux.dialout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (HAProxy's specification, versions 1 and 2) a trusted load balancer
 * puts in front of the bytes it forwards: who the client really is.
 *
 * <p>Our own parser, not Netty's {@code HAProxyMessageDecoder}: gRPC runs inside grpc-netty-shaded,
 * whose relocated Netty has its own {@code ByteBuf} and {@code ChannelHandler} classes, so a decoder
 * from the ordinary {@code netty-codec-haproxy} cannot sit in that pipeline (and shading a second
 * codec into it is not something the build can do); the header is small and fully specified.
 *
 * <p>{@link #parse} decides on the bytes received so far: {@link NeedMore} only while they are a
 * prefix of a header that could still be valid and shorter than the bounds ({@value #V1_MAX} bytes
 * for v1, {@value #V2_MAX} for v2), so a peer cannot make the gate buffer more. Addresses are read
 * as literals, never looked up.
 */
final class ProxyHeader {
    /** v1: the longest header the specification allows, CRLF included. */
    static final int V1_MAX = 107;
    /** v2: 16 bytes of fixed header and up to this many of addresses and TLVs (HAProxy sends 12 or 36 and no TLV unless told to). */
    static final int V2_MAX_BODY = 2048;
    static final int V2_MAX = 16 + V2_MAX_BODY;
    static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** What the bytes so far are. */
    sealed interface Result permits NeedMore, Invalid, Proxied, Local {
    }

    /** A prefix of a header: wait for more bytes. */
    record NeedMore() implements Result {
    }

    /** Not a valid header; {@code why} is safe to log (it quotes no input bytes). */
    record Invalid(String why) implements Result {
    }

    /** A header that names the client: {@code source} is its address and port; {@code length} bytes are the header. */
    record Proxied(InetSocketAddress source, int length) implements Result {
    }

    /** A valid header without a client (v2 LOCAL: the balancer's own check; v1 UNKNOWN; v2 UNSPEC): the connection stays the balancer's. */
    record Local(int length) implements Result {
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private ProxyHeader() {
    }

    /** Whether {@code b[0..len)} begins with a whole v1 prefix ("PROXY ") or v2 signature. */
    static boolean startsWithSignature(byte[] b, int len) {
        return (len >= V1_PREFIX.length && agrees(b, len, V1_PREFIX))
                || (len >= V2_SIGNATURE.length && agrees(b, len, V2_SIGNATURE));
    }

    /** Parses the header at the start of {@code b[0..len)}. */
    static Result parse(byte[] b, int len) {
        if (len <= 0) {
            return NEED_MORE;
        }
        if (agrees(b, len, V2_SIGNATURE)) {
            return len < V2_SIGNATURE.length ? NEED_MORE : v2(b, len);
        }
        if (agrees(b, len, V1_PREFIX)) {
            return len < V1_PREFIX.length ? NEED_MORE : v1(b, len);
        }
        return new Invalid("not a PROXY protocol header");
    }

    private static boolean agrees(byte[] b, int len, byte[] expected) {
        int n = Math.min(len, expected.length);
        for (int i = 0; i < n; i++) {
            if (b[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- version 1: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"

    private static Result v1(byte[] b, int len) {
        int n = Math.min(len, V1_MAX);
        int cr = -1;
        for (int i = V1_PREFIX.length; i < n; i++) {
            byte c = b[i];
            if (c == '\r') {
                cr = i;
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                return new Invalid("v1 header with a byte that is not printable ASCII");
            }
        }
        if (cr < 0) {
            return len >= V1_MAX ? new Invalid("v1 header longer than " + V1_MAX + " bytes") : NEED_MORE;
        }
        if (cr + 1 >= len) {
            return cr + 1 >= V1_MAX ? new Invalid("v1 header longer than " + V1_MAX + " bytes") : NEED_MORE;
        }
        if (b[cr + 1] != '\n') {
            return new Invalid("v1 header: CR not followed by LF");
        }
        int length = cr + 2;
        String line = new String(b, V1_PREFIX.length, cr - V1_PREFIX.length, StandardCharsets.US_ASCII);
        if (line.startsWith("UNKNOWN")) {
            // "the receiver must ignore anything presented before the CRLF"
            return line.length() == 7 || line.charAt(7) == ' ' ? new Local(length) : new Invalid("v1 header: unknown protocol");
        }
        String[] f = line.split(" ", -1);
        if (f.length != 5) {
            return new Invalid("v1 header: expected protocol, two addresses and two ports separated by single spaces");
        }
        boolean v4 = f[0].equals("TCP4");
        if (!v4 && !f[0].equals("TCP6")) {
            return new Invalid("v1 header: protocol is not TCP4, TCP6 or UNKNOWN");
        }
        InetAddress src = v4 ? ipv4(f[1]) : ipv6(f[1]);
        InetAddress dst = v4 ? ipv4(f[2]) : ipv6(f[2]);
        if (src == null || dst == null) {
            return new Invalid("v1 header: an address is not a valid " + (v4 ? "IPv4" : "IPv6") + " literal");
        }
        int srcPort = port(f[3]);
        int dstPort = port(f[4]);
        if (srcPort < 0 || dstPort < 0) {
            return new Invalid("v1 header: a port is not 0-65535");
        }
        return new Proxied(new InetSocketAddress(src, srcPort), length);
    }

    /** Dotted quad, each part 0-255 in at most 3 digits; null otherwise. */
    static InetAddress ipv4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || !digits(p[i])) {
                return null;
            }
            int v = Integer.parseInt(p[i]);
            if (v > 255) {
                return null;
            }
            a[i] = (byte) v;
        }
        return byAddress(a);
    }

    /** An IPv6 literal (no scope id, no brackets); null otherwise. Never a name lookup. */
    static InetAddress ipv6(String s) {
        if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return null;
            }
        }
        try {
            // a string with ':' that is not a valid IPv6 literal throws; it is never resolved
            // (an IPv4-mapped literal comes back as the IPv4 address: the device's address either way)
            return InetAddress.getByName(s);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !digits(s)) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v <= 65535 ? v : -1;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    // ---- version 2: signature, version/command, family/protocol, length, addresses, TLVs

    private static Result v2(byte[] b, int len) {
        if (len < 16) {
            // check what is there already, so garbage after the signature is refused at once
            if (len >= 13 && !validVersionCommand(b[12])) {
                return new Invalid("v2 header: version is not 2 or command is not LOCAL or PROXY");
            }
            return NEED_MORE;
        }
        if (!validVersionCommand(b[12])) {
            return new Invalid("v2 header: version is not 2 or command is not LOCAL or PROXY");
        }
        boolean local = (b[12] & 0x0f) == 0;
        int family = (b[13] & 0xf0) >>> 4;
        int transport = b[13] & 0x0f;
        int body = ((b[14] & 0xff) << 8) | (b[15] & 0xff);
        if (body > V2_MAX_BODY) {
            return new Invalid("v2 header: " + body + " bytes of addresses and TLVs, more than " + V2_MAX_BODY);
        }
        int length = 16 + body;
        if (len < length) {
            return NEED_MORE;
        }
        if (local) {
            // the balancer's own connection (a health check): whatever the address block says is ignored
            return new Local(length);
        }
        int addresses;
        switch (family) {
            case 0 -> {
                return transport == 0 ? new Local(length) : new Invalid("v2 header: UNSPEC family with a transport");
            }
            case 1 -> addresses = 12;
            case 2 -> addresses = 36;
            case 3 -> {
                return new Invalid("v2 header: a UNIX socket client, not a device's TCP connection");
            }
            default -> {
                return new Invalid("v2 header: unknown address family");
            }
        }
        if (transport != 1) {
            return new Invalid("v2 header: transport is not STREAM (TCP)");
        }
        if (body < addresses) {
            return new Invalid("v2 header: length " + body + " is shorter than the " + addresses + " bytes of its addresses");
        }
        // TLVs (type, 2-byte length, value) are skipped, but they must tile the rest exactly
        int at = 16 + addresses;
        while (at < length) {
            if (length - at < 3) {
                return new Invalid("v2 header: a truncated TLV");
            }
            int tlv = ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
            at += 3 + tlv;
            if (at > length) {
                return new Invalid("v2 header: a TLV longer than the header");
            }
        }
        int ip = family == 1 ? 4 : 16;
        byte[] src = new byte[ip];
        System.arraycopy(b, 16, src, 0, ip);
        int portAt = 16 + 2 * ip;
        int srcPort = ((b[portAt] & 0xff) << 8) | (b[portAt + 1] & 0xff);
        InetAddress a = byAddress(src);
        return new Proxied(new InetSocketAddress(a, srcPort), length);
    }

    private static boolean validVersionCommand(byte vc) {
        return (vc & 0xf0) == 0x20 && (vc & 0x0f) <= 1;
    }

    private static InetAddress byAddress(byte[] a) {
        try {
            return InetAddress.getByAddress(a); // 4 or 16 bytes: no lookup, no failure
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
