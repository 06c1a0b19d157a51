package io.teleflux;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.teleflux.config.Redaction;

/**
 * Log pattern words {@code %redactedMsg} and {@code %redactedEx}: the message and the stack trace
 * with every configured secret replaced. Teleflux never logs a secret itself; these catch a
 * library's message or an exception text that echoes one.
 */
public final class RedactingConverters {
    private RedactingConverters() {
    }

    /** {@code %redactedMsg}. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Redaction.redact(super.convert(event));
        }
    }

    /** {@code %redactedEx}. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return Redaction.redact(super.throwableProxyToString(tp));
        }
    }
}
