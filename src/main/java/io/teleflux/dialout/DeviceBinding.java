package io.teleflux.dialout;

import io.teleflux.selfmon.Metrics;
import io.teleflux.selfmon.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code teleflux.dialout.require-device-name-match}: a device name belongs to the peer address it
 * was first seen from (first-seen binding, kept in memory until the collector restarts). A stream
 * that claims a name bound to another address has those messages dropped, so a host cannot write
 * into another device's series or keep its silent-device alert quiet.
 *
 * <p>Only the address counts, not the port: devices redial from new ports. Several names may
 * share one address (devices behind NAT). The table holds at most {@link #MAX_NAMES} names; once
 * full, a name never seen before is refused too, so invented names cannot grow it without bound.
 */
public final class DeviceBinding {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBinding.class);
    public static final int MAX_NAMES = 100_000;

    private final ConcurrentHashMap<String, String> addressByName = new ConcurrentHashMap<>();
    private final Metrics.Counter mismatches;
    private final RateLimitedLog log = new RateLimitedLog(LOG, 60_000);
    private final int maxNames;

    public DeviceBinding(Metrics metrics) {
        this(metrics, MAX_NAMES);
    }

    DeviceBinding(Metrics metrics, int maxNames) {
        this.maxNames = maxNames;
        this.mismatches = metrics.counter(DialoutMetrics.DECODE_ERRORS_TOTAL, "reason", "device_name_mismatch");
    }

    /** Whether {@code name} may be used from {@code peer}; a refusal is counted and logged (rate-limited). */
    public boolean admit(String name, Peer peer) {
        String bound = addressByName.get(name);
        if (bound == null) {
            if (addressByName.size() >= maxNames) {
                mismatches.inc();
                log.warn("full", "dial-out device name '{}' from {} refused: {} names are bound already (the most"
                        + " teleflux.dialout.require-device-name-match keeps)", name, peer.address(), maxNames);
                return false;
            }
            bound = addressByName.putIfAbsent(name, peer.address());
            if (bound == null) {
                return true;
            }
        }
        if (bound.equals(peer.address())) {
            return true;
        }
        mismatches.inc();
        log.warn("mismatch:" + name, "dial-out device name '{}' expected from {} but sent from {}: messages dropped"
                + " (teleflux.dialout.require-device-name-match)", name, bound, peer.address());
        return false;
    }
}
