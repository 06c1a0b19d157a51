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

/** Applies {@code teleflux.log}: the level, and a rolling file next to the console when configured. */
final class LogSetup {
    private LogSetup() {
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
