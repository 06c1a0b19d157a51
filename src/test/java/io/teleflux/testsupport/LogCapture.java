package io.teleflux.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures the log lines of a logger and its children (through logback), for tests that assert
 * what was logged, e.g. that a failure was logged once and without a secret. Output still goes to
 * the console as usual. Close it to detach.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.of("io.teleflux.influx")) {
 *     ...
 *     assertThat(logs.messages(Level.WARN)).hasSize(1);
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.setName("capture-" + System.identityHashCode(this));
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures {@code loggerName} and every logger below it ("io.teleflux.influx" catches the whole package). */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName());
    }

    public List<ILoggingEvent> events() {
        synchronized (appender) { // ListAppender appends under this lock
            return new ArrayList<>(appender.list);
        }
    }

    /** Formatted messages (arguments filled in) of every captured line. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /**
     * Everything a reader of the log would see, one line each: every message, and the message of
     * every exception logged with one (where a secret would leak through a library's error text).
     */
    public String text() {
        List<String> all = new ArrayList<>();
        for (ILoggingEvent e : events()) {
            all.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                all.add(e.getThrowableProxy().getMessage());
            }
        }
        return String.join("\n", all);
    }

    /** Formatted messages at exactly {@code level}. */
    public List<String> messages(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Messages that contain {@code text}. */
    public List<String> containing(String text) {
        return messages().stream().filter(m -> m.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
