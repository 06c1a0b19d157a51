package io.teleflux;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile HTTP/2 client written frame by frame, for the abuse tests: unlike a gRPC client it
 * ignores SETTINGS_MAX_CONCURRENT_STREAMS, opens streams it never feeds, and resets them as fast as
 * it likes. It binds a chosen loopback source address, so that the collector sees it as its own peer.
 * Header blocks use HPACK literals without indexing or Huffman coding, which every decoder accepts.
 */
final class RawHttp2 implements Closeable {
    static final String DIALOUT = "/grpc_dialout.GRPCDialout/Dialout";
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8;
    private static final int MAX_FRAME = 16_384;

    private final Socket socket;
    private final DataOutputStream out;
    private final Thread reader;
    final AtomicInteger resetsReceived = new AtomicInteger();
    final AtomicInteger headersReceived = new AtomicInteger();
    volatile int maxConcurrentStreams = -1;
    volatile boolean goAway;
    volatile boolean closedByPeer;
    // flow control, under this object's lock: what this client may still send
    private long connectionWindow = 65_535;
    private int initialWindow = 65_535;
    private final java.util.Map<Integer, Long> streamWindows = new java.util.HashMap<>();
    private final java.util.Set<Integer> resetStreams = new java.util.HashSet<>();

    RawHttp2(String sourceAddress, int port) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(sourceAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        reader = Thread.ofPlatform().daemon().name("raw-h2-reader").start(() -> read(in));
    }

    private void read(DataInputStream in) {
        try {
            while (true) {
                int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int streamId = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(len);
                switch (type) {
                    case SETTINGS -> {
                        if ((flags & 1) == 0) {
                            for (int i = 0; i + 6 <= payload.length; i += 6) {
                                int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
                                int v = java.nio.ByteBuffer.wrap(payload, i + 2, 4).getInt();
                                if (id == 3) {
                                    maxConcurrentStreams = v;
                                }
                                if (id == 4) {
                                    synchronized (this) {
                                        int delta = v - initialWindow;
                                        initialWindow = v;
                                        streamWindows.replaceAll((k, w) -> w + delta);
                                        notifyAll();
                                    }
                                }
                            }
                            synchronized (this) {
                                frame(SETTINGS, 1, 0, new byte[0]);
                                out.flush();
                            }
                        }
                    }
                    case PING -> {
                        if ((flags & 1) == 0) {
                            synchronized (this) {
                                frame(PING, 1, 0, payload);
                                out.flush();
                            }
                        }
                    }
                    case RST_STREAM -> {
                        resetsReceived.incrementAndGet();
                        synchronized (this) {
                            resetStreams.add(streamId);
                            notifyAll();
                        }
                    }
                    case WINDOW_UPDATE -> {
                        int inc = java.nio.ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
                        synchronized (this) {
                            if (streamId == 0) {
                                connectionWindow += inc;
                            } else {
                                streamWindows.merge(streamId, (long) inc, Long::sum);
                            }
                            notifyAll();
                        }
                    }
                    case HEADERS -> headersReceived.incrementAndGet();
                    case GOAWAY -> goAway = true;
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                closedByPeer = true;
                notifyAll();
            }
        }
    }

    /**
     * Starts a gRPC message of {@code declaredLength} bytes on stream {@code id} and sends the first
     * {@code sentLength} of them, within the flow-control windows the collector grants. Returns false
     * when the collector reset the stream (or the connection) before all were sent, or gave no
     * window for 10 s.
     */
    synchronized boolean partialMessage(int id, int declaredLength, int sentLength) throws IOException, InterruptedException {
        streamWindows.putIfAbsent(id, (long) initialWindow);
        byte[] header = {0, (byte) (declaredLength >>> 24), (byte) (declaredLength >>> 16), (byte) (declaredLength >>> 8),
                (byte) declaredLength};
        int left = sentLength + header.length;
        boolean first = true;
        while (left > 0) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!resetStreams.contains(id) && !closedByPeer && (connectionWindow <= 0 || streamWindows.get(id) <= 0)) {
                long waitMs = (deadline - System.nanoTime()) / 1_000_000;
                if (waitMs <= 0) {
                    return false;
                }
                out.flush();
                wait(waitMs);
            }
            if (resetStreams.contains(id) || closedByPeer) {
                return false;
            }
            int n = (int) Math.min(Math.min(left, MAX_FRAME), Math.min(connectionWindow, streamWindows.get(id)));
            byte[] payload = new byte[n];
            if (first) {
                System.arraycopy(header, 0, payload, 0, Math.min(n, header.length));
                first = false;
            }
            frame(DATA, 0, id, payload); // the body is zeros: never parsed, the message never ends
            connectionWindow -= n;
            streamWindows.merge(id, (long) -n, Long::sum);
            left -= n;
        }
        out.flush();
        return true;
    }

    /** Opens stream {@code id} (odd, increasing) on the dial-out method, sending no message. */
    synchronized void open(int id) throws IOException {
        frame(HEADERS, 0x4, id, headerBlock(DIALOUT));
    }

    /** A PING the collector must answer, and may count against permit-keepalive-time. */
    synchronized void ping(long opaque) throws IOException {
        frame(PING, 0, 0, java.nio.ByteBuffer.allocate(8).putLong(opaque).array());
    }

    synchronized void reset(int id) throws IOException {
        frame(RST_STREAM, 0, id, new byte[]{0, 0, 0, 8}); // CANCEL
    }

    /** One gRPC length-prefixed message on stream {@code id}. */
    synchronized void message(int id, byte[] proto, boolean endStream) throws IOException {
        byte[] framed = new byte[5 + proto.length];
        framed[1] = (byte) (proto.length >>> 24);
        framed[2] = (byte) (proto.length >>> 16);
        framed[3] = (byte) (proto.length >>> 8);
        framed[4] = (byte) proto.length;
        System.arraycopy(proto, 0, framed, 5, proto.length);
        frame(DATA, endStream ? 1 : 0, id, framed);
    }

    synchronized void flush() throws IOException {
        out.flush();
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.writeByte(payload.length >>> 16);
        out.writeShort(payload.length & 0xffff);
        out.writeByte(type);
        out.writeByte(flags);
        out.writeInt(stream);
        out.write(payload);
    }

    private static byte[] headerBlock(String path) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        literal(b, ":method", "POST");
        literal(b, ":scheme", "http");
        literal(b, ":path", path);
        literal(b, ":authority", "collector");
        literal(b, "content-type", "application/grpc");
        literal(b, "te", "trailers");
        return b.toByteArray();
    }

    private static void literal(OutputStream b, String name, String value) {
        try {
            b.write(0x00); // literal header field without indexing, new name
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            b.write(n.length); // < 127: a one-byte 7-bit prefix integer, Huffman bit 0
            b.write(n);
            b.write(v.length);
            b.write(v);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
