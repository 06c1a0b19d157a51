package io.teleflux.dialout;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The TCP peer of a stream: devices often send only their sysname, so the address is the real identity. */
public record Peer(String address, int port) {

    public static Peer of(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            int pct = host.indexOf('%'); // drop an IPv6 scope id: it is local to this host
            return new Peer(pct >= 0 ? host.substring(0, pct) : host, i.getPort());
        }
        return new Peer(a == null ? "unknown" : a.toString(), 0);
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
