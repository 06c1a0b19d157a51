package io.teleflux;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.teleflux.config.LogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging set-up: {@link #bridgeJul()} routes {@code java.util.logging} into logback; {@link #apply}
 * applies {@code teleflux.log}: the level, and a rolling file next to the console when configured.
 */
final class LogSetup {
    private LogSetup() {
    }

    /**
     * Routes {@code java.util.logging} (gRPC logs through it) into SLF4J and so into logback: its
     * levels (logback.xml's {@code LevelChangePropagator} copies them to JUL, so that a disabled
     * level costs nothing), its appenders and the redacting pattern. Without this, JUL's own console
     * handler prints gRPC's records to stderr, one stack trace per failed connection. Removes JUL's
     * root handlers; idempotent. Called first thing in {@code main}, and by {@link Collector#start()}.
     */
    static synchronized void bridgeJul() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        LoggerFactory.getILoggerFactory(); // configure logback now, so its levels reach JUL before gRPC logs
    }

    static void apply(LogConfig cfg) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(cfg.level(), Level.INFO));
        if (cfg.file().isEmpty()) {
            return;
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %redactedMsg%n%redactedEx");
        enc.start();
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("FILE");
        file.setFile(cfg.file());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(cfg.file() + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(new FileSize(cfg.maxFileSize()));
        policy.setMaxHistory(cfg.maxHistory());
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(enc);
        file.start();
        root.addAppender(file);
    }
}
