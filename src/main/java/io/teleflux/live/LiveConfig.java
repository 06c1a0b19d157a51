package io.teleflux.live;

import io.teleflux.config.ConfigReader;
import io.teleflux.config.Section;

import java.time.Duration;

/**
 * {@code teleflux.live}: the live page and its event streams.
 *
 * @param maxClients   event streams open at once; more get 503
 * @param clientBuffer events queued per stream; a stream that falls this far behind is dropped
 * @param history      how far back each series' chart history reaches
 * @param top          the fleet table's default size
 */
public record LiveConfig(boolean enabled, int maxClients, int clientBuffer, Duration history, int top) {
    /** The largest fleet table a stream may ask for ({@code top=}). */
    public static final int MAX_TOP = 200;
    static final Duration MAX_HISTORY = Duration.ofHours(1);

    /** {@code teleflux.live}. */
    public static final Section<LiveConfig> SECTION = new Section<>() {
        @Override
        public String path() {
            return "teleflux.live";
        }

        @Override
        public LiveConfig read(ConfigReader r) {
            String p = "teleflux.live.";
            Duration history = r.duration(p + "history", Duration.ofSeconds(10));
            if (history.compareTo(MAX_HISTORY) > 0) {
                r.problem(p + "history: " + history + " is longer than the most it may keep, 1h");
            }
            return new LiveConfig(r.bool(p + "enabled"), r.intIn(p + "max-clients", 1, 10_000),
                    r.intIn(p + "client-buffer", 16, 1_000_000), history, r.intIn(p + "top", 1, MAX_TOP));
        }
    };
}
