package io.teleflux.kafka;

import io.teleflux.point.Schema;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a batch of line protocol into Kafka records: the lines of one device (its {@code device}
 * tag, as written) go into records keyed by that device, in their order in the batch, each record
 * at most {@code maxBytes} of whole lines. Keyed so that one device's points stay in one partition,
 * in order; lines without a device tag ({@code teleflux} self-monitoring) get no key.
 */
final class DeviceRecords {
    private static final byte[] DEVICE = (Schema.TAG_DEVICE + "=").getBytes(StandardCharsets.UTF_8);

    /** One record: its key (null = none), value (whole lines) and line count. */
    record Rec(byte[] key, byte[] value, int lines) {
    }

    private DeviceRecords() {
    }

    static List<Rec> split(byte[][] chunks, long maxBytes) {
        Map<Key, Group> groups = new LinkedHashMap<>();
        List<Rec> out = new ArrayList<>();
        byte[] carry = null; // a line that spans two chunks (chunks are cut at line ends, but do not rely on it)
        for (byte[] chunk : chunks) {
            byte[] data = chunk;
            if (carry != null) {
                data = new byte[carry.length + chunk.length];
                System.arraycopy(carry, 0, data, 0, carry.length);
                System.arraycopy(chunk, 0, data, carry.length, chunk.length);
                carry = null;
            }
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    add(groups, out, data, start, i + 1, maxBytes);
                    start = i + 1;
                }
            }
            if (start < data.length) {
                carry = Arrays.copyOfRange(data, start, data.length);
            }
        }
        if (carry != null) {
            throw new IllegalArgumentException("a batch ends in an unterminated line");
        }
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            e.getValue().cut(e.getKey().bytes, out);
        }
        return out;
    }

    private static void add(Map<Key, Group> groups, List<Rec> out, byte[] data, int from, int to, long maxBytes) {
        Key k = new Key(device(data, from, to));
        Group g = groups.computeIfAbsent(k, x -> new Group());
        if (g.lines > 0 && g.buf.size() + (to - from) > maxBytes) {
            g.cut(k.bytes, out);
        }
        g.buf.write(data, from, to - from);
        g.lines++;
    }

    /**
     * The value of the {@code device} tag of the line {@code data[from, to)}, as written (escapes
     * kept: it is only a key), or null when the line has none. Tags come after the measurement up to
     * the first unescaped space; a backslash escapes the next byte.
     */
    static byte[] device(byte[] data, int from, int to) {
        int i = from;
        // skip the measurement
        while (i < to && data[i] != ',' && data[i] != ' ') {
            i += data[i] == '\\' ? 2 : 1;
        }
        while (i < to && data[i] == ',') {
            int keyStart = ++i;
            boolean isDevice = to - keyStart > DEVICE.length
                    && Arrays.equals(data, keyStart, keyStart + DEVICE.length, DEVICE, 0, DEVICE.length);
            while (i < to && data[i] != ',' && data[i] != ' ') {
                i += data[i] == '\\' ? 2 : 1;
            }
            if (isDevice) {
                return Arrays.copyOfRange(data, keyStart + DEVICE.length, Math.min(i, to));
            }
        }
        return null;
    }

    private static final class Group {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        int lines;

        void cut(byte[] key, List<Rec> out) {
            if (lines > 0) {
                out.add(new Rec(key, buf.toByteArray(), lines));
                buf.reset();
                lines = 0;
            }
        }
    }

    /** A byte-array map key. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
