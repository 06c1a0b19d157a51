package io.teleflux.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManagedProcessTest {
    private final Path dir = TempDirs.create("managed-process-test-");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    @Test
    void aMissingBinaryFailsLoudly() {
        assertThatThrownBy(() -> ManagedProcess.requireExecutable("/nonexistent/influxd", "install it"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/influxd").hasMessageContaining("install it");
    }

    @Test
    void aProcessThatDiesDuringStartUpFailsWithItsLogTail() {
        try (ManagedProcess p = new ManagedProcess("sh", List.of("/bin/sh", "-c", "echo 'bind: address already in use' >&2; exit 3"),
                dir, dir.resolve("log"))) {
            p.start();
            assertThatThrownBy(() -> p.awaitReady(Duration.ofSeconds(30), "ready", () -> false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exit code 3")
                    .hasMessageContaining("bind: address already in use");
        }
    }

    @Test
    void waitsForReadinessAndStopsByPid() throws Exception {
        Path marker = dir.resolve("ready");
        try (ManagedProcess p = new ManagedProcess("sh", List.of("/bin/sh", "-c", "sleep 0.2; touch ready; exec sleep 600"),
                dir, dir.resolve("log"))) {
            p.start();
            p.awaitReady(Duration.ofSeconds(30), "marker file", () -> marker.toFile().exists());
            long pid = p.pid();
            assertThat(ProcessHandle.of(pid)).isPresent();
            p.stop(Duration.ofSeconds(5));
            assertThat(p.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(p.tail(5)).contains("starting: /bin/sh");
        }
    }

    @Test
    void killIsImmediateAndTheProcessCanBeStartedAgain() throws Exception {
        try (ManagedProcess p = new ManagedProcess("sh", List.of("/bin/sh", "-c", "trap '' TERM; echo up; exec sleep 600"),
                dir, dir.resolve("log"))) {
            p.start();
            p.awaitReady(Duration.ofSeconds(30), "up", () -> p.tail(1).equals("up"));
            p.kill();
            assertThat(p.isAlive()).isFalse();
            p.start();
            assertThat(p.isAlive()).isTrue();
        }
    }
}
