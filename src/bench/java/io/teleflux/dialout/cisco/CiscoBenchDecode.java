package io.teleflux.dialout.cisco;

import io.teleflux.point.Point;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.selfmon.Metrics;

import java.util.List;

/** What the Cisco dial-out stream does per whole message, from the request's bytes to points (for the decode benchmark). */
public final class CiscoBenchDecode {
    private final CiscoDecoder decoder = new CiscoDecoder(new Metrics());

    public int decode(byte[] request, String device, long receivedAtMs, List<Point> out) throws Exception {
        Message m = decoder.read(MdtDialoutArgs.parseFrom(request).getData());
        return decoder.points(m, device, receivedAtMs, out);
    }
}
