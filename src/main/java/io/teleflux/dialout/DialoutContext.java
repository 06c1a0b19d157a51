package io.teleflux.dialout;

import io.teleflux.point.PointSink;
import io.teleflux.selfmon.Metrics;

import java.util.function.LongSupplier;

/**
 * What every vendor protocol of one {@link DialoutServer} shares: where points go (through the
 * server's {@link PointGuard}), the limits, the chunk budget, the device-label table and, when
 * {@code require-device-name-match} is on, the name binding. Built by {@link DialoutServer#context}.
 *
 * @param binding null when the device-name check is off
 * @param clock   epoch ms, for receive times and timeouts
 */
public record DialoutContext(PointSink sink, Metrics metrics, DialoutConfig config, ChunkBudget chunks,
                             DeviceLabels labels, DeviceBinding binding, LongSupplier clock) {
    public DialoutConfig.Limits limits() {
        return config.limits();
    }
}
