package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.HostPort;
import io.teleflux.sim.CounterModel;
import io.teleflux.sim.dialout.ClientTls;
import io.teleflux.sim.dialout.Dialect;
import io.teleflux.sim.dialout.DialectMix;
import io.teleflux.sim.dialout.DialoutSettings;
import io.teleflux.sim.dialout.DialoutSimulator;
import io.teleflux.sim.dialout.DialoutStats;
import io.teleflux.sim.dialout.SensorPath;
import io.teleflux.sim.gnmi.GnmiSettings;
import io.teleflux.sim.gnmi.GnmiSimulator;
import io.teleflux.sim.gnmi.GnmiStats;
import io.teleflux.sim.snmp.SnmpAgentSimulator;
import io.teleflux.sim.snmp.SnmpAgentStats;
import io.teleflux.sim.snmp.V3User;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code teleflux simulate}: plays N H3C devices that dial out to a collector, answer SNMP and/or serve gNMI. */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Simulates switches that stream gRPC dial-out telemetry (H3C Comware 7 JSON by default; H3C v3 or"
                + " Cisco MDT with --dialect/--dialect-mix) to a collector,"
                + " answer SNMP (--snmp-listen), serve gNMI (--gnmi-listen), or any mix: the same devices with the"
                + " same counters.",
            "Counters are a deterministic function of seed, device, interface and time: daily rhythm, bursts,"
                + " idle and down ports. On every device the port with ifIndex 1 is a burst port: 3 minutes"
                + " above 80%% utilisation in every 10. A progress line (dial-out messages/s, SNMP requests/s, gNMI"
                + " notifications/s) goes"
                + " to stderr every 5 seconds."})
public final class SimulateCommand implements Callable<Integer> {
    static final int MAX_DEVICES = 100_000;
    static final int MAX_INTERFACES = 1024;
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration MAX_DURATION = Duration.ofDays(3650);

    @Spec
    CommandSpec spec;

    @Option(names = "--dialout", paramLabel = "HOST:PORT",
            description = "Collector's gRPC dial-out listener to stream to (plaintext unless a --tls-* option is given)."
                    + " IPv6 as [addr]:port. Required unless --snmp-listen or --gnmi-listen is given.")
    String dialout;

    @Option(names = "--snmp-listen", paramLabel = "HOST:PORT",
            description = "Also (or only) answer SNMP v2c/v3 for the same devices on this UDP address; binds only"
                    + " this address, port 0 picks a free one. The v2c community, or the v3 context name, is the"
                    + " device name (e.g. sim-0001); other communities get no answer. Serves sysDescr, sysObjectID,"
                    + " sysUpTime, sysName, ifNumber, ifTable and ifXTable with the counters dial-out streams.")
    String snmpListen;

    @Option(names = "--snmp-community-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "v2c communities are PREFIX followed by the device name (e.g. ro- for ro-sim-0001), so that"
                    + " a community differs from the device name: a collector redacts its secrets wherever they"
                    + " appear, a device named like its community included. Default: none (community = name).")
    String snmpCommunityPrefix;

    @Option(names = "--snmp-v3-user", paramLabel = "NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]",
            description = "An SNMPv3 user of --snmp-listen (repeatable). AUTH: MD5, SHA, SHA-224, SHA-256, SHA-384,"
                    + " SHA-512; PRIV: DES, AES-128 (or AES), AES-192, AES-256; without PRIV the user is authNoPriv."
                    + " Passphrases: at least 8 characters, no ':'. A user may not read with less security than"
                    + " given here.")
    List<String> snmpV3Users = new ArrayList<>();

    @Option(names = "--gnmi-listen", paramLabel = "HOST:PORT",
            description = "Also (or only) serve gNMI for the same devices on this TCP address (plaintext unless"
                    + " --gnmi-tls-cert is given); binds only this address, port 0 picks a free one. One server for"
                    + " all devices: a SubscriptionList's prefix.target is the device name (e.g. sim-0001); an"
                    + " empty target is accepted only with --devices 1, an unknown one gets NOT_FOUND. RPCs:"
                    + " Capabilities, Subscribe in STREAM or ONCE mode (POLL: UNIMPLEMENTED); subscription modes"
                    + " SAMPLE (sample_interval in ns; 0 = --interval), ON_CHANGE, TARGET_DEFINED (counters"
                    + " sampled, state on change). Samples are taken at multiples of the interval and stamped with"
                    + " that instant in ns. Served (OpenConfig, paths by element; '*' and left-out keys match"
                    + " all): /interfaces/interface[name=IFNAME]/state/{name,description,ifindex,mtu,admin-status,"
                    + "oper-status,counters/{in,out}-{octets,pkts,unicast-pkts,broadcast-pkts,multicast-pkts,"
                    + "discards,errors}}, .../ethernet/state/{port-speed,mac-address},"
                    + " /components/component[name=CPU0]/cpu/utilization/state/instant and"
                    + " .../state/memory/{available,utilized} (bytes). Encodings PROTO (typed values) and JSON_IETF"
                    + " (RFC 7951: 64-bit integers as strings); others: UNIMPLEMENTED.")
    String gnmiListen;

    @Option(names = "--gnmi-tls-cert", paramLabel = "FILE",
            description = "Serve --gnmi-listen over TLS with this PEM certificate (chain); needs --gnmi-tls-key.")
    Path gnmiTlsCert;

    @Option(names = "--gnmi-tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --gnmi-tls-cert.")
    Path gnmiTlsKey;

    @Option(names = "--gnmi-username", paramLabel = "NAME",
            description = "Require gRPC metadata 'username' = NAME and 'password' = --gnmi-password on every gNMI"
                    + " call; other calls get UNAUTHENTICATED. Needs --gnmi-password.")
    String gnmiUsername;

    @Option(names = "--gnmi-password", paramLabel = "PASSWORD", description = "See --gnmi-username; never printed.")
    String gnmiPassword;

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

    @Option(names = "--dialect", paramLabel = "DIALECT",
            description = "The dial-out format every device speaks: h3c (Comware 7 classic, client-streaming JSON),"
                    + " h3cv3 (Comware v3: bidi DialoutV3, Telemetry with JSON data_str, chunked by totalSize above"
                    + " 256 KiB), cisco (IOS XR MDT: bidi MdtDialout, self-describing GPB-KV; Ifmgr/Statistics as"
                    + " infra-statsd generic-counters, Ifmgr/Interfaces as interface-xr), huawei (VRP: bidi"
                    + " dataPublish, Telemetry with GPB ifm ifStatistics rows; CPU, memory and other paths as JSON"
                    + " data_str). Same counters, same sample"
                    + " instants in every dialect. Default: h3c.")
    String dialect;

    @Option(names = "--dialect-mix", paramLabel = "DIALECT:WEIGHT[,...]",
            description = "A fleet of several dialects, e.g. h3c:2,h3cv3:1,cisco:1,huawei:1: devices get them by weighted"
                    + " round-robin on their number (deterministic: h3c, h3cv3, h3c, cisco, ...). Not with --dialect.")
    String dialectMix;

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
        HostPort snmp = snmpListen();
        ClientTls tls = tls();
        List<V3User> users = v3Users();
        GnmiSettings gnmiSettings = gnmiSettings();
        CounterModel model = new CounterModel(seed, interfaces, devicePrefix);
        PrintWriter err = spec.commandLine().getErr();
        DialoutSimulator sim = settings == null ? null : new DialoutSimulator(model, settings, tls);
        SnmpAgentSimulator agent = snmp == null ? null
                : new SnmpAgentSimulator(model, devices, snmp.host(), snmp.port(), users).withCommunityPrefix(snmpCommunityPrefix);
        GnmiSimulator gnmi = gnmiSettings == null ? null : new GnmiSimulator(model, devices, gnmiSettings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stopAll = () -> {
            if (sim != null) {
                sim.close();
            }
            if (agent != null) {
                agent.close();
            }
            if (gnmi != null) {
                gnmi.close();
            }
            stopped.countDown();
        };
        if (agent != null) {
            try {
                agent.start();
            } catch (IOException | RuntimeException e) {
                err.println("--snmp-listen: cannot listen on udp " + snmp + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            err.println("sim: answering SNMP for " + devices + " devices on udp " + snmp.host() + ":" + agent.port()
                    + " (community or v3 context = device name, e.g. " + model.deviceName(0) + ")");
            err.flush();
        }
        if (gnmi != null) {
            try {
                gnmi.start();
            } catch (IOException | RuntimeException e) {
                err.println("--gnmi-listen: cannot serve gNMI on tcp " + gnmiSettings.host() + ":"
                        + gnmiSettings.port() + ": " + e.getMessage());
                err.flush();
                stopAll.run();
                return 1;
            }
            err.println("sim: serving gNMI for " + devices + " devices on tcp " + gnmiSettings.host() + ":"
                    + gnmi.port() + " (" + (gnmiSettings.tls() ? "TLS" : "plaintext")
                    + (gnmiSettings.username() == null ? "" : ", username/password required")
                    + "; prefix.target = device name, e.g. " + model.deviceName(0) + ")");
            err.flush();
        }
        Thread hook = Thread.ofPlatform().name("sim-shutdown").unstarted(stopAll);
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService progress =
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sim-progress").daemon().factory());
        Progress[] last = {Progress.of(sim, agent, gnmi)};
        long[] lastNanos = {System.nanoTime()};
        progress.scheduleAtFixedRate(() -> {
            Progress now = Progress.of(sim, agent, gnmi);
            long nanos = System.nanoTime();
            err.println(now.line(last[0], (nanos - lastNanos[0]) / 1e9, devices));
            err.flush();
            last[0] = now;
            lastNanos[0] = nanos;
        }, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (sim != null) {
                sim.run(duration);
            } else if (duration == null) {
                stopped.await();
            } else {
                stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            progress.shutdownNow();
            stopAll.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        err.println(Progress.of(sim, agent, gnmi).line(last[0], (System.nanoTime() - lastNanos[0]) / 1e9, devices)
                + " (stopped)");
        err.flush();
        return 0;
    }

    /** What the progress line reports: the dial-out, SNMP and gNMI counters, whichever run. */
    private record Progress(DialoutStats dialout, SnmpAgentStats snmp, GnmiStats gnmi) {
        static Progress of(DialoutSimulator sim, SnmpAgentSimulator agent, GnmiSimulator gnmi) {
            return new Progress(sim == null ? null : sim.stats(), agent == null ? null : agent.stats(),
                    gnmi == null ? null : gnmi.stats());
        }

        String line(Progress previous, double seconds, int devices) {
            String d = dialout == null ? "sim: " + devices + " devices"
                    : dialout.progressLine(previous.dialout, seconds);
            d = snmp == null ? d : d + ", " + snmp.progressLine(previous.snmp, seconds);
            return gnmi == null ? d : d + ", " + gnmi.progressLine(previous.gnmi, seconds);
        }
    }

    /** Validates every option; errors name the option. Null when there is no --dialout (SNMP or gNMI only). */
    DialoutSettings settings() {
        CommandLine cl = spec.commandLine();
        if (dialout == null && snmpListen == null && gnmiListen == null) {
            throw new ParameterException(cl, "Missing option: at least one of --dialout=HOST:PORT,"
                    + " --snmp-listen=HOST:PORT, --gnmi-listen=HOST:PORT");
        }
        HostPort target = null;
        if (dialout != null) {
            try {
                target = HostPort.parse("--dialout", dialout, 0);
            } catch (ConfigException e) {
                throw new ParameterException(cl, e.problems().get(0));
            }
            if (target.port() == 0) {
                throw new ParameterException(cl, "--dialout: port must be in 1-65535, got 0");
            }
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
        Set<SensorPath> sensorPaths = parsePaths(cl, paths);
        DialectMix mix = dialects(cl);
        return target == null ? null
                : DialoutSettings.defaults(target, devices).withInterval(interval).withPaths(sensorPaths)
                        .withDialects(mix);
    }

    private DialectMix dialects(CommandLine cl) {
        if (dialect != null && dialectMix != null) {
            throw new ParameterException(cl, "--dialect and --dialect-mix exclude each other");
        }
        if ((dialect != null || dialectMix != null) && dialout == null) {
            throw new ParameterException(cl, (dialect != null ? "--dialect" : "--dialect-mix") + ": needs --dialout");
        }
        try {
            if (dialectMix != null) {
                return DialectMix.parse(dialectMix);
            }
            return DialectMix.of(dialect == null ? Dialect.H3C : Dialect.parse(dialect));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, (dialect != null ? "--dialect: " : "--dialect-mix: ") + e.getMessage());
        }
    }

    private HostPort snmpListen() {
        if (snmpListen == null) {
            return null;
        }
        try {
            return HostPort.parse("--snmp-listen", snmpListen, 0);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.problems().get(0));
        }
    }

    /** The --gnmi-* options: null when there is no --gnmi-listen (and then no other --gnmi-* option may be given). */
    private GnmiSettings gnmiSettings() {
        CommandLine cl = spec.commandLine();
        if (gnmiListen == null) {
            String stray = gnmiTlsCert != null ? "--gnmi-tls-cert" : gnmiTlsKey != null ? "--gnmi-tls-key"
                    : gnmiUsername != null ? "--gnmi-username" : gnmiPassword != null ? "--gnmi-password" : null;
            if (stray != null) {
                throw new ParameterException(cl, stray + ": needs --gnmi-listen");
            }
            return null;
        }
        HostPort listen;
        try {
            listen = HostPort.parse("--gnmi-listen", gnmiListen, 0);
        } catch (ConfigException e) {
            throw new ParameterException(cl, e.problems().get(0));
        }
        if ((gnmiTlsCert == null) != (gnmiTlsKey == null)) {
            throw new ParameterException(cl, "--gnmi-tls-cert and --gnmi-tls-key go together");
        }
        for (Path p : new Path[] {gnmiTlsCert, gnmiTlsKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new ParameterException(cl, "cannot read TLS file " + p);
            }
        }
        if ((gnmiUsername == null) != (gnmiPassword == null)) {
            throw new ParameterException(cl, "--gnmi-username and --gnmi-password go together");
        }
        if (gnmiUsername != null && (gnmiUsername.isEmpty() || gnmiPassword.isEmpty())) {
            throw new ParameterException(cl, "--gnmi-username and --gnmi-password must not be empty");
        }
        GnmiSettings s = GnmiSettings.plaintext(listen.host(), listen.port(), interval);
        if (gnmiTlsCert != null) {
            s = s.withTls(gnmiTlsCert, gnmiTlsKey);
        }
        return gnmiUsername == null ? s : s.withCredentials(gnmiUsername, gnmiPassword);
    }

    private List<V3User> v3Users() {
        CommandLine cl = spec.commandLine();
        if (!snmpV3Users.isEmpty() && snmpListen == null) {
            throw new ParameterException(cl, "--snmp-v3-user: needs --snmp-listen");
        }
        List<V3User> users = new ArrayList<>();
        for (String u : snmpV3Users) {
            V3User user;
            try {
                user = V3User.parse(u);
            } catch (IllegalArgumentException e) {
                // the message never contains the passphrases, and neither does this one
                throw new ParameterException(cl, "--snmp-v3-user: " + e.getMessage());
            }
            if (users.stream().anyMatch(x -> x.name().equals(user.name()))) {
                throw new ParameterException(cl, "--snmp-v3-user: user '" + user.name() + "' is given twice");
            }
            users.add(user);
        }
        return users;
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
