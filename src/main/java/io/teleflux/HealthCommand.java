package io.teleflux;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code teleflux health}: asks a running collector's {@code /health} and exits 0 when it answers
 * 200, 1 otherwise. It exists for container health checks: the runtime image has a JRE but no curl
 * or wget, and a health check that needs no extra package is one less thing to patch.
 */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = Teleflux.Version.class,
        description = {"Check a running collector: GET its /health and exit 0 on HTTP 200, 1 on anything else.",
                "Meant for container health checks (the image has no curl)."})
final class HealthCommand implements Callable<Integer> {
    static final String DEFAULT_URL = "http://127.0.0.1:9273/health";

    @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL,
            description = "The collector's health endpoint. Default: ${DEFAULT-VALUE}.")
    URI url;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = SimulateCommand.DurationConverter.class,
            description = "Give up after this long (e.g. 2s, 500ms). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    private final PrintStream out;
    private final PrintStream err;

    HealthCommand() {
        this(System.out, System.err);
    }

    HealthCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            err.println("health: --url must be an http:// or https:// URL, got " + url);
            return 1;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() == 200) {
                out.println("healthy: " + r.body().strip());
                return 0;
            }
            err.println("unhealthy: " + url + " answered HTTP " + r.statusCode() + ": " + r.body().strip());
            return 1;
        } catch (IOException e) {
            err.println("unhealthy: no answer from " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("unhealthy: interrupted while asking " + url);
            return 1;
        }
    }
}
