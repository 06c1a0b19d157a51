package io.teleflux.sim.dialout;

import io.grpc.MethodDescriptor;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.proto.h3c.GRPCDialoutGrpc;

import java.util.List;

/** H3C Comware 7 classic: a {@code DialoutMsg} with {@code deviceMsg}, the sensor path and the enveloped JSON. */
final class H3cClassicEncoder implements DialectEncoder {
    private final H3cJsonWriter writer;
    private final int device;
    private final DeviceInfo info;

    H3cClassicEncoder(H3cJsonWriter writer, int device, DeviceInfo info) {
        this.writer = writer;
        this.device = device;
        this.info = info;
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return GRPCDialoutGrpc.getDialoutMethod();
    }

    @Override
    public boolean bidi() {
        return false;
    }

    @Override
    public Payload encode(SensorPath path, long timeMs, StringBuilder sb) {
        sb.setLength(0);
        int rows = writer.append(sb, path, device, timeMs);
        DialoutMsg msg = DialoutMsg.newBuilder().setDeviceMsg(info).setSensorPath(path.path())
                .setJsonData(sb.toString()).build();
        return new Payload(List.of(msg), rows);
    }
}
