package io.teleflux;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar teleflux.jar <command>}. */
@Command(name = "teleflux", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = "Network telemetry collector: H3C gRPC dial-out and SNMP into InfluxDB.",
        subcommands = {RunCommand.class, RelayCommand.class, SimulateCommand.class, CheckConfigCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class})
public final class Teleflux implements Runnable {

    public static void main(String[] args) {
        LogSetup.bridgeJul();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Teleflux());
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Version from the jar manifest (set by the build). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Teleflux.class.getPackage().getImplementationVersion();
            return new String[] {"teleflux " + (v == null ? "development build" : v),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
