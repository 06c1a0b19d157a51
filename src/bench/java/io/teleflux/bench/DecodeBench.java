package io.teleflux.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.cisco.CiscoBenchDecode;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.dialout.h3c.JsonCopy;
import io.teleflux.dialout.huawei.HuaweiBenchDecode;
import io.teleflux.gnmi.GnmiBenchDecode;
import io.teleflux.point.LineBuffer;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.proto.cisco.MdtDialoutArgs;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.proto.gnmi.PathElem;
import io.teleflux.proto.gnmi.SubscribeResponse;
import io.teleflux.proto.gnmi.Update;
import io.teleflux.proto.h3cv3.DialoutV3Args;
import io.teleflux.proto.huawei.IfmClassic;
import io.teleflux.proto.huawei.TelemetryRowGPB;
import io.teleflux.proto.huawei.serviceArgs;
import io.teleflux.rate.RateConfig;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.BenchMessages;
import io.teleflux.sim.dialout.Dialect;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.gnmi.BenchNotifications;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The decode benchmarks' operations, one 48-interface interface-statistics sample of one device per
 * call, each vendor's from the simulator with a fixed seed: what Teleflux does with the bytes
 * (decode to points, then line protocol) and the raw parse of the same bytes it is compared with.
 * {@link BenchMain} interleaves them ({@link Interleaved}).
 */
final class DecodeBench {
    static final long SEED = 20261127L;
    static final long T = 1_780_000_000_000L;
    static final String DEVICE = "bench-0001";

    private final JsonFactory factory = new JsonFactory();
    private final H3cDecoder decoder = new H3cDecoder(new Metrics());
    private final List<Point> points = new ArrayList<>(64);
    private final LineBuffer lines = new LineBuffer(64 * 1024);
    final byte[] json = input();

    /** collectorPath: the same device's message at successive 10 s steps, as the dial-out service receives them. */
    static final int STEPS = 200;
    private final ByteString[] received = new ByteString[STEPS];
    private final RateStage rates;
    private int step;
    private int round;
    private String device = "bench-0";

    final byte[] v3 = BenchMessages.statistics(Dialect.H3CV3, model(), 0, T);
    final byte[] huawei = BenchMessages.statistics(Dialect.HUAWEI, model(), 0, T);
    final byte[] cisco = BenchMessages.statistics(Dialect.CISCO, model(), 0, T);
    final List<byte[]> gnmi = BenchNotifications.interfaces(model(), 0, DEVICE, T);
    private final HuaweiBenchDecode huaweiDecoder = new HuaweiBenchDecode();
    private final CiscoBenchDecode ciscoDecoder = new CiscoBenchDecode();
    private final GnmiBenchDecode gnmiDecoder = new GnmiBenchDecode(DEVICE);

    private static CounterModel model() {
        return new CounterModel(SEED, 48, "bench-");
    }

    /** The H3C input: one device's 48-interface statistics message as the simulator sends it (jsonData). */
    static byte[] input() {
        return new H3cJsonWriter(model()).json(SensorPath.IFMGR_STATISTICS, 0, T).getBytes(StandardCharsets.UTF_8);
    }

    DecodeBench() {
        H3cJsonWriter writer = new H3cJsonWriter(model());
        for (int i = 0; i < STEPS; i++) {
            received[i] = ByteString.copyFromUtf8(writer.json(SensorPath.IFMGR_STATISTICS, 0, T + i * 10_000L));
        }
        PointSink encode = batch -> {
            lines.reset();
            for (int i = 0; i < batch.size(); i++) {
                LineProtocol.append(batch.get(i), lines);
            }
        };
        // the max gap as the collector resolves it (teleflux.rate.max-gap = auto, 10 s sampling): per point
        RateConfig auto = new RateConfig(null, Duration.ofMinutes(10), 1_000_000);
        rates = new RateStage(encode, source -> auto.maxGapFor(Duration.ofSeconds(10)).toMillis(), 1_000L, 1_000_000,
                new Metrics());
    }

    /** Every operation once, checking that each vendor's input gives its 48 interface points: else the figures mean nothing. */
    void check() throws Exception {
        check("h3c", decodeOnly());
        check("h3cv3", v3Decode());
        check("huawei", huaweiDecode());
        check("cisco", ciscoDecode());
        check("gnmi", gnmiDecode());
        if (gnmiDecoder.issues() > 0) {
            throw new IllegalStateException("gnmi: the mapper reported " + gnmiDecoder.issues() + " issues on the bench input");
        }
        collectorPath();
    }

    private static void check(String name, long points) {
        if (points < 48) {
            throw new IllegalStateException(name + ": " + points + " points from a 48-interface sample");
        }
    }

    private long encode() {
        lines.reset();
        for (int i = 0; i < points.size(); i++) {
            LineProtocol.append(points.get(i), lines);
        }
        return lines.length();
    }

    /** Teleflux: jsonData → Points → line protocol, as the collector does per message. */
    long teleflux() throws DecodeException {
        decodeOnly();
        return encode();
    }

    /** Decode to points only (no encoding), to split the cost. */
    long decodeOnly() throws DecodeException {
        points.clear();
        return decoder.decode(DEVICE, "Ifmgr/Statistics", json, 0, json.length, T, points);
    }

    /**
     * What the collector does per dial-out message up to the InfluxDB writer's buffer: copy jsonData
     * out of the protobuf message, decode, hand a copy of the list to the rate stage (rates and
     * utilisation added to every interface point), encode. Not the writer's lock, batching, gzip
     * or HTTP (the end-to-end benchmarks measure those).
     */
    long collectorPath() throws DecodeException, InterruptedException {
        if (step == STEPS) {
            step = 0;
            device = "bench-" + ++round; // the times start over: a new device, whose rates do not see time go back
        }
        ByteString data = received[step++];
        byte[] bytes = JsonCopy.reused(data); // as H3cDialoutService copies jsonData
        points.clear();
        decoder.decode(device, "Ifmgr/Statistics", bytes, 0, data.size(), T, points);
        rates.accept(List.copyOf(points));
        return lines.length();
    }

    /** The ceiling: Jackson's streaming parser over the same bytes, touching every token's value. */
    long jacksonCeiling() throws IOException {
        return jacksonWalk(json, 0, json.length);
    }

    private long jacksonWalk(byte[] b, int off, int len) throws IOException {
        long acc = 0;
        try (JsonParser p = factory.createParser(b, off, len)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> acc += p.currentName().length();
                    case VALUE_STRING -> acc += p.getText().length();
                    case VALUE_NUMBER_INT -> {
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            acc += p.getBigIntegerValue().signum();
                        } else {
                            acc += p.getLongValue();
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> acc += (long) p.getDoubleValue();
                    default -> acc += t.ordinal();
                }
            }
        }
        return acc;
    }

    // --- H3C Comware v3: DialoutV3Args{data = Telemetry{data_str = JSON table}} ---

    long v3Decode() throws Exception {
        DialoutV3Args a = DialoutV3Args.parseFrom(v3);
        io.teleflux.proto.h3cv3.Telemetry t = io.teleflux.proto.h3cv3.Telemetry.parseFrom(a.getData());
        byte[] table = t.getDataStrBytes().toByteArray();
        points.clear();
        return decoder.decodeWithMetadata(t.getNodeIdStr(), t.getSensorPath(), table, 0, table.length, t.getMsgTimestamp(),
                points);
    }

    long v3Teleflux() throws Exception {
        v3Decode();
        return encode();
    }

    /** Both protobuf layers parsed, then the Jackson token walk of data_str, as {@link #jacksonCeiling}. */
    long v3Raw() throws Exception {
        DialoutV3Args a = DialoutV3Args.parseFrom(v3);
        io.teleflux.proto.h3cv3.Telemetry t = io.teleflux.proto.h3cv3.Telemetry.parseFrom(a.getData());
        byte[] table = t.getDataStrBytes().toByteArray();
        return jacksonWalk(table, 0, table.length) + t.getNodeIdStr().length() + t.getSensorPath().length();
    }

    // --- Huawei VRP: serviceArgs{data = Telemetry{data_gpb rows, each an IfmClassic}} ---

    long huaweiDecode() throws Exception {
        points.clear();
        return huaweiDecoder.decode(huawei, DEVICE, T, points);
    }

    long huaweiTeleflux() throws Exception {
        huaweiDecode();
        return encode();
    }

    /** The generated classes' parse of every layer (envelope, Telemetry, each row's IfmClassic), reading each value. */
    long huaweiRaw() throws Exception {
        serviceArgs a = serviceArgs.parseFrom(huawei);
        io.teleflux.proto.huawei.Telemetry t = io.teleflux.proto.huawei.Telemetry.parseFrom(a.getData());
        long acc = t.getNodeIdStr().length() + t.getSensorPath().length();
        for (TelemetryRowGPB row : t.getDataGpb().getRowList()) {
            IfmClassic c = IfmClassic.parseFrom(row.getContent());
            for (IfmClassic.Interfaces.Interface i : c.getInterfaces().getInterfaceList()) {
                IfmClassic.Interfaces.Interface.IfStatistics s = i.getIfStatistics();
                acc += i.getIfName().length() + i.getIfIndex() + s.getReceiveByte() + s.getSendByte() + s.getReceivePacket()
                        + s.getSendPacket() + s.getRcvUniPacket() + s.getRcvMutiPacket() + s.getRcvBroadPacket()
                        + s.getRcvDropPacket() + s.getRcvErrorPacket() + s.getSendUniPacket() + s.getSendMutiPacket()
                        + s.getSendBroadPacket() + s.getSendDropPacket() + s.getSendErrorPacket()
                        + s.getInRealtimeBitRate() + s.getOutRealtimeBitRate() + row.getTimestamp();
            }
        }
        return acc;
    }

    // --- Cisco IOS XR MDT: MdtDialoutArgs{data = Telemetry{GPB-KV rows}} ---

    long ciscoDecode() throws Exception {
        points.clear();
        return ciscoDecoder.decode(cisco, DEVICE, T, points);
    }

    long ciscoTeleflux() throws Exception {
        ciscoDecode();
        return encode();
    }

    /** The generated classes' parse of both layers, then every field's name and value read. */
    long ciscoRaw() throws Exception {
        MdtDialoutArgs a = MdtDialoutArgs.parseFrom(cisco);
        io.teleflux.proto.cisco.Telemetry t = io.teleflux.proto.cisco.Telemetry.parseFrom(a.getData());
        long acc = t.getEncodingPath().length() + t.getNodeIdStr().length();
        for (TelemetryField f : t.getDataGpbkvList()) {
            acc += walk(f);
        }
        return acc;
    }

    private static long walk(TelemetryField f) {
        long acc = f.getName().length() + f.getTimestamp();
        switch (f.getValueByTypeCase()) {
            case STRING_VALUE -> acc += f.getStringValue().length();
            case UINT64_VALUE -> acc += f.getUint64Value();
            case UINT32_VALUE -> acc += f.getUint32Value();
            case SINT64_VALUE -> acc += f.getSint64Value();
            case SINT32_VALUE -> acc += f.getSint32Value();
            case DOUBLE_VALUE -> acc += (long) f.getDoubleValue();
            case FLOAT_VALUE -> acc += (long) f.getFloatValue();
            case BOOL_VALUE -> acc += f.getBoolValue() ? 1 : 0;
            case BYTES_VALUE -> acc += f.getBytesValue().size();
            default -> acc += 0;
        }
        for (TelemetryField c : f.getFieldsList()) {
            acc += walk(c);
        }
        return acc;
    }

    // --- gNMI: one SubscribeResponse per interface (48 per sample), every interface leaf, PROTO values ---

    long gnmiDecode() throws Exception {
        points.clear();
        long n = 0;
        for (int i = 0; i < gnmi.size(); i++) {
            n += gnmiDecoder.decode(gnmi.get(i), points);
        }
        return n;
    }

    long gnmiTeleflux() throws Exception {
        gnmiDecode();
        return encode();
    }

    /** The generated classes' parse of each response, then every path element's name and key and every value read. */
    long gnmiRaw() throws Exception {
        long acc = 0;
        for (int i = 0; i < gnmi.size(); i++) {
            SubscribeResponse r = SubscribeResponse.parseFrom(gnmi.get(i));
            acc += r.getUpdate().getTimestamp();
            for (PathElem e : r.getUpdate().getPrefix().getElemList()) {
                acc += e.getName().length() + e.getKeyCount();
                for (String v : e.getKeyMap().values()) {
                    acc += v.length();
                }
            }
            for (Update u : r.getUpdate().getUpdateList()) {
                for (PathElem e : u.getPath().getElemList()) {
                    acc += e.getName().length();
                }
                switch (u.getVal().getValueCase()) {
                    case UINT_VAL -> acc += u.getVal().getUintVal();
                    case INT_VAL -> acc += u.getVal().getIntVal();
                    case STRING_VAL -> acc += u.getVal().getStringVal().length();
                    case BOOL_VAL -> acc += u.getVal().getBoolVal() ? 1 : 0;
                    default -> acc += u.getVal().getValueCase().ordinal();
                }
            }
        }
        return acc;
    }
}
