package io.teleflux.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.teleflux.proto.h3c.DeviceInfo;
import io.teleflux.proto.h3c.DialoutMsg;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.DeviceProfile;
import io.teleflux.sim.dialout.H3cJsonWriter;
import io.teleflux.sim.dialout.SensorPath;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Serialized {@code Ifmgr/Statistics} DialoutMsgs of the simulator, built once up front so that
 * sending one costs a copy and not a JSON rendering (the generator must not be the bottleneck).
 *
 * <p>Device {@code d}'s sample {@code k} is the counter model at {@code START + k·interval}. Sending
 * goes round the {@code samples} samples again and again, but every message gets its own
 * timestamp, {@code START + seq·interval}, written over the 13 timestamp digits of the stored bytes:
 * time never repeats, so the collector's rate stage computes rates as it would live. Only the first
 * sample of each round goes back to the round's first counters, which the rate stage sees as a
 * counter reset (no rate for that one sample in {@code samples}).
 */
final class ReplayCorpus {
    static final long START_MS = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
    private static final byte[] TIMESTAMP_KEY = "\"Timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 13;

    private final int devices;
    private final int samples;
    private final long intervalMs;
    private final byte[][][] messages;
    private final int[][] timestampAt;
    private final String[] names;
    private long totalBytes;

    ReplayCorpus(CounterModel model, int devices, int samples, long intervalMs) {
        this.devices = devices;
        this.samples = samples;
        this.intervalMs = intervalMs;
        this.messages = new byte[devices][samples][];
        this.timestampAt = new int[devices][samples];
        this.names = new String[devices];
        H3cJsonWriter writer = new H3cJsonWriter(model);
        for (int d = 0; d < devices; d++) {
            DeviceProfile p = model.device(d);
            names[d] = p.name();
            DeviceInfo info = DeviceInfo.newBuilder().setProducerName("H3C").setDeviceName(p.name())
                    .setDeviceModel(p.model()).setDeviceIpAddr(p.ipAddress()).build();
            for (int k = 0; k < samples; k++) {
                String json = writer.json(SensorPath.IFMGR_STATISTICS, d, START_MS + k * intervalMs);
                byte[] bytes = DialoutMsg.newBuilder().setDeviceMsg(info).setSensorPath(SensorPath.IFMGR_STATISTICS.path())
                        .setJsonData(json).build().toByteArray();
                messages[d][k] = bytes;
                timestampAt[d][k] = timestampOffset(bytes);
                totalBytes += bytes.length;
            }
        }
        checkPatching();
    }

    int devices() {
        return devices;
    }

    int samples() {
        return samples;
    }

    String deviceName(int device) {
        return names[device];
    }

    long averageBytes() {
        return totalBytes / ((long) devices * samples);
    }

    /** The serialized DialoutMsg number {@code seq} of {@code device}'s endless stream (a fresh array). */
    byte[] message(int device, long seq) {
        int k = (int) (seq % samples);
        byte[] b = messages[device][k].clone();
        long ts = START_MS + seq * intervalMs;
        int at = timestampAt[device][k];
        for (int i = at + DIGITS - 1; i >= at; i--) {
            b[i] = (byte) ('0' + ts % 10);
            ts /= 10;
        }
        if (ts != 0) {
            throw new IllegalStateException("timestamp outgrew " + DIGITS + " digits");
        }
        return b;
    }

    private static int timestampOffset(byte[] b) {
        outer:
        for (int i = 0; i + TIMESTAMP_KEY.length + DIGITS < b.length; i++) {
            for (int j = 0; j < TIMESTAMP_KEY.length; j++) {
                if (b[i + j] != TIMESTAMP_KEY[j]) {
                    continue outer;
                }
            }
            int at = i + TIMESTAMP_KEY.length;
            if (b[at + DIGITS] != '"') {
                throw new IllegalStateException("the simulator's timestamp is not " + DIGITS + " digits");
            }
            return at;
        }
        throw new IllegalStateException("no Notification.Timestamp in the simulator's message");
    }

    /** The patched bytes must still be the DialoutMsg the simulator would have sent at that time. */
    private void checkPatching() {
        long seq = (long) samples * 3 + 1;
        try {
            DialoutMsg m = DialoutMsg.parseFrom(message(0, seq));
            String expected = "\"Timestamp\":\"" + (START_MS + seq * intervalMs) + "\"";
            if (!m.getJsonData().startsWith("{\"Notification\":{" + expected) || !m.getDeviceMsg().getDeviceName().equals(names[0])) {
                throw new IllegalStateException("timestamp patching broke the message: "
                        + m.getJsonData().substring(0, Math.min(80, m.getJsonData().length())));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("timestamp patching broke the message", e);
        }
    }
}
