package io.teleflux;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.DialoutResponse;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;
import io.teleflux.testsupport.InfluxQueryResult;
import io.teleflux.testsupport.InfluxdFixture;
import io.teleflux.testsupport.TestPki;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Raw gRPC dial-out clients for the security tests: plaintext or TLS, from a chosen source address. */
final class DialoutClients {
    private DialoutClients() {
    }

    static ManagedChannel plaintext(int port, String sourceAddress) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
        if (sourceAddress != null) {
            b.localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                @Override
                public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
                    return new InetSocketAddress(sourceAddress, 0);
                }
            });
        }
        return b.build();
    }

    /** A TLS channel trusting {@code ca}, presenting {@code client} when not null. */
    static ManagedChannel tls(int port, Path ca, TestPki.Files client) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca.toFile());
        if (client != null) {
            ssl.keyManager(client.cert().toFile(), client.key().toFile());
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
    }

    static void close(ManagedChannel ch) throws InterruptedException {
        if (ch != null) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static DialoutMsg msg(String device, String iface, long ts, long inOctets) {
        String json = "{\"Notification\":{\"Timestamp\":\"" + ts + "\",\"Ifmgr\":{\"Statistics\":{\"Interface\":[{\"IfIndex\":1,"
                + "\"Name\":\"" + iface + "\",\"InOctets\":" + inOctets + ",\"OutOctets\":1}]}}}}";
        return DialoutMsg.newBuilder()
                .setDeviceMsg(DeviceInfo.newBuilder().setProducerName("H3C").setDeviceName(device).setDeviceModel("S6850"))
                .setSensorPath("Ifmgr/Statistics").setJsonData(json).build();
    }

    /** One open client stream: send messages, then {@link #finish()}. */
    static final class Stream {
        final CompletableFuture<DialoutResponse> done = new CompletableFuture<>();
        final StreamObserver<DialoutMsg> requests;

        Stream(ManagedChannel ch) {
            this(ch, null);
        }

        /** @param compression a gRPC message encoding such as "gzip", or null for none */
        Stream(ManagedChannel ch, String compression) {
            GRPCDialoutGrpc.GRPCDialoutStub stub = GRPCDialoutGrpc.newStub(ch);
            requests = (compression == null ? stub : stub.withCompression(compression)).dialout(new StreamObserver<>() {
                @Override
                public void onNext(DialoutResponse value) {
                    done.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    done.complete(null);
                }
            });
        }

        Stream send(DialoutMsg... msgs) {
            for (DialoutMsg m : msgs) {
                requests.onNext(m);
            }
            return this;
        }

        DialoutResponse finish() throws Exception {
            requests.onCompleted();
            return done.get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends the messages on one new stream and waits for the answer; throws what the stream failed with. */
    static DialoutResponse stream(ManagedChannel ch, DialoutMsg... msgs) throws Exception {
        return new Stream(ch).send(msgs).finish();
    }

    /** in_octets stored for one device and interface, waiting up to 30 s; null when nothing arrived. */
    static Object storedInOctets(InfluxdFixture influx, String device, String iface) throws InterruptedException {
        String q = "SELECT in_octets FROM interface WHERE device = '" + device + "' AND interface = '" + iface + "'";
        Object[] v = new Object[1];
        TestCollector.await(30, () -> {
            InfluxQueryResult r = influx.query("telemetry", q);
            if (r.isEmpty()) {
                return false;
            }
            v[0] = r.single().value(0, "in_octets");
            return true;
        });
        return v[0];
    }
}
