package io.teleflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on 127.0.0.1 for servers that tests start.
 *
 * <p>The port is found by binding port 0 and closing the socket again, so another process can in
 * principle take it before the server binds it; fixtures that can, retry with a new port when the
 * server reports the address in use. A port is never handed out twice in one JVM.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * A free UDP port on 127.0.0.1 (for SNMP agents), found the same way with a datagram socket. No
     * port number is handed out twice in one JVM, whether for TCP or UDP.
     */
    public static int nextUdp() {
        for (int tries = 0; tries < 100; tries++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind udp 127.0.0.1:0", e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no unused free UDP port found in 100 tries");
    }

    public static int next() {
        for (int tries = 0; tries < 100; tries++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind 127.0.0.1:0", e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no unused free port found in 100 tries");
    }
}
