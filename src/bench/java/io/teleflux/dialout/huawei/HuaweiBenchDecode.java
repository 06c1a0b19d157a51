package io.teleflux.dialout.huawei;

import io.teleflux.dialout.DecodeException;
import io.teleflux.point.Point;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.selfmon.Metrics;

import java.util.List;

/** What the Huawei dial-out stream does per message, from the request's bytes to points (for the decode benchmark). */
public final class HuaweiBenchDecode {
    private final HuaweiDecoder decoder = new HuaweiDecoder(new Metrics(), 100_000, 32);

    public int decode(byte[] request, String device, long receivedAtMs, List<Point> out) throws Exception {
        Envelope env = decoder.envelope(serviceArgs.parseFrom(request));
        if (env == null) {
            throw new DecodeException("empty", "no data");
        }
        return decoder.decode(env, device, receivedAtMs, out);
    }
}
