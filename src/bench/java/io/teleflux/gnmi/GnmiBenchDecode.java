package io.teleflux.gnmi;

import io.teleflux.point.Point;
import io.teleflux.proto.gnmi.SubscribeResponse;

import java.util.List;

/** What a gNMI target session does per SubscribeResponse, from its bytes to points (for the decode benchmark). */
public final class GnmiBenchDecode {
    private final NotificationMapper mapper;
    private long issues;

    public GnmiBenchDecode(String device) {
        mapper = new NotificationMapper(device, GnmiConfig.Limits.DEFAULTS, System::currentTimeMillis);
    }

    public int decode(byte[] response, List<Point> out) throws Exception {
        NotificationMapper.Result r = mapper.map(SubscribeResponse.parseFrom(response).getUpdate(), (reason, detail) -> issues++);
        out.addAll(r.points());
        return r.points().size();
    }

    /** Problems the mapper reported so far: a benchmark whose input has any measures the wrong thing. */
    public long issues() {
        return issues;
    }
}
