package io.teleflux.grafana;

import io.teleflux.testsupport.ManagedProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool to completion (docker-compose, yamllint, tsc, bash) and keeps its output. */
public final class Exec {
    public record Result(int exit, String output) {
    }

    private Exec() {
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added to the environment (a null value
     * removes the variable); fails when
     * the binary is missing (CI installs it) or it runs longer than {@code timeoutSeconds}.
     */
    public static Result run(Path dir, Map<String, String> env, long timeoutSeconds, String installHint,
                             String... command) throws IOException, InterruptedException {
        String binary = command[0];
        if (!binary.contains("/")) {
            binary = which(binary, installHint);
        }
        ManagedProcess.requireExecutable(binary, installHint);
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, binary);
        Path log = Files.createTempFile("teleflux-exec-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds
                        + " s: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String which(String name, String installHint) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " is not installed (" + installHint + ")");
    }
}
