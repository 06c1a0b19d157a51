package io.teleflux.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector JVM's options in the reference deployment: {@code ENV JDK_JAVA_OPTIONS} of the
 * image's Dockerfile, which the bench build packs into this jar (see the bench profile in pom.xml),
 * so that a benchmark runs the collector as {@code docker compose up} does and there is one place
 * that says what they are.
 */
final class ReferenceJvm {
    private static final Pattern ENV = Pattern.compile("(?m)^ENV JDK_JAVA_OPTIONS=\"([^\"]*)\"\\s*$");

    private ReferenceJvm() {
    }

    static List<String> options() {
        try (InputStream in = ReferenceJvm.class.getResourceAsStream("Dockerfile")) {
            if (in == null) {
                throw new IllegalStateException("the bench jar holds no copy of the Dockerfile (build it with -Pbench)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Dockerfile copy in the bench jar", e);
        }
    }

    static List<String> parse(String dockerfile) {
        Matcher m = ENV.matcher(dockerfile);
        if (!m.find()) {
            throw new IllegalStateException("the Dockerfile has no line ENV JDK_JAVA_OPTIONS=\"...\"");
        }
        String o = m.group(1).strip();
        return o.isEmpty() ? List.of() : List.of(o.split("\\s+"));
    }
}
