package io.teleflux.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VictoriaMetricsFixtureIT {

    @Test
    void exportsWhatWasWrittenAndCleansUp() throws Exception {
        Path dir;
        long now = System.currentTimeMillis();
        try (VictoriaMetricsFixture vm = VictoriaMetricsFixture.launch()) {
            dir = vm.dir();
            SimpleHttp.Response w = SimpleHttp.post(vm.url().resolve("/write?precision=ms"), "text/plain",
                    "m,host=a f=1.5,g=3i " + now + "\nm,host=b f=2.5 " + (now + 1) + "\n");
            assertThat(w.status()).isEqualTo(204);
            List<VictoriaMetricsFixture.Series> s = vm.awaitExport("{__name__=~\"m_.*\"}", 3);
            assertThat(s).extracting(VictoriaMetricsFixture.Series::name).containsExactly("m_f", "m_f", "m_g");
            assertThat(s.get(0).labels()).containsEntry("host", "a");
            assertThat(s.get(0).values()).containsExactly(1.5);
            assertThat(s.get(0).timestamps()).containsExactly(now);
            assertThat(s.get(1).labels()).containsEntry("host", "b");
            assertThat(s.get(1).timestamps()).containsExactly(now + 1);
            assertThat(s.get(2).values()).as("integer field").containsExactly(3.0);
            assertThat(vm.export("{__name__=\"nothing\"}")).isEmpty();
        }
        assertThat(dir).doesNotExist();
    }
}
