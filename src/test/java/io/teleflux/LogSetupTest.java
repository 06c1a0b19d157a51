package io.teleflux;

import ch.qos.logback.classic.Level;
import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Arrays;
import java.util.logging.ConsoleHandler;

import static org.assertj.core.api.Assertions.assertThat;

/** java.util.logging (gRPC's logging) goes through logback, at logback's levels. */
class LogSetupTest {

    @Test
    void julIsRoutedThroughLogbackAtItsLevels() {
        LogSetup.bridgeJul();
        LogSetup.bridgeJul(); // idempotent
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        assertThat(Arrays.stream(root.getHandlers()).filter(h -> h instanceof SLF4JBridgeHandler)).hasSize(1);
        assertThat(Arrays.stream(root.getHandlers()).filter(h -> h instanceof ConsoleHandler)).isEmpty();

        java.util.logging.Logger transport =
                java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections");
        java.util.logging.Logger other = java.util.logging.Logger.getLogger("org.example.jul");
        try (LogCapture grpc = LogCapture.of("io.grpc"); LogCapture ex = LogCapture.of("org.example")) {
            // what gRPC logs for each failed connection: INFO with a stack trace; below io.grpc's WARN
            transport.log(java.util.logging.Level.INFO, "Transport failed", new IllegalStateException("boom"));
            assertThat(transport.isLoggable(java.util.logging.Level.INFO)).as("level propagated to JUL").isFalse();
            transport.log(java.util.logging.Level.WARNING, "a real problem");
            other.info("hello from JUL");
            assertThat(grpc.messages()).containsExactly("a real problem");
            assertThat(grpc.events().get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(ex.messages(Level.INFO)).containsExactly("hello from JUL");
        }
    }
}
