package io.teleflux;

import io.teleflux.config.ConfigException;
import io.teleflux.config.ConfigLoader;
import io.teleflux.config.TelefluxConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = {"Validate a configuration file without starting anything.",
                "Prints the effective settings (secrets redacted) and exits 0, or lists every problem with its key and exits 2."})
final class CheckConfigCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "HOCON configuration file.")
    Path config;

    @Override
    public Integer call() {
        try {
            TelefluxConfig cfg = Components.load(config);
            System.out.println("configuration OK: " + config);
            System.out.println(ConfigLoader.describe(cfg));
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
