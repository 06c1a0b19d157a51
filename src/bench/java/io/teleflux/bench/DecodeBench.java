package io.teleflux.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import io.teleflux.dialout.DecodeException;
import io.teleflux.dialout.h3c.H3cDecoder;
import io.teleflux.point.LineBuffer;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.point.PointSink;
import io.teleflux.rate.RateStage;
import io.teleflux.selfmon.Metrics;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decode of one 48-interface H3C {@code Ifmgr/Statistics} message, jsonData bytes → points →
 * line-protocol bytes, against its ceiling: a bare Jackson streaming parse of the same bytes that
 * reads every token's value. Input from the simulator with a fixed seed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBench {
    static final long SEED = 20261127L;
    static final long T = 1_780_000_000_000L;

    private final JsonFactory factory = new JsonFactory();
    private final H3cDecoder decoder = new H3cDecoder(new Metrics());
    private final List<Point> points = new ArrayList<>(64);
    private final LineBuffer lines = new LineBuffer(64 * 1024);
    byte[] json;

    /** collectorPath: the same device's message at successive 10 s steps, as the dial-out service receives them. */
    static final int STEPS = 200;
    private ByteString[] received;
    private RateStage rates;
    private int step;
    private int round;
    private String device = "bench-0";

    /** The benchmark input: one device's 48-interface statistics message as the simulator sends it. */
    static byte[] input() {
        CounterModel model = new CounterModel(SEED, 48, "bench-");
        return new H3cJsonWriter(model).json(SensorPath.IFMGR_STATISTICS, 0, T).getBytes(StandardCharsets.UTF_8);
    }

    @Setup
    public void setup() {
        json = input();
        H3cJsonWriter writer = new H3cJsonWriter(new CounterModel(SEED, 48, "bench-"));
        received = new ByteString[STEPS];
        for (int i = 0; i < STEPS; i++) {
            received[i] = ByteString.copyFromUtf8(writer.json(SensorPath.IFMGR_STATISTICS, 0, T + i * 10_000L));
        }
        PointSink encode = batch -> {
            lines.reset();
            for (int i = 0; i < batch.size(); i++) {
                LineProtocol.append(batch.get(i), lines);
            }
        };
        rates = new RateStage(encode, source -> 60_000L, 1_000L, 1_000_000, new Metrics());
    }

    /** Teleflux: jsonData → Points → line protocol, as the collector does per message. */
    @Benchmark
    public int teleflux() throws DecodeException {
        points.clear();
        decoder.decode("bench-0001", "Ifmgr/Statistics", json, 0, json.length, T, points);
        lines.reset();
        for (int i = 0; i < points.size(); i++) {
            LineProtocol.append(points.get(i), lines);
        }
        return lines.length();
    }

    /**
     * What the collector does per dial-out message up to the InfluxDB writer's buffer: copy jsonData
     * out of the protobuf message, decode, hand a copy of the list to the rate stage (rates and
     * utilisation added to every interface point), encode. Not the writer's lock, batching, gzip
     * or HTTP (the end-to-end benchmark measures those).
     */
    @Benchmark
    public int collectorPath() throws DecodeException, InterruptedException {
        if (step == STEPS) {
            step = 0;
            device = "bench-" + ++round; // the times start over: a new device, whose rates do not see time go back
        }
        byte[] bytes = received[step++].toByteArray();
        points.clear();
        decoder.decode(device, "Ifmgr/Statistics", bytes, 0, bytes.length, T, points);
        rates.accept(List.copyOf(points));
        return lines.length();
    }

    /** Decode to points only (no encoding), to split the cost. */
    @Benchmark
    public int decodeOnly() throws DecodeException {
        points.clear();
        return decoder.decode("bench-0001", "Ifmgr/Statistics", json, 0, json.length, T, points);
    }

    /** The ceiling: Jackson's streaming parser over the same bytes, touching every token's value. */
    @Benchmark
    public void jacksonCeiling(Blackhole bh) throws IOException {
        try (JsonParser p = factory.createParser(json, 0, json.length)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> bh.consume(p.currentName());
                    case VALUE_STRING -> bh.consume(p.getText());
                    case VALUE_NUMBER_INT -> {
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            bh.consume(p.getBigIntegerValue());
                        } else {
                            bh.consume(p.getLongValue());
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> bh.consume(p.getDoubleValue());
                    default -> bh.consume(t);
                }
            }
        }
    }
}
