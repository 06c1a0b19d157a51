package io.teleflux.sim.snmp;

import io.teleflux.testsupport.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's net-snmp command-line tools as the independent SNMP client: numeric OIDs, no MIB files,
 * TimeTicks as plain numbers. A missing tool fails the test (CI installs package {@code snmp}).
 */
final class NetSnmp {
    /** {@code .1.3.6.1.2.1.1.5.0 = STRING: "sim-0001"}; TimeTicks (-Ot) and exceptions have no type. */
    private static final Pattern LINE = Pattern.compile("^\\.([0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$");
    static final String END_OF_MIB_VIEW = "No more variables left in this MIB View (It is past the end of the MIB tree)";

    record Entry(String oid, String type, String value) {
        long asLong() {
            return Long.parseUnsignedLong(value.trim());
        }

        String text() {
            return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
        }
    }

    record Result(int exit, String out, String err) {
        /** Every {@code OID = value} line in order; continuation lines of multi-line strings are joined. */
        List<Entry> entries() {
            List<Entry> list = new ArrayList<>();
            for (String line : out.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    list.add(new Entry(m.group(1), m.group(2), m.group(3)));
                } else if (!list.isEmpty() && !line.isEmpty()) {
                    Entry last = list.remove(list.size() - 1);
                    list.add(new Entry(last.oid(), last.type(), last.value() + "\n" + line));
                }
            }
            return list;
        }

        Entry get(String oid) {
            return entries().stream().filter(e -> e.oid().equals(oid)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + oid + " in: " + out + err));
        }

        long num(String oid) {
            return get(oid).asLong();
        }
    }

    private NetSnmp() {
    }

    /** Common options: numeric output, no MIBs, 2 s timeout and one retry (loopback; a loaded CI machine). */
    static List<String> base(String version) {
        return new ArrayList<>(List.of("-v" + version, "-On", "-Ot", "-m", "", "-M", "/dev/null", "-t", "2", "-r", "1"));
    }

    static List<String> v2c(String community) {
        List<String> a = base("2c");
        a.addAll(List.of("-c", community));
        return a;
    }

    static List<String> v3(String user, String auth, String authPass, String priv, String privPass, String context) {
        List<String> a = base("3");
        a.addAll(List.of("-u", user, "-n", context));
        if (priv == null) {
            a.addAll(List.of("-l", "authNoPriv", "-a", auth, "-A", authPass));
        } else {
            a.addAll(List.of("-l", "authPriv", "-a", auth, "-A", authPass, "-x", priv, "-X", privPass));
        }
        return a;
    }

    /** Runs {@code /usr/bin/<tool> args... 127.0.0.1:port oids...}. */
    static Result run(String tool, List<String> options, String agent, String... oids) {
        Path exe = ManagedProcess.requireExecutable("/usr/bin/" + tool, "install Debian package 'snmp'");
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(options);
        cmd.add(agent);
        cmd.addAll(List.of(oids));
        try {
            Path out = Files.createTempFile("netsnmp", ".out");
            Path err = Files.createTempFile("netsnmp", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(tool + " did not finish in 60 s: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
