package io.teleflux.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a
 * single host. An IPv4-mapped IPv6 peer ({@code ::ffff:10.1.2.3}) matches IPv4 networks.
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
    }

    /** Parses {@code addr[/prefix]}; only literal addresses, never a DNS lookup. Errors name {@code key}. */
    public static Cidr parse(String key, String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new ConfigException(key, "'" + text + "' is not an IPv4 or IPv6 network (e.g. 10.0.0.0/8, 2001:db8::/32)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new ConfigException(key, "'" + text + "': prefix length must be 0-" + bits);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    public boolean contains(InetAddress a) {
        byte[] b = unmapped(a.getAddress());
        if (b.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(b, prefix), network);
    }

    private static byte[] literal(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        boolean v4 = !v6 && s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) && s.chars().filter(c -> c == '.').count() == 3;
        if (!v4 && !(v6 && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0))) {
            return null; // anything else could trigger a name lookup
        }
        try {
            return unmapped(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] unmapped(byte[] b) {
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(b, 12, 16);
            }
        }
        return b;
    }

    private static byte[] mask(byte[] b, int prefix) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return Arrays.toString(network) + "/" + prefix;
        }
    }
}
