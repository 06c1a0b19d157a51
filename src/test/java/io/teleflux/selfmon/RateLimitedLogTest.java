package io.teleflux.selfmon;

import io.teleflux.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {

    @Test
    void oneLinePerKeyAndIntervalAndAtMostNPerGroup() throws Exception {
        String name = "io.teleflux.selfmon.RateLimitedLogTest.grouped";
        RateLimitedLog rl = new RateLimitedLog(LoggerFactory.getLogger(name), 300);
        try (LogCapture logs = LogCapture.of(name)) {
            for (int i = 0; i < 100; i++) {
                rl.warnPerGroup("http1", 3, "10.0.0.1", "from {}", "10.0.0.1");
            }
            assertThat(logs.messages()).containsExactly("from 10.0.0.1");
            for (int peer = 2; peer < 50; peer++) {
                rl.warnPerGroup("http1", 3, "10.0.0." + peer, "from {}", "10.0.0." + peer);
            }
            assertThat(logs.messages()).containsExactly("from 10.0.0.1", "from 10.0.0.2", "from 10.0.0.3");
            rl.warnPerGroup("tls", 3, "10.0.0.1", "tls from {}", "10.0.0.1"); // another group has its own budget
            assertThat(logs.messages()).hasSize(4).last().isEqualTo("tls from 10.0.0.1");

            Thread.sleep(350);
            rl.warnPerGroup("http1", 3, "10.0.0.1", "from {}", "10.0.0.1");
            assertThat(logs.messages()).hasSize(5).last().isEqualTo("from 10.0.0.1 (99 similar suppressed)");
        }
    }
}
