package io.teleflux.bench;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Kafka output's compression options (teleflux.kafka.compression) on the collector's own line
 * protocol: a 5,000-line batch cut into records of one device's 48 lines (as the output keys them),
 * appended to a producer batch of at most 256 KiB (the output's batch.size) and compressed by the
 * kafka-clients code the producer runs, interleaved. Reports the ratio and the input MB/s of one thread.
 */
final class KafkaCompressBench {
    private static final int PRODUCER_BATCH = 256 * 1024;

    private KafkaCompressBench() {
    }

    static void run(boolean smoke) throws Exception {
        byte[] batch = CompressBench.batch(5000);
        List<byte[]> records = records(batch, 48);
        int roundMs = smoke ? 30 : 300;
        int rounds = smoke ? 1 : 15;
        int warmup = smoke ? 0 : 3;
        System.out.printf("kafka-compress: %,d lines (%,d bytes) as %d records of 48 lines in producer batches of "
                + "%d KiB; rounds of %d ms interleaved (%d warm-up + %d measured), load %s%n", 5000, batch.length,
                records.size(), PRODUCER_BATCH / 1024, roundMs, warmup, rounds, PythonBaselineBench.loadAverage());
        Map<String, Compression> options = new java.util.LinkedHashMap<>();
        options.put("lz4", Compression.lz4().build());
        options.put("zstd", Compression.zstd().build());
        options.put("snappy", Compression.snappy().build());
        options.put("gzip", Compression.gzip().build());
        options.put("none", Compression.NONE);
        Interleaved il = new Interleaved("lz4");
        for (Map.Entry<String, Compression> o : options.entrySet()) {
            Interleaved.Side perCall = Interleaved.timed(() -> compress(records, o.getValue()), roundMs);
            il.add(o.getKey(), () -> perCall.round() * batch.length / 1e6);
        }
        Map<String, Interleaved.Result> r = il.run(warmup, rounds, null);
        System.out.printf("%n  %-8s %10s %12s   %s%n", "codec", "MB/s in", "compression", "speed ratio to lz4: median (spread)");
        for (String name : options.keySet()) {
            Interleaved.Result x = r.get(name);
            System.out.printf("  %-8s %10.1f %11.2fx   %s%n", name, x.medianRate(),
                    (double) batch.length / compress(records, options.get(name)), name.equals("lz4") ? "1" : x.ratioSpread());
        }
        if (smoke) {
            System.out.println("(smoke run: the figures mean nothing)");
        }
    }

    /** The lines in records of {@code per} lines each. */
    static List<byte[]> records(byte[] batch, int per) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        int n = 0;
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] == '\n' && ++n == per) {
                out.add(Arrays.copyOfRange(batch, start, i + 1));
                start = i + 1;
                n = 0;
            }
        }
        if (start < batch.length) {
            out.add(Arrays.copyOfRange(batch, start, batch.length));
        }
        return out;
    }

    /** Bytes of the compressed producer batches holding {@code records}. */
    static long compress(List<byte[]> records, Compression c) {
        long total = 0;
        byte[] key = "sim-0001".getBytes(StandardCharsets.UTF_8);
        MemoryRecordsBuilder b = null;
        int raw = 0;
        for (byte[] v : records) {
            if (b == null || raw + v.length > PRODUCER_BATCH) {
                if (b != null) {
                    total += b.build().sizeInBytes();
                }
                b = MemoryRecords.builder(ByteBuffer.allocate(PRODUCER_BATCH + 64 * 1024), RecordBatch.CURRENT_MAGIC_VALUE, c,
                        TimestampType.CREATE_TIME, 0L);
                raw = 0;
            }
            b.append(0L, key, v);
            raw += v.length;
        }
        if (b != null) {
            total += b.build().sizeInBytes();
        }
        return total;
    }
}
