package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.ClientTls;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SensorPath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code teleflux simulate}: plays N H3C devices that dial out to a collector. */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Simulates H3C switches that stream gRPC dial-out telemetry (Comware 7 JSON) to a collector.",
            "Counters are a deterministic function of seed, device, interface and time: daily rhythm, bursts,"
                + " idle and down ports. On every device the port with ifIndex 1 is a burst port: 3 minutes"
                + " above 80%% utilisation in every 10. A progress line goes to stderr every 5 seconds."})
public final class SimulateCommand implements Callable<Integer> {
    static final int MAX_DEVICES = 100_000;
    static final int MAX_INTERFACES = 1024;
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration MAX_DURATION = Duration.ofDays(3650);

    @Spec
    CommandSpec spec;

    @Option(names = "--dialout", paramLabel = "HOST:PORT", required = true,
            description = "Collector's gRPC dial-out listener to stream to (plaintext unless a --tls-* option is given)."
                    + " IPv6 as [addr]:port.")
    String dialout;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "3",
            description = "Number of simulated devices (1-" + MAX_DEVICES + "). Default: ${DEFAULT-VALUE}.")
    int devices;

    @Option(names = "--interfaces", paramLabel = "M", defaultValue = "48",
            description = "Interfaces per device (1-" + MAX_INTERFACES + "); 1 in 12 become uplinks numbered from 49."
                    + " Default: ${DEFAULT-VALUE}.")
    int interfaces;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Sample interval (e.g. 500ms, 5s, 1m). Ifmgr/Statistics goes out every interval, the other"
                    + " paths every " + DialoutSettings.DEFAULT_STATE_EVERY + "th sample and at each stream start."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to run (e.g. 30s, 10m, 2h). Default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the counter model: same seed, same counters. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--device-prefix", paramLabel = "PREFIX", defaultValue = "sim-",
            description = "Device names are PREFIX0001, PREFIX0002, ... Default: ${DEFAULT-VALUE}.")
    String devicePrefix;

    @Option(names = "--paths", paramLabel = "PATH", split = ",", defaultValue = "all",
            description = "Sensor paths to stream, or 'all'. Known: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            completionCandidates = KnownPaths.class)
    String[] paths;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Dial TLS; trust the collector's certificate if it chains to this PEM CA file.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Dial TLS and present this PEM certificate (mutual TLS); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-server-name", paramLabel = "NAME",
            description = "Dial TLS and expect this name in the collector's certificate (default: the --dialout host).")
    String tlsServerName;

    @Override
    public Integer call() throws InterruptedException {
        DialoutSettings settings = settings();
        ClientTls tls = tls();
        CounterModel model = new CounterModel(seed, interfaces, devicePrefix);
        PrintWriter err = spec.commandLine().getErr();
        DialoutSimulator sim = new DialoutSimulator(model, settings, tls);
        Thread hook = new Thread(sim::close, "sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-progress");
            t.setDaemon(true);
            return t;
        });
        DialoutStats[] last = {sim.stats()};
        long[] lastNanos = {System.nanoTime()};
        progress.scheduleAtFixedRate(() -> {
            DialoutStats now = sim.stats();
            long nanos = System.nanoTime();
            err.println(now.progressLine(last[0], (nanos - lastNanos[0]) / 1e9));
            err.flush();
            last[0] = now;
            lastNanos[0] = nanos;
        }, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        try {
            sim.run(duration);
        } finally {
            progress.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        err.println(sim.stats().progressLine(last[0], (System.nanoTime() - lastNanos[0]) / 1e9) + " (stopped)");
        err.flush();
        return 0;
    }

    /** Validates every option; errors name the option. */
    DialoutSettings settings() {
        CommandLine cl = spec.commandLine();
        HostPort target;
        try {
            target = HostPort.parse("--dialout", dialout, 0);
        } catch (ConfigException e) {
            throw new ParameterException(cl, e.problems().get(0));
        }
        if (target.port() == 0) {
            throw new ParameterException(cl, "--dialout: port must be in 1-65535, got 0");
        }
        if (devices < 1 || devices > MAX_DEVICES) {
            throw new ParameterException(cl, "--devices: must be in 1-" + MAX_DEVICES + ", got " + devices);
        }
        if (interfaces < 1 || interfaces > MAX_INTERFACES) {
            throw new ParameterException(cl, "--interfaces: must be in 1-" + MAX_INTERFACES + ", got " + interfaces);
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new ParameterException(cl, "--interval: must be at least " + MIN_INTERVAL.toMillis() + "ms, got "
                    + interval.toMillis() + "ms");
        }
        if (devicePrefix.isBlank()) {
            throw new ParameterException(cl, "--device-prefix: must not be blank");
        }
        return DialoutSettings.defaults(target, devices).withInterval(interval).withPaths(parsePaths(cl, paths));
    }

    /** The --tls-* options: null (plaintext) when none is given. */
    ClientTls tls() {
        CommandLine cl = spec.commandLine();
        if (tlsCa == null && tlsCert == null && tlsKey == null && tlsServerName == null) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(cl, "--tls-cert and --tls-key go together");
        }
        for (Path p : new Path[] {tlsCa, tlsCert, tlsKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new ParameterException(cl, "cannot read TLS file " + p);
            }
        }
        return new ClientTls(tlsCa, tlsCert, tlsKey, tlsServerName);
    }

    private static Set<SensorPath> parsePaths(CommandLine cl, String[] values) {
        Set<SensorPath> out = EnumSet.noneOf(SensorPath.class);
        for (String v : values) {
            if (v.isBlank()) {
                continue;
            }
            if (v.trim().equalsIgnoreCase("all")) {
                out.addAll(SensorPath.all());
                continue;
            }
            try {
                out.add(SensorPath.parse(v));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "--paths: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new ParameterException(cl, "--paths: at least one sensor path is required; known: "
                    + SensorPath.known());
        }
        return out;
    }

    /** Durations as people write them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; write e.g. 500ms, 30s, 10m, 2h");
            }
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d;
            try {
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            } catch (ArithmeticException e) {
                d = MAX_DURATION.plusDays(1);
            }
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is longer than 10 years");
            }
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
            }
            return d;
        }
    }

    /** For the help text. */
    static final class KnownPaths implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SensorPath.all().stream().map(SensorPath::path).iterator();
        }
    }
}
