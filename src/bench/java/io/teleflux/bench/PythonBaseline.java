package io.teleflux.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code src/bench/python/h3c_baseline_collector.py} under Debian's {@code /usr/bin/python3} with
 * python3-grpcio, its stubs generated first by grpc_tools.protoc into the run's directory. Talks
 * to it over stdin/stdout ("stats" → "stats messages lines"; EOF stops it).
 */
final class PythonBaseline implements ServerUnderTest {
    static final String PYTHON = "/usr/bin/python3"; // Debian's grpcio is only visible to the system python
    static final Path SCRIPT = Path.of("src/bench/python/h3c_baseline_collector.py");
    static final Path PROTO_DIR = Path.of("proto/h3c");

    private final Process process;
    private final Path stderr;
    private final BufferedReader out;
    private final Writer in;
    private final int port;

    private PythonBaseline(Process process, Path stderr) throws IOException {
        this.process = process;
        this.stderr = stderr;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null || !first.startsWith("listening ")) {
            throw new IllegalStateException("the Python baseline did not start (" + first + "); its stderr:\n" + diagnostics());
        }
        this.port = Integer.parseInt(first.substring("listening ".length()).trim());
    }

    /** Generates the stubs into {@code dir}/gen and starts the server; fails loudly when python3/grpcio is missing. */
    static PythonBaseline start(Path dir, int workers) throws Exception {
        checkPrerequisites();
        Path gen = Files.createDirectories(dir.resolve("gen"));
        Process protoc = new ProcessBuilder(PYTHON, "-m", "grpc_tools.protoc", "-I" + PROTO_DIR.toAbsolutePath(),
                "--python_out=" + gen, "--grpc_python_out=" + gen, "grpc_dialout.proto").redirectErrorStream(true).start();
        String protocOut = new String(protoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!protoc.waitFor(120, TimeUnit.SECONDS) || protoc.exitValue() != 0) {
            throw new IllegalStateException("python3 -m grpc_tools.protoc failed (apt-get install python3-grpc-tools):\n" + protocOut);
        }
        Path stderr = dir.resolve("python.err");
        Process p = new ProcessBuilder(List.of(PYTHON, SCRIPT.toAbsolutePath().toString(), "--gen-dir", gen.toString(),
                "--workers", Integer.toString(workers)))
                .redirectError(stderr.toFile()).start();
        try {
            return new PythonBaseline(p, stderr);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Fails at once, before any measuring, when the baseline cannot run here. */
    static void checkPrerequisites() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing (apt-get install python3 python3-grpcio python3-protobuf python3-grpc-tools)");
        }
        if (!Files.isRegularFile(SCRIPT) || !Files.isRegularFile(PROTO_DIR.resolve("grpc_dialout.proto"))) {
            throw new IllegalStateException("run the python benchmark from the repository root (needs " + SCRIPT + " and "
                    + PROTO_DIR + "/grpc_dialout.proto)");
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import grpc, google.protobuf, grpc_tools.protoc").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(PYTHON + " cannot import grpc, google.protobuf and grpc_tools (apt-get install "
                    + "python3-grpcio python3-protobuf python3-grpc-tools):\n" + out);
        }
    }

    @Override
    public String name() {
        return "python baseline";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public synchronized long messages() throws IOException {
        return stats()[0];
    }

    @Override
    public synchronized long points() throws IOException {
        return stats()[1];
    }

    /** {messages, lines} read together, so they belong to the same instant. */
    synchronized long[] stats() throws IOException {
        in.write("stats\n");
        in.flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("stats ")) {
            throw new IllegalStateException("the Python baseline stopped answering (" + line + "); its stderr:\n" + diagnostics());
        }
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    @Override
    public String diagnostics() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            in.close(); // EOF: the server stops and the script exits
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
