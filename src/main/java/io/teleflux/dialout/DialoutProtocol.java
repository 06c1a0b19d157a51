package io.teleflux.dialout;

import io.grpc.MethodDescriptor;

import java.util.List;

/**
 * One vendor's dial-out protocol: the gRPC methods it is reached on and how a stream is decoded.
 * A new vendor (Huawei, Cisco MDT) is a new implementation; the server, flow control and
 * workers stay the same.
 */
public interface DialoutProtocol<Q, R> {
    /** Every full method name this protocol answers, e.g. both H3C spellings of the service. */
    List<MethodDescriptor<Q, R>> methods();

    /** The serialized size of a request, for the decode queue's byte budget. */
    int sizeOf(Q message);

    StreamProcessor<Q, R> open(Peer peer);
}
