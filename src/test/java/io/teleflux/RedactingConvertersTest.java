package io.teleflux;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.teleflux.config.Secret;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The production log pattern's backstop: a library message or stack trace that echoes a secret is rendered redacted. */
class RedactingConvertersTest {
    @Test
    void messageAndStackTraceAreRenderedWithoutTheSecret() {
        new Secret("lib-echoed-S3CRET-value");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%level %redactedMsg%n%redactedEx"); // the words logback.xml and LogSetup use
        enc.start();
        Logger logger = ctx.getLogger("some.library");
        LoggingEvent e = new LoggingEvent("x", logger, Level.WARN, "request failed with header Token {}",
                new IllegalStateException("server said: lib-echoed-S3CRET-value"), new Object[] {"lib-echoed-S3CRET-value"});
        String out = new String(enc.encode(e), StandardCharsets.UTF_8);
        assertThat(out).contains("request failed with header Token <redacted>", "server said: <redacted>")
                .doesNotContain("lib-echoed-S3CRET-value");
    }
}
