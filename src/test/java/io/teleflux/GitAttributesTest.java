package io.teleflux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts stay LF in every checkout (.gitattributes): a Windows clone with core.autocrlf would
 * otherwise give the InfluxDB init script a "bash\r" shebang, which fails InfluxDB's first boot in
 * a loop. Asked of git itself ({@code git check-attr}, {@code git ls-files --eol}), so the test
 * checks what a checkout does, not what the file says.
 */
class GitAttributesTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final String INIT_SCRIPT = "docker/influxdb/initdb/10-telemetry-dbrp.sh";

    static String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", ROOT.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("teleflux-git-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("git %s finished", String.join(" ", args)).isTrue();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("git %s (the tests run in a git checkout): %s", String.join(" ", args), text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** {@code git check-attr eol} for each path: path → value ("lf", "crlf", "unspecified"). */
    static Map<String, String> eol(String... paths) throws Exception {
        List<String> args = new ArrayList<>(List.of("check-attr", "eol", "--"));
        args.addAll(List.of(paths));
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : git(args.toArray(String[]::new)).lines().toList()) {
            int sep = line.lastIndexOf(": eol: ");
            out.put(line.substring(0, sep), line.substring(sep + ": eol: ".length()));
        }
        return out;
    }

    /** Tracked files that a kernel or a shell would execute: *.sh and any file starting with "#!". */
    static List<String> scripts() throws Exception {
        List<String> out = new ArrayList<>();
        for (String path : git("ls-files", "-z").split("\0")) {
            Path p = ROOT.resolve(path);
            if (path.isEmpty() || !Files.isRegularFile(p)) {
                continue;
            }
            if (path.endsWith(".sh")) {
                out.add(path);
                continue;
            }
            byte[] head = new byte[2];
            try (var in = Files.newInputStream(p)) {
                if (in.read(head) == 2 && head[0] == '#' && head[1] == '!') {
                    out.add(path);
                }
            }
        }
        return out;
    }

    @Test
    void theInitScriptAndEveryScriptCheckOutWithLf() throws Exception {
        assertThat(eol(INIT_SCRIPT)).containsEntry(INIT_SCRIPT, "lf");
        // the rules cover scripts added later too, and not every file (a test of nothing would pass)
        assertThat(eol("docker/influxdb/initdb/20-later.sh", "tools/new-script.sh", "Dockerfile", "README.md"))
                .containsEntry("docker/influxdb/initdb/20-later.sh", "lf").containsEntry("tools/new-script.sh", "lf")
                .containsEntry("Dockerfile", "lf").containsEntry("README.md", "unspecified");

        List<String> scripts = scripts();
        assertThat(scripts).contains(INIT_SCRIPT, ".ci/run");
        Map<String, String> attrs = eol(scripts.toArray(String[]::new));
        attrs.forEach((path, value) -> assertThat(value).as("%s: eol attribute (.gitattributes)", path).isEqualTo("lf"));
    }

    @Test
    void noTrackedScriptHoldsACarriageReturn() throws Exception {
        List<String> scripts = scripts();
        // as stored in git (the index), which is what every checkout starts from
        List<String> args = new ArrayList<>(List.of("ls-files", "--eol", "--"));
        args.addAll(scripts);
        List<String> lines = git(args.toArray(String[]::new)).lines().toList();
        assertThat(lines).hasSameSizeAs(scripts);
        for (String line : lines) {
            assertThat(line).as("git ls-files --eol: i/lf in the index, attr eol=lf").startsWith("i/lf ").contains("eol=lf");
        }
        // and as checked out here
        for (String path : scripts) {
            byte[] bytes = Files.readAllBytes(ROOT.resolve(path));
            for (byte b : bytes) {
                assertThat(b).as("%s contains a carriage return", path).isNotEqualTo((byte) '\r');
            }
        }
    }
}
