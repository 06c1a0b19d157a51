package io.teleflux.dialout.cisco;

import io.teleflux.dialout.DecodeException;
import com.google.protobuf.ByteString;
import io.teleflux.point.LineProtocol;
import io.teleflux.point.Point;
import io.teleflux.proto.cisco.Telemetry;
import io.teleflux.proto.cisco.TelemetryField;
import io.teleflux.selfmon.Metrics;
import io.teleflux.testsupport.LineProtocol16;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded fuzzing of the Cisco decoder (jqwik, seconds): random bytes, mutations of the golden
 * inputs (GPB-KV and JSON), and generated GPB-KV trees with hostile names and values. Only a
 * {@link DecodeException} may leave the decoder, and every point encodes to a line that
 * InfluxDB 1.6.7 parses back to exactly that point.
 */
class CiscoDecoderFuzzTest {
    static final List<byte[]> SEEDS = seeds();
    static final AtomicLong RUNS = new AtomicLong();
    static final AtomicLong POINTS = new AtomicLong();
    static final AtomicLong REJECTED = new AtomicLong();

    final CiscoDecoder decoder = new CiscoDecoder(new Metrics(), 1000, 16, 256);

    static List<byte[]> seeds() {
        try {
            List<byte[]> out = new ArrayList<>();
            for (Path dir : CiscoGoldenTest.caseDirs()) {
                out.add(CiscoGoldenTest.input(dir).toByteArray());
            }
            return out;
        } catch (IOException | java.net.URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("CiscoDecoderFuzzTest: " + RUNS.get() + " inputs, " + POINTS.get() + " points checked, "
                + REJECTED.get() + " rejected with DecodeException");
    }

    void check(byte[] data) {
        RUNS.incrementAndGet();
        List<Point> out = new ArrayList<>();
        try {
            Message m = decoder.read(ByteString.copyFrom(data));
            decoder.points(m, "dev\\ice ,=\"x\"\\", 1_718_000_000_000L, out);
        } catch (DecodeException e) {
            REJECTED.incrementAndGet();
            assertThat(out).isEmpty();
            return;
        }
        for (Point p : out) {
            String line = LineProtocol.encode(p);
            assertThat(LineProtocol16.parse(line)).as("line %s", line).isEqualTo(LineProtocol16.expected(p));
            assertThat(p.fieldCount()).isPositive();
            POINTS.incrementAndGet();
        }
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll byte[] data) {
        check(data);
    }

    @Property(tries = 5000)
    void mutatedGoldenInputs(@ForAll("mutations") byte[] data) {
        check(data);
    }

    @Property(tries = 2000)
    void generatedGpbKvTrees(@ForAll("trees") Telemetry t) {
        check(t.toByteArray());
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1).flatMap(i -> {
            byte[] seed = SEEDS.get(i);
            return Arbitraries.integers().between(0, Math.max(0, seed.length - 1)).list().ofMaxSize(4)
                    .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                        byte[] copy = seed.clone();
                        for (int k = 0; k < positions.size() && copy.length > 0; k++) {
                            copy[positions.get(k)] = values.get(k);
                        }
                        return copy;
                    }))
                    .flatMap(m -> Arbitraries.integers().between(0, m.length).map(cut -> java.util.Arrays.copyOf(m, cut)));
        });
    }

    static final String[] NAMES = {"keys", "content", "interface-name", "name", "bytes-received", "in-octets",
            "in-unicast-pkts", "speed", "state", "line-state", "time", "device", "source", "interface", "in_bps", "a\\",
            "x y,z=\"q\"", "\n", "口", ""};
    static final String[] PATHS = {
            "Cisco-IOS-XR-infra-statsd-oper:infra-statistics/interfaces/interface/latest/generic-counters",
            "Cisco-IOS-XR-pfi-im-cmd-oper:interfaces/interface-xr/interface",
            "openconfig-interfaces:interfaces/interface/state/counters", "/a:b/c", "#x", " ", "a\\"};

    static String name(Random r) {
        if (r.nextInt(4) == 0) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(12); i > 0; i--) {
                b.append((char) r.nextInt(0x3000));
            }
            return b.toString();
        }
        return NAMES[r.nextInt(NAMES.length)];
    }

    static TelemetryField leaf(Random r) {
        TelemetryField.Builder b = TelemetryField.newBuilder().setName(name(r));
        switch (r.nextInt(9)) {
            case 0 -> b.setUint64Value(r.nextLong());
            case 1 -> b.setUint32Value(r.nextInt());
            case 2 -> b.setSint64Value(r.nextLong());
            case 3 -> b.setDoubleValue(Double.longBitsToDouble(r.nextLong()));
            case 4 -> b.setDoubleValue(new double[]{Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e308}[r.nextInt(4)]);
            case 5 -> b.setStringValue(name(r) + r.nextInt());
            case 6 -> b.setBoolValue(r.nextBoolean());
            case 7 -> b.setFloatValue(r.nextFloat());
            default -> {
                byte[] a = new byte[r.nextInt(5)];
                r.nextBytes(a);
                b.setBytesValue(ByteString.copyFrom(a));
            }
        }
        return b.build();
    }

    static TelemetryField node(Random r, int depth) {
        if (depth == 0 || r.nextInt(3) > 0) {
            return leaf(r);
        }
        TelemetryField.Builder b = TelemetryField.newBuilder().setName(name(r));
        for (int i = r.nextInt(5); i > 0; i--) {
            b.addFields(node(r, depth - 1));
        }
        return b.build();
    }

    static Telemetry telemetry(Random r) {
        Telemetry.Builder t = Telemetry.newBuilder().setNodeIdStr("n").setMsgTimestamp(1_718_000_000_000L)
                .setEncodingPath(r.nextInt(3) == 0 ? name(r) : PATHS[r.nextInt(PATHS.length)]);
        for (int rows = r.nextInt(5); rows > 0; rows--) {
            TelemetryField.Builder keys = TelemetryField.newBuilder().setName("keys");
            for (int i = r.nextInt(3); i > 0; i--) {
                keys.addFields(node(r, 2));
            }
            if (r.nextBoolean()) {
                keys.addFields(TelemetryField.newBuilder().setName(r.nextBoolean() ? "interface-name" : "name")
                        .setStringValue(name(r)));
            }
            TelemetryField.Builder content = TelemetryField.newBuilder().setName("content");
            for (int i = r.nextInt(8); i > 0; i--) {
                content.addFields(node(r, 4));
            }
            t.addDataGpbkv(TelemetryField.newBuilder().setTimestamp(r.nextInt(3) == 0 ? 0 : 1_718_000_000_000L + r.nextInt(1000))
                    .addFields(keys).addFields(content));
        }
        return t.build();
    }

    @Provide
    Arbitrary<Telemetry> trees() {
        return Arbitraries.randomValue(CiscoDecoderFuzzTest::telemetry);
    }
}
