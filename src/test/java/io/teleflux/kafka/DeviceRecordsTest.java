package io.teleflux.kafka;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a batch of line protocol becomes records: keyed by device, in order, bounded in size. */
class DeviceRecordsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theDeviceTagIsFoundWhereverItIsAndWithEscapes() {
        assertThat(s(device("interface,device=sw1,interface=Gi1/0/1 in_octets=1i 1000\n"))).isEqualTo("sw1");
        assertThat(s(device("device,a=1,device=core\\ 1,source=snmp cpu_pct=3 1\n"))).isEqualTo("core\\ 1");
        assertThat(s(device("m\\,device=x,tag=1 f=1 1\n"))).isNull(); // an escaped comma is part of the measurement
        assertThat(s(device("m,device_ip=1.2.3.4 f=1 1\n"))).isNull();
        assertThat(s(device("teleflux,instance=c1 up=1 1\n"))).isNull();
        assertThat(s(device("m f=\"device=x\" 1\n"))).isNull(); // a field, not a tag
        assertThat(s(device("m,x=a\\,device=y f=1 1\n"))).isNull(); // escaped comma inside a tag value
        assertThat(s(device("m,device=a\\=b,z=1 f=1 1\n"))).isEqualTo("a\\=b");
    }

    private static byte[] device(String line) {
        byte[] l = b(line);
        return DeviceRecords.device(l, 0, l.length);
    }

    @Test
    void linesAreGroupedByDeviceInOrderAndAcrossChunks() {
        byte[][] chunks = {b("m,device=a f=1 1\nm,device=b f=1 1\nm,dev"), b("ice=a f=2 2\nteleflux,instance=i up=1 1\n")};
        List<DeviceRecords.Rec> recs = DeviceRecords.split(chunks, 1 << 20);
        assertThat(recs).hasSize(3);
        assertThat(s(recs.get(0).key())).isEqualTo("a");
        assertThat(s(recs.get(0).value())).isEqualTo("m,device=a f=1 1\nm,device=a f=2 2\n");
        assertThat(recs.get(0).lines()).isEqualTo(2);
        assertThat(s(recs.get(1).key())).isEqualTo("b");
        assertThat(recs.get(2).key()).isNull();
        assertThat(s(recs.get(2).value())).isEqualTo("teleflux,instance=i up=1 1\n");
    }

    @Test
    void recordsAreCutAtWholeLinesBelowTheLimit() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("m,device=a f=").append(i).append("i 1\n"); // 18-20 bytes each
        }
        List<DeviceRecords.Rec> recs = DeviceRecords.split(new byte[][] {b(sb.toString())}, 200);
        assertThat(recs).allSatisfy(r -> {
            assertThat(r.value().length).isLessThanOrEqualTo(200);
            assertThat(s(r.value())).endsWith("\n");
            assertThat(s(r.key())).isEqualTo("a");
        });
        assertThat(recs.stream().mapToInt(DeviceRecords.Rec::lines).sum()).isEqualTo(100);
        StringBuilder joined = new StringBuilder();
        recs.forEach(r -> joined.append(s(r.value())));
        assertThat(joined.toString()).isEqualTo(sb.toString());
        // a single line longer than the limit is a record of its own (the brokers judge it)
        List<DeviceRecords.Rec> big = DeviceRecords.split(new byte[][] {b("m,device=a f=\"" + "x".repeat(300) + "\" 1\n")}, 200);
        assertThat(big).hasSize(1);
    }

    @Test
    void anUnterminatedLineIsRefused() {
        assertThatThrownBy(() -> DeviceRecords.split(new byte[][] {b("m,device=a f=1 1")}, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
