package io.teleflux.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixture itself: isolated dirs and ports, query parsing, crash and restart on the same data. */
class InfluxdFixtureIT {

    @Test
    void startsIsolatedQueriesSurvivesACrashAndCleansUp() throws Exception {
        Path dir;
        long pid;
        try (InfluxdFixture influx = InfluxdFixture.launch()) {
            dir = influx.dir();
            assertThat(Files.readString(influx.configFile()))
                    .contains("bind-address = \"127.0.0.1:" + influx.rpcPort() + "\"")
                    .contains("bind-address = \"127.0.0.1:" + influx.port() + "\"")
                    .contains("reporting-enabled = false").contains("store-enabled = false");
            assertThat(influx.rpcPort()).isNotEqualTo(influx.port());

            influx.createDatabase("fx");
            SimpleHttp.Response w = SimpleHttp.post(influx.url().resolve("/write?db=fx&precision=ms"), "text/plain",
                    "m,t=a i=7i,f=1.5,s=\"x\" 1000\nm,t=b i=8i,f=2.5,s=\"y\" 2000\n");
            assertThat(w.status()).isEqualTo(204);

            InfluxQueryResult r = influx.query("fx", "SELECT i, f, s, t FROM m");
            InfluxQueryResult.Series s = r.single();
            assertThat(s.name()).isEqualTo("m");
            assertThat(s.columns()).containsExactly("time", "i", "f", "s", "t");
            assertThat(s.column("time")).containsExactly(1000L, 2000L);
            assertThat(s.column("i")).containsExactly(7L, 8L);
            assertThat(s.column("f")).containsExactly(1.5, 2.5);
            assertThat(s.row(1)).containsEntry("s", "y").containsEntry("t", "b");

            InfluxQueryResult grouped = influx.query("fx", "SELECT count(i) FROM m GROUP BY t");
            assertThat(grouped.series()).extracting(x -> x.tags().get("t")).containsExactly("a", "b");

            assertThatThrownBy(() -> influx.query("fx", "SELEKT nonsense")).hasMessageContaining("error");

            pid = ProcessHandleOf(influx);
            influx.kill();
            assertThat(influx.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            influx.start();
            assertThat(influx.query("fx", "SELECT count(i) FROM m").single().value(0, "count"))
                    .as("data written before the crash is back").isEqualTo(2L);

            influx.stop();
            assertThat(influx.isRunning()).isFalse();
            influx.start();
            assertThat(influx.query("fx", "SHOW DATABASES").single().column("name")).contains("fx");
            pid = ProcessHandleOf(influx);
        }
        assertThat(dir).doesNotExist();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private static long ProcessHandleOf(InfluxdFixture influx) throws Exception {
        // the process listening on the fixture's port is the one it started
        List<ProcessHandle> influxds = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(influx.configFile().toString()))
                .toList();
        assertThat(influxds).hasSize(1);
        return influxds.get(0).pid();
    }

    @Test
    void maxBodySizeIsApplied() throws Exception {
        try (InfluxdFixture influx = InfluxdFixture.builder().maxBodySize(1000).launch()) {
            influx.createDatabase("fx");
            String big = "m f=1i 1\n".repeat(200);
            assertThat(SimpleHttp.post(influx.url().resolve("/write?db=fx"), "text/plain", big).status()).isEqualTo(413);
        }
    }
}
